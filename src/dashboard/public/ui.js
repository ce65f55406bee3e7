// Shared components. Everything renders through preact, which sets text, never markup: data is never
// parsed as HTML. Colour always comes with text, a symbol or a line pattern.
import htm from 'htm';
import { h } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import { onChange } from './api.js';

export const html = htm.bind(h);

/** Loads with `load()`, reloads when `deps` change or when one of `liveKeys` changes on the server. */
export function useData(load, deps, liveKeys = []) {
  const [state, setState] = useState({ data: null, error: null, loading: true });
  const seq = useRef(0);
  const run = useCallback(() => {
    const n = ++seq.current;
    load().then(
      (data) => n === seq.current && setState({ data, error: null, loading: false }),
      (error) => n === seq.current && setState((s) => ({ data: s.data, error, loading: false })),
    );
  }, deps);
  useEffect(() => {
    setState((s) => ({ ...s, loading: true }));
    run();
  }, [run]);
  useEffect(() => {
    if (liveKeys.length === 0) return undefined;
    return onChange((changed) => {
      if (changed.some((k) => liveKeys.includes(k))) run();
    });
  }, [run, liveKeys.join(',')]);
  return { ...state, reload: run };
}

export function Loading({ what }) {
  return html`<p class="muted" role="status">Loading ${what}…</p>`;
}

export function ErrorBox({ error }) {
  if (!error) return null;
  return html`<div class="error-box" role="alert"><strong>Error: </strong>${String(error.message ?? error)}</div>`;
}

const STATUS_ICON = { open: '●', acknowledged: '◐', fixed: '✓', verified: '✔' };

export function StatusBadge({ status }) {
  return html`<span class=${`badge status-${status}`}><span aria-hidden="true">${STATUS_ICON[status] ?? '•'} </span>${status}</span>`;
}

export function Badge({ children, tone = 'neutral' }) {
  return html`<span class=${`badge tone-${tone}`}>${children}</span>`;
}

export function fmtNumber(n) {
  return Number(n ?? 0).toLocaleString('en-US');
}

export function fmtPercent(x) {
  return x === null || x === undefined || Number.isNaN(x) ? '–' : `${(x * 100).toFixed(1)} %`;
}

