import { get } from './api.js';
import { Badge, ErrorBox, fmtNumber, html, Loading, Time, useData } from './ui.js';

function stageText(r) {
  const stages = Array.isArray(r.stages) ? r.stages : [];
  const i = Number(r.stage_index ?? 0);
  const f = stages[i];
  return stages.length ? `${i + 1} of ${stages.length}${f !== undefined ? ` (${Math.round(Number(f) * 100)} %)` : ''}` : '–';
}

export function RolloutsPage() {
  const { data, error } = useData(() => get('/api/dashboard/rollouts'), [], ['pins', 'regressions', 'runs']);
  return html`
    <h1 tabindex="-1">Rollouts</h1>
    <${ErrorBox} error=${error} />
    ${!data && !error && html`<${Loading} what="rollouts" />`}
    ${data && (!data.available || data.rollouts.length === 0) && html`<p class="empty">No rollouts yet.</p>`}
    ${data &&
    data.rollouts.length > 0 &&
    html`<div class="table-scroll"><table>
        <thead><tr><th scope="col">#</th><th scope="col">Candidate</th><th scope="col">Baseline</th><th scope="col">Status</th>
          <th scope="col">Stage</th><th scope="col">Started</th><th scope="col">Updated</th><th scope="col">Reason</th></tr></thead>
        <tbody>${data.rollouts.map(
          (r) => html`<tr><th scope="row">${r.id}</th><td>${r.candidate}</td><td>${r.baseline}</td>
            <td><${Badge} tone=${r.status === 'active' ? 'good' : r.status === 'halted' || r.status === 'rolled_back' ? 'bad' : 'neutral'}>${r.status}<//></td>
            <td>${stageText(r)}</td><td><${Time} value=${r.created_at} /></td><td><${Time} value=${r.updated_at} /></td><td>${r.reason ?? ''}</td></tr>`,
        )}</tbody>
      </table></div>
      <h2>Decisions</h2>
      ${data.decisions.length === 0
        ? html`<p class="muted">No decisions recorded.</p>`
        : html`<div class="table-scroll"><table>
          <thead><tr><th scope="col">When</th><th scope="col">Rollout</th><th scope="col">Action</th><th scope="col">Stage</th>
            <th scope="col">Status</th><th scope="col">Reason</th><th scope="col">By</th></tr></thead>
          <tbody>${data.decisions.map(
            (d) => html`<tr><td><${Time} value=${d.at} /></td><td>#${d.rollout_id}</td><td>${d.action}</td>
              <td>${d.from_stage ?? '–'} → ${d.to_stage ?? '–'}${d.fraction !== null && d.fraction !== undefined ? ` (${Math.round(d.fraction * 100)} %)` : ''}</td>
              <td>${d.status}</td><td>${d.reason}</td><td>${d.actor}</td></tr>`,
          )}</tbody></table></div>`}`}`;
}

export function CanariesPage() {
  const { data, error } = useData(() => get('/api/dashboard/canaries'), [], ['regressions', 'runs']);
  return html`
    <h1 tabindex="-1">Canary reports</h1>
    <${ErrorBox} error=${error} />
    ${!data && !error && html`<${Loading} what="canary reports" />`}
    ${data && (!data.available || data.runs.length === 0) && html`<p class="empty">No canary reports yet.</p>`}
    ${data &&
    data.runs.length > 0 &&
    html`<div class="table-scroll"><table>
      <thead><tr><th scope="col">#</th><th scope="col">Candidate</th><th scope="col">Baseline</th><th scope="col">Verdict</th>
        <th scope="col">Plans</th><th scope="col">Passed</th><th scope="col">Regressions</th><th scope="col">Skipped</th><th scope="col">Started</th></tr></thead>
      <tbody>${data.runs.map(
        (r) => html`<tr><th scope="row"><a href=${`#/canaries/${r.id}`}>#${r.id}</a></th><td>${r.candidate}</td><td>${r.baseline}</td>
          <td><${Badge} tone=${r.status === 'passed' ? 'good' : r.status === 'running' ? 'neutral' : 'bad'}>${r.status === 'passed' ? '✓ ' : r.status === 'running' ? '… ' : '✗ '}${r.status}<//></td>
          <td class="num">${fmtNumber(r.plans)}</td><td class="num">${fmtNumber(r.passed)}</td><td class="num">${fmtNumber(r.regressions)}</td>
          <td class="num">${fmtNumber(r.skipped)}</td><td><${Time} value=${r.started_at} /></td></tr>`,
      )}</tbody></table></div>`}`;
}

export function CanaryPage({ id }) {
  const { data, error } = useData(() => get(`/api/dashboard/canaries/${encodeURIComponent(id)}`), [id], ['regressions']);
  return html`
    <p><a href="#/canaries">← All canary reports</a></p>
    <h1 tabindex="-1">Canary report #${id}</h1>
    <${ErrorBox} error=${error} />
    ${!data && !error && html`<${Loading} what="the canary report" />`}
    ${data &&
    html`<p>${data.run.candidate} against ${data.run.baseline}: <strong>${data.run.status}</strong>,
        ${fmtNumber(data.run.passed)} of ${fmtNumber(data.run.plans)} plans passed, ${fmtNumber(data.run.regressions)} regressions.</p>
      <div class="table-scroll"><table>
        <thead><tr><th scope="col">Plan</th><th scope="col">Workload</th><th scope="col">Verdict</th><th scope="col">Kind</th>
          <th scope="col">Baseline</th><th scope="col">Candidate</th><th scope="col">Latency ratio</th><th scope="col">Detail</th></tr></thead>
        <tbody>${data.results.map(
          (r) => html`<tr><th scope="row">${r.name}</th><td>${r.workload}</td>
            <td><${Badge} tone=${r.verdict === 'pass' ? 'good' : r.verdict === 'regression' ? 'bad' : 'neutral'}>${r.verdict}<//></td>
            <td>${r.kind ?? '–'}</td><td>${r.baseline_outcome}${r.baseline_error_class ? ` (${r.baseline_error_class})` : ''}</td>
            <td>${r.candidate_outcome}${r.candidate_error_class ? ` (${r.candidate_error_class})` : ''}</td>
            <td>${r.latency_ratio !== null && r.latency_ratio !== undefined ? `${Number(r.latency_ratio).toFixed(2)}×` : '–'}</td>
            <td>${r.detail ?? ''}${r.regression_id ? html` <a href=${`#/regressions/${r.regression_id}`}>regression #${r.regression_id}</a>` : ''}</td></tr>`,
        )}</tbody></table></div>`}`;
}
