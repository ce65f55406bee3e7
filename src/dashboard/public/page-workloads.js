import { useMemo, useState } from 'preact/hooks';
import { get } from './api.js';
import { BarList, Badge, ErrorBox, fmtMs, fmtNumber, fmtPercent, hourAxis, html, LineChart, Loading, Time, useData } from './ui.js';

export function WorkloadsPage({ params, navigate }) {
  const [cursors, setCursors] = useState([null]);
  const cursor = cursors[cursors.length - 1];
  const { data, error } = useData(() => get('/api/dashboard/workloads', { q: params.q, cursor, limit: 50 }), [params.q, cursor], ['runs', 'pins']);
  return html`
    <h1 tabindex="-1">Workloads</h1>
    <form class="filters" role="search" aria-label="Find workloads" onSubmit=${(e) => {
      e.preventDefault();
      navigate('/workloads', { q: String(new FormData(e.currentTarget).get('q') ?? '') || undefined });
    }}>
      <label>Workload name contains <input name="q" type="search" value=${params.q ?? ''} /></label>
      <button type="submit">Search</button>
    </form>
    <${ErrorBox} error=${error} />
    ${!data && !error && html`<${Loading} what="workloads" />`}
    ${data &&
    html`<p role="status" class="muted">${fmtNumber(data.total)} workloads</p>
      <div class="table-scroll"><table>
        <thead><tr><th scope="col">Workload</th><th scope="col">Last good version</th><th scope="col">Pinned</th>
          <th scope="col">Runs</th><th scope="col">Last seen</th></tr></thead>
        <tbody>
          ${data.items.map(
            (w) => html`<tr>
              <th scope="row"><a href=${`#/workloads/${encodeURIComponent(w.id)}`}>${w.id}</a></th>
              <td>${w.lastGoodVersion ?? '–'}</td>
              <td>${w.pinnedVersion ? html`<${Badge} tone="warn">📌 ${w.pinnedVersion} (${w.pinReason})<//>` : html`<span class="muted">no</span>`}</td>
              <td class="num">${fmtNumber(w.runCount)}</td>
              <td><${Time} value=${w.lastSeen} /></td>
            </tr>`,
          )}
        </tbody>
      </table></div>
      <nav class="pager" aria-label="Pages">
        <button type="button" disabled=${cursors.length <= 1} onClick=${() => setCursors(cursors.slice(0, -1))}>← Previous page</button>
        <span>Page ${cursors.length}</span>
        <button type="button" disabled=${!data.nextCursor} onClick=${() => setCursors([...cursors, data.nextCursor])}>Next page →</button>
      </nav>`}`;
}

export function WorkloadPage({ workload }) {
  const hours = 24 * 7;
  const { data, error } = useData(() => get(`/api/dashboard/workloads/${encodeURIComponent(workload)}`, { hours }), [workload], ['runs', 'pins']);
  const charts = useMemo(() => {
    if (!data) return null;
    const xs = hourAxis(new Date(Date.now() - hours * 3_600_000).toISOString(), hours);
    const versions = [...new Set(data.latencyByHour.map((l) => l.version))].sort();
    const series = [];
    for (const v of versions) {
      const rows = new Map(data.latencyByHour.filter((l) => l.version === v).map((l) => [l.hour, l]));
      series.push({ label: `${v} p50`, values: xs.map((x) => rows.get(x)?.p50Ms ?? null) });
      series.push({ label: `${v} p95`, values: xs.map((x) => rows.get(x)?.p95Ms ?? null) });
    }
    return { xs, series };
  }, [data]);
  return html`
    <p><a href="#/workloads">← All workloads</a></p>
    <h1 tabindex="-1">Workload <code>${workload}</code></h1>
    <${ErrorBox} error=${error} />
    ${!data && !error && html`<${Loading} what="the workload" />`}
    ${data &&
    html`
      <dl class="facts">
        <div><dt>Last good version</dt><dd>${data.info?.lastGoodVersion ?? '–'}</dd></div>
        <div><dt>Pinned</dt><dd>${data.pin ? `${data.pin.version} (${data.pin.reason})` : 'no'}</dd></div>
        <div><dt>Runs (all time)</dt><dd>${fmtNumber(data.info?.runCount ?? 0)}</dd></div>
        <div><dt>Last seen</dt><dd><${Time} value=${data.info?.lastSeen} /></dd></div>
        <div><dt>Regressions</dt><dd><a href=${`#/regressions?workload=${encodeURIComponent(workload)}`}>regressions of this workload</a></dd></div>
      </dl>
      <section aria-labelledby="bv-h">
        <h2 id="bv-h">Runs by version (7 days)</h2>
        <${BarList} title="Runs by version" items=${data.byVersion.map((v) => ({ label: v.version, value: v.runs }))} />
        <div class="table-scroll"><table>
          <thead><tr><th scope="col">Version</th><th scope="col">Runs</th><th scope="col">Succeeded</th><th scope="col">Failed</th>
            <th scope="col">Success rate</th><th scope="col">p50</th><th scope="col">p95</th></tr></thead>
          <tbody>${data.byVersion.map(
            (v) => html`<tr><th scope="row">${v.version}</th><td class="num">${fmtNumber(v.runs)}</td><td class="num">${fmtNumber(v.successes)}</td>
              <td class="num">${fmtNumber(v.errors)}</td><td>${fmtPercent(v.runs ? v.successes / v.runs : null)}</td>
              <td>${fmtMs(v.p50Ms)}</td><td>${fmtMs(v.p95Ms)}</td></tr>`,
          )}</tbody>
        </table></div>
      </section>
      <section aria-labelledby="lat-h">
        <h2 id="lat-h">Latency over time</h2>
        <${LineChart} id="lat" title="Query latency per hour by version (p50 and p95)" yLabel="ms" yFormat=${fmtMs}
          summary=${data.byVersion.map((v) => `${v.version}: p50 ${fmtMs(v.p50Ms)}, p95 ${fmtMs(v.p95Ms)}`).join('; ')}
          xs=${charts.xs} series=${charts.series} />
      </section>`}`;
}
