import { useState } from 'preact/hooks';
import { get, post } from './api.js';
import {
  Badge,
  ConfirmButton,
  ErrorBox,
  fmtNumber,
  hourAxis,
  html,
  LineChart,
  Loading,
  SortHeader,
  StatusBadge,
  Time,
  useData,
} from './ui.js';

const STATUSES = ['open', 'acknowledged', 'fixed', 'verified'];
const KINDS = ['error', 'performance', 'wrong-result'];
const FILTERS = ['status', 'kind', 'failedVersion', 'goodVersion', 'errorClass', 'workload', 'q'];

/** The list: filters and sort live in the URL (shareable, back button works); pages by cursor. */
export function RegressionsPage({ params, navigate }) {
  const sort = params.sort ?? 'lastSeen';
  const dir = params.dir ?? 'desc';
  const [cursors, setCursors] = useState([null]);
  const cursor = cursors[cursors.length - 1];
  // The parent keys this page by its parameters, so a new filter or sort starts again at page 1.
  const filterKey = JSON.stringify(params);
  const limit = 25;
  const { data, error } = useData(
    () => get('/api/dashboard/regressions', { ...params, limit, cursor }),
    [filterKey, cursor],
    ['regressions'],
  );
  const facets = useData(() => get('/api/dashboard/regression-facets'), [], ['regressions']);
  const set = (k, v) => navigate('/regressions', { ...params, [k]: v || undefined });
  const onSort = (field, d) => navigate('/regressions', { ...params, sort: field, dir: d });
  const first = (cursors.length - 1) * limit;
  const select = (name, label, options) => html`
    <label>${label}
      <select name=${name} value=${params[name] ?? ''} onChange=${(e) => set(name, e.currentTarget.value)}>
        <option value="">any</option>
        ${options.map((o) => html`<option value=${o}>${o}</option>`)}
      </select>
    </label>`;
  return html`
    <h1 tabindex="-1">Regressions</h1>
    <form class="filters" role="search" aria-label="Filter regressions" onSubmit=${(e) => {
      e.preventDefault();
      const f = new FormData(e.currentTarget);
      const next = { ...params };
      for (const k of ['workload', 'q']) next[k] = String(f.get(k) ?? '') || undefined;
      navigate('/regressions', next);
    }}>
      ${select('status', 'Status', STATUSES)}
      ${select('kind', 'Kind', KINDS)}
      ${select('failedVersion', 'Fails on', facets.data?.versions ?? [])}
      ${select('goodVersion', 'Works on', facets.data?.versions ?? [])}
      ${select('errorClass', 'Error class', facets.data?.errorClasses ?? [])}
      <label>Workload <input name="workload" type="text" value=${params.workload ?? ''} autocomplete="off" /></label>
      <label>Search <input name="q" type="search" value=${params.q ?? ''} placeholder="error, message or SQL" /></label>
      <button type="submit">Apply</button>
      ${FILTERS.some((k) => params[k]) && html`<button type="button" onClick=${() => navigate('/regressions', { sort: params.sort, dir: params.dir })}>Clear filters</button>`}
    </form>
    <${ErrorBox} error=${error} />
    ${!data && !error && html`<${Loading} what="regressions" />`}
    ${data &&
    html`
      <p role="status" class="muted">
        ${data.total === 0 ? 'No regressions match.' : `Showing ${fmtNumber(first + 1)}–${fmtNumber(first + data.items.length)} of ${fmtNumber(data.total)}`}
      </p>
      <div class="table-scroll"><table class="regressions">
        <caption class="sr-only">Regressions, sorted by ${sort} ${dir === 'asc' ? 'ascending' : 'descending'}</caption>
        <thead><tr>
          <${SortHeader} label="#" field="id" sort=${sort} dir=${dir} onSort=${onSort} />
          <th scope="col">Status</th>
          <th scope="col">Kind</th>
          <th scope="col">Versions</th>
          <th scope="col">Error class</th>
          <${SortHeader} label="Workloads" field="workloads" sort=${sort} dir=${dir} onSort=${onSort} />
          <${SortHeader} label="Occurrences" field="occurrences" sort=${sort} dir=${dir} onSort=${onSort} />
          <${SortHeader} label="First seen" field="firstSeen" sort=${sort} dir=${dir} onSort=${onSort} />
          <${SortHeader} label="Last seen" field="lastSeen" sort=${sort} dir=${dir} onSort=${onSort} />
        </tr></thead>
        <tbody>
          ${data.items.map(
            (r) => html`<tr>
              <th scope="row"><a href=${`#/regressions/${r.id}`} aria-label=${`Regression ${r.id}: ${r.errorClass || r.kind} on ${r.failedVersion}`}>#${r.id}</a></th>
              <td><${StatusBadge} status=${r.status} /></td>
              <td>${r.kind}</td>
              <td><span class="nowrap">${r.failedVersion} <span aria-label="regressed from">←</span> ${r.goodVersion}</span></td>
              <td><code>${r.errorClass || '–'}</code></td>
              <td>${r.workloads.join(', ')}${r.workloadCount > r.workloads.length ? ` +${r.workloadCount - r.workloads.length} more` : ''}</td>
              <td class="num">${fmtNumber(r.occurrences)}</td>
              <td><${Time} value=${r.firstSeen} /></td>
              <td><${Time} value=${r.lastSeen} /></td>
            </tr>`,
          )}
        </tbody>
      </table></div>
      <nav class="pager" aria-label="Pages">
        <button type="button" disabled=${cursors.length <= 1} onClick=${() => setCursors(cursors.slice(0, -1))}>← Previous page</button>
        <span>Page ${cursors.length} of ${Math.max(1, Math.ceil(data.total / limit))}</span>
        <button type="button" disabled=${!data.nextCursor} onClick=${() => setCursors([...cursors, data.nextCursor])}>Next page →</button>
      </nav>`}`;
}

function PlanTree({ node }) {
  return html`<li>
    <span class="plan-op">${node.label}</span>
    ${node.details.length > 0 &&
    html`<dl class="plan-details">${node.details.map((d) => html`<div><dt>${d.name}</dt><dd><code>${d.value}</code></dd></div>`)}</dl>`}
    ${node.children.length > 0 && html`<ul>${node.children.map((c) => html`<${PlanTree} node=${c} />`)}</ul>`}
  </li>`;
}

export function RegressionPage({ id, session }) {
  const { data, error, reload } = useData(() => get(`/api/dashboard/regressions/${encodeURIComponent(id)}`), [id], ['regressions', 'pins']);
  const [message, setMessage] = useState('');
  const [actionError, setActionError] = useState(null);
  const operator = session.role === 'operator';
  const act = async (what, fn) => {
    setActionError(null);
    try {
      const res = await fn();
      setMessage(what(res));
      reload();
    } catch (e) {
      setActionError(e);
    }
  };
  const setStatus = (status) =>
    act(() => `Status set to ${status}.`, () => post(`/api/dashboard/regressions/${id}/status`, { status }));
  if (error && !data) return html`<h1 tabindex="-1">Regression #${id}</h1><${ErrorBox} error=${error} />`;
  if (!data) return html`<h1 tabindex="-1">Regression #${id}</h1><${Loading} what="the regression" />`;
  const r = data;
  const hours = 24 * 7;
  const since = new Date(Date.now() - hours * 3_600_000).toISOString();
  const xs = hourAxis(since, hours);
  const byHour = new Map(r.occurrencesByHour.map((o) => [o.hour, o.count]));
  const occ = [{ label: 'Failed attempts', values: xs.map((x) => byHour.get(x) ?? 0) }];
  const pinned = r.pins.filter((p) => p.version === r.goodVersion || p.regressionId === r.id);
  return html`
    <p><a href="#/regressions">← All regressions</a></p>
    <h1 tabindex="-1">Regression #${r.id}: <code>${r.errorClass || r.kind}</code></h1>
    <div role="status" aria-live="polite" class="flash">${message}</div>
    <${ErrorBox} error=${actionError} />
    <dl class="facts">
      <div><dt>Status</dt><dd><${StatusBadge} status=${r.status} /></dd></div>
      <div><dt>Kind</dt><dd>${r.kind}</dd></div>
      <div><dt>Fails on</dt><dd>${r.failedVersion}</dd></div>
      <div><dt>Works on</dt><dd>${r.goodVersion}</dd></div>
      <div><dt>Occurrences</dt><dd>${fmtNumber(r.occurrences)}</dd></div>
      <div><dt>First seen</dt><dd><${Time} value=${r.firstSeen} /></dd></div>
      <div><dt>Last seen</dt><dd><${Time} value=${r.lastSeen} /></dd></div>
      <div><dt>Fingerprint</dt><dd><code class="wrap">${r.fingerprint}</code></dd></div>
      ${r.fixedInVersion && html`<div><dt>Fixed in</dt><dd>${r.fixedInVersion}</dd></div>`}
    </dl>
    <section aria-labelledby="actions-h" class="actions-panel">
      <h2 id="actions-h">Actions</h2>
      ${!operator && html`<p class="muted">Actions need an operator token; you are signed in as a viewer.</p>`}
      <div class="actions">
        <button type="button" disabled=${!operator || r.status === 'acknowledged'} onClick=${() => setStatus('acknowledged')}>Acknowledge</button>
        <button type="button" disabled=${!operator || r.status === 'fixed'} onClick=${() => setStatus('fixed')}>Resolve (mark fixed)</button>
        <button type="button" disabled=${!operator || r.status === 'open'} onClick=${() => setStatus('open')}>Reopen</button>
        <${ConfirmButton} label="Unpin affected workloads" danger=${true} disabled=${!operator || pinned.length === 0}
          title="Unpin affected workloads"
          message=${`Unpin ${pinned.map((p) => p.workload).join(', ')} from ${r.goodVersion}? Their next queries go to the rollout or default version again, where this regression happened.`}
          confirmLabel="Unpin"
          onConfirm=${() => act((res) => `Unpinned ${res.unpinned.join(', ') || 'nothing'}.`, () => post(`/api/dashboard/regressions/${id}/unpin`, {}))} />
      </div>
    </section>
    <section aria-labelledby="err-h">
      <h2 id="err-h">Error</h2>
      <p><code>${r.errorClass || '(no error class)'}</code></p>
      <pre class="error-message">${r.errorMessage ?? '(no message recorded)'}</pre>
    </section>
    <section aria-labelledby="plan-h">
      <h2 id="plan-h">Plan</h2>
      ${r.sqlText && html`<h3>SQL</h3><pre class="sql">${r.sqlText}</pre>`}
      <h3>Spark Connect plan</h3>
      ${r.planTree ? html`<ul class="plan-tree" aria-label="Plan tree">${html`<${PlanTree} node=${r.planTree} />`}</ul>` : html`<p class="muted">${r.planBytes ? `The stored plan (${r.planBytes} bytes) could not be decoded.` : 'No plan stored.'}</p>`}
    </section>
    <section aria-labelledby="wl-h">
      <h2 id="wl-h">Affected workloads</h2>
      <div class="table-scroll"><table>
        <thead><tr><th scope="col">Workload</th><th scope="col">Pinned to</th><th scope="col">Pin reason</th><th scope="col">Pinned</th></tr></thead>
        <tbody>
          ${r.workloads.map((w) => {
            const p = r.pins.find((x) => x.workload === w);
            return html`<tr>
              <th scope="row"><a href=${`#/workloads/${encodeURIComponent(w)}`}>${w}</a></th>
              <td>${p ? p.version : html`<span class="muted">not pinned</span>`}</td>
              <td>${p ? html`<${Badge}>${p.reason}<//>` : '–'}</td>
              <td>${p ? html`<${Time} value=${p.createdAt} />` : '–'}</td>
            </tr>`;
          })}
        </tbody>
      </table></div>
    </section>
    <section aria-labelledby="occ-h">
      <h2 id="occ-h">Occurrences</h2>
      <${LineChart} id="occ" title="Failed attempts on the failing version per hour (7 days)" yLabel="per hour"
        summary=${`${occ[0].values.reduce((a, b) => a + b, 0)} failed attempts recorded in 7 days`} xs=${xs} series=${occ} />
    </section>`;
}