export function fmtMs(ms) {
  if (ms === null || ms === undefined) return '–';
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`;
}

export function relative(date) {
  const d = new Date(date);
  const s = Math.round((Date.now() - d.getTime()) / 1000);
  if (s < 60) return `${Math.max(s, 0)} s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86400) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86400)} d ago`;
}

export function Time({ value }) {
  if (!value) return html`<span class="muted">–</span>`;
  const d = new Date(value);
  return html`<time datetime=${d.toISOString()} title=${d.toISOString()}>${relative(d)}</time>`;
}

/** A modal confirmation built on <dialog>: focus moves into it, Escape cancels, focus returns after. */
export function ConfirmButton({ label, title, message, confirmLabel, onConfirm, disabled, danger }) {
  const ref = useRef(null);
  const opener = useRef(null);
  const [busy, setBusy] = useState(false);
  const close = () => {
    ref.current?.close();
    opener.current?.focus();
  };
  const confirm = async () => {
    setBusy(true);
    try {
      await onConfirm();
    } finally {
      setBusy(false);
      close();
    }
  };
  return html`
    <button type="button" class=${danger ? 'danger' : ''} ref=${opener} disabled=${disabled}
      onClick=${() => ref.current?.showModal()}>${label}</button>
    <dialog ref=${ref} aria-labelledby=${`${title}-h`.replace(/\W+/g, '-')} onCancel=${close}>
      <h2 id=${`${title}-h`.replace(/\W+/g, '-')}>${title}</h2>
      <p>${message}</p>
      <div class="actions">
        <button type="button" onClick=${close} autofocus>Cancel</button>
        <button type="button" class="danger" onClick=${confirm} disabled=${busy}>${confirmLabel ?? label}</button>
      </div>
    </dialog>`;
}

// ---- charts

const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000'];
const DASHES = [[], [8, 4], [2, 3], [12, 3, 2, 3], [4, 4], [1, 2]];
const POINTS = ['circle', 'square', 'triangle', 'diamond'];

export function seriesStyle(i) {
  return { color: PALETTE[i % PALETTE.length], dash: DASHES[i % DASHES.length], marker: POINTS[i % POINTS.length] };
}

/** Hourly x axis (epoch seconds) from `since` to now. */
export function hourAxis(since, hours) {
  const start = Math.floor(new Date(since).getTime() / 3_600_000) * 3600;
  return Array.from({ length: hours + 1 }, (_, i) => start + i * 3600);
}

/**
 * A line chart with a text alternative: the canvas is one image with a summary label, and the same
 * numbers are in a table under "Show data". Series differ by colour, dash pattern and legend text.
 */
export function LineChart({ id, title, summary, xs, series, yLabel, yFormat = (v) => String(v) }) {
  const box = useRef(null);
  const plot = useRef(null);
  useEffect(() => {
    if (!box.current) return undefined;
    const width = Math.max(280, box.current.clientWidth || 600);
    const opts = {
      width,
      height: 220,
      legend: { show: true },
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: true } },
      axes: [{}, { label: yLabel, values: (_u, vals) => vals.map(yFormat) }],
      series: [
        { label: 'Hour' },
        ...series.map((s, i) => {
          const st = seriesStyle(i);
          return {
            label: s.label,
            stroke: st.color,
            dash: st.dash,
            width: 2,
            spanGaps: false,
            points: { show: true, size: 5, fill: st.color },
            value: (_u, v) => (v === null || v === undefined ? '–' : yFormat(v)),
          };
        }),
      ],
    };
    plot.current?.destroy();
    plot.current = new uPlot(opts, [xs, ...series.map((s) => s.values)], box.current);
    const ro = new ResizeObserver(() => {
      const w = box.current?.clientWidth;
      if (w && plot.current) plot.current.setSize({ width: Math.max(280, w), height: 220 });
    });
    ro.observe(box.current);
    return () => {
      ro.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
  }, [xs, series]);
  const hasData = series.some((s) => s.values.some((v) => v !== null && v !== undefined && v !== 0));
  return html`
    <figure class="chart" aria-labelledby=${`${id}-t`}>
      <figcaption id=${`${id}-t`}>${title}</figcaption>
      <div class="chart-box" ref=${box} role="img" aria-label=${`${title}. ${summary}`}></div>
      ${!hasData && html`<p class="muted">No data in this window.</p>`}
      <details>
        <summary>Show data as a table</summary>
        <div class="table-scroll">
          <table>
            <caption class="sr-only">${title}</caption>
            <thead><tr><th scope="col">Hour (UTC)</th>${series.map((s) => html`<th scope="col">${s.label}</th>`)}</tr></thead>
            <tbody>
              ${xs.map(
                (x, i) =>
                  series.some((s) => s.values[i] !== null && s.values[i] !== undefined && s.values[i] !== 0) &&
                  html`<tr><th scope="row">${new Date(x * 1000).toISOString().slice(0, 13).replace('T', ' ')}:00</th>
                    ${series.map((s) => html`<td>${s.values[i] === null || s.values[i] === undefined ? '–' : yFormat(s.values[i])}</td>`)}</tr>`,
              )}
            </tbody>
          </table>
        </div>
      </details>
    </figure>`;
}

/** Horizontal bars in HTML: each bar carries its number as text, so it reads without colour or canvas. */
export function BarList({ title, items, format = fmtNumber }) {
  const max = Math.max(1, ...items.map((i) => i.value));
  return html`
    <figure class="chart">
      <figcaption>${title}</figcaption>
      ${items.length === 0 ? html`<p class="muted">Nothing to show.</p>` : null}
      <ul class="bars">
        ${items.map(
          (it, i) => html`<li>
            <span class="bar-label">${it.label}</span>
            <span class="bar-track"><span class="bar" style=${{ width: `${(100 * it.value) / max}%`, background: seriesStyle(i).color }}></span></span>
            <span class="bar-value">${format(it.value)}</span>
          </li>`,
        )}
      </ul>
    </figure>`;
}

/** A column header that sorts: a button inside <th aria-sort>, so it works from the keyboard. */
export function SortHeader({ label, field, sort, dir, onSort }) {
  const active = sort === field;
  const ariaSort = active ? (dir === 'asc' ? 'ascending' : 'descending') : 'none';
  const next = active && dir === 'desc' ? 'asc' : 'desc';
  return html`<th scope="col" aria-sort=${ariaSort}>
    <button type="button" class="sort" onClick=${() => onSort(field, next)}>
      ${label}<span aria-hidden="true">${active ? (dir === 'asc' ? ' ▲' : ' ▼') : ' ↕'}</span>
    </button>
  </th>`;
}
