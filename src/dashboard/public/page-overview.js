import { useMemo, useState } from 'preact/hooks';
import { get } from './api.js';
import { BarList, Badge, ErrorBox, fmtNumber, fmtPercent, hourAxis, html, LineChart, Loading, useData } from './ui.js';

const WINDOWS = [
  { hours: 6, label: '6 hours' },
  { hours: 24, label: '24 hours' },
  { hours: 24 * 7, label: '7 days' },
];

function build(o) {
  const xs = hourAxis(o.since, o.hours);
  const index = new Map(xs.map((x, i) => [x, i]));
  const versions = [...new Set([...o.runtimes.map((r) => r.version), ...o.traffic.map((t) => t.version)])].sort();
  const zero = () => xs.map(() => 0);
  const runs = new Map(versions.map((v) => [v, zero()]));
  const ok = new Map(versions.map((v) => [v, zero()]));
  const total = zero();
  const retries = zero();
  const fresh = zero();
  for (const t of o.traffic) {
    const i = index.get(t.hour);
    if (i === undefined) continue;
    runs.get(t.version)[i] += t.runs;
    ok.get(t.version)[i] += t.successes;
    total[i] += t.runs;
    retries[i] += t.blinkRetries;
  }
  for (const r of o.newRegressions) {
    const i = index.get(r.hour);
    if (i !== undefined) fresh[i] += r.count;
  }
  const share = versions.map((v) => ({
    label: v,
    values: runs.get(v).map((n, i) => (total[i] ? (100 * n) / total[i] : null)),
  }));
  const success = versions.map((v) => ({
    label: v,
    values: runs.get(v).map((n, i) => (n ? (100 * ok.get(v)[i]) / n : null)),
  }));
  const totals = versions.map((v) => {
    const n = runs.get(v).reduce((a, b) => a + b, 0);
    const s = ok.get(v).reduce((a, b) => a + b, 0);
    return { version: v, runs: n, rate: n ? s / n : null };
  });
  return {
    xs,
    share,
    success,
    totals,
    events: [
      { label: 'Blink-twice retries', values: retries },
      { label: 'New regressions', values: fresh },
    ],
    retriesTotal: retries.reduce((a, b) => a + b, 0),
    freshTotal: fresh.reduce((a, b) => a + b, 0),
  };
}

export function OverviewPage() {
  const [hours, setHours] = useState(24);
  const { data, error } = useData(() => get('/api/dashboard/overview', { hours }), [hours], ['runs', 'regressions', 'pins']);
  const c = useMemo(() => (data ? build(data) : null), [data]);
  const pct = (v) => `${Math.round(v)} %`;
  return html`
    <h1 tabindex="-1">Overview</h1>
    <div class="toolbar">
      <label>Time window
        <select value=${hours} onChange=${(e) => setHours(Number(e.currentTarget.value))}>
          ${WINDOWS.map((w) => html`<option value=${w.hours}>${w.label}</option>`)}
        </select>
      </label>
    </div>
    <${ErrorBox} error=${error} />
    ${!data && !error && html`<${Loading} what="the overview" />`}
    ${data &&
    c &&
    html`
      <ul class="stats" aria-label="Summary">
        <li><span class="stat-value">${fmtNumber(data.openRegressions)}</span> open regressions</li>
        <li><span class="stat-value">${fmtNumber(c.freshTotal)}</span> new regressions in the window</li>
        <li><span class="stat-value">${fmtNumber(c.retriesTotal)}</span> blink-twice retries in the window</li>
        <li><span class="stat-value">${fmtNumber(data.pins.reduce((a, p) => a + p.count, 0))}</span> pinned workloads</li>
      </ul>
      <section aria-labelledby="rt-h">
        <h2 id="rt-h">Runtime versions</h2>
        <div class="table-scroll"><table>
          <thead><tr>
            <th scope="col">Version</th><th scope="col">Reports Spark</th><th scope="col">Kind</th>
            <th scope="col">Role</th><th scope="col">Queries in window</th><th scope="col">Success rate</th>
          </tr></thead>
          <tbody>
            ${data.runtimes.map((r) => {
              const t = c.totals.find((x) => x.version === r.version);
              return html`<tr>
                <th scope="row">${r.version}</th>
                <td>${r.sparkVersion}</td>
                <td>${r.kind}</td>
                <td>
                  ${r.isDefault && html`<${Badge} tone="good">★ default<//>`}
                  ${r.rollout &&
                  html` <${Badge} tone="warn">rollout ${r.rollout.status}: stage ${r.rollout.stage} of ${r.rollout.stages}${r.rollout.fraction !== null ? ` (${Math.round(r.rollout.fraction * 100)} %)` : ''}<//>`}
                  ${!r.isDefault && !r.rollout && html`<span class="muted">available</span>`}
                </td>
                <td>${fmtNumber(t?.runs ?? 0)}</td>
                <td>${fmtPercent(t?.rate ?? null)}</td>
              </tr>`;
            })}
          </tbody>
        </table></div>
      </section>
      <section aria-labelledby="charts-h" class="charts">
        <h2 id="charts-h">Over the last ${WINDOWS.find((w) => w.hours === hours)?.label ?? `${hours} hours`}</h2>
        <${LineChart} id="share" title="Share of queries per runtime version (%)" yLabel="% of queries" yFormat=${pct}
          summary=${c.totals.map((t) => `${t.version}: ${fmtNumber(t.runs)} queries`).join('; ')}
          xs=${c.xs} series=${c.share} />
        <${LineChart} id="success" title="Success rate per runtime version (%)" yLabel="% successful" yFormat=${pct}
          summary=${c.totals.map((t) => `${t.version}: ${fmtPercent(t.rate)}`).join('; ')}
          xs=${c.xs} series=${c.success} />
        <${LineChart} id="events" title="Blink-twice retries and new regressions per hour" yLabel="per hour"
          summary=${`${c.retriesTotal} retries and ${c.freshTotal} new regressions in the window`}
          xs=${c.xs} series=${c.events} />
        <${BarList} title="Pinned workloads by version"
          items=${data.pins.map((p) => ({ label: `${p.version} (${p.reason})`, value: p.count }))} />
      </section>`}`;
}
