/** Renders an Arrow table as a boxed text table for the terminal. */
import type { Table } from 'apache-arrow';

export function formatTable(t: Table, maxRows = 1000): string {
  const names = t.schema.fields.map((f) => f.name);
  const rows: string[][] = [];
  const n = Math.min(t.numRows, maxRows);
  for (let i = 0; i < n; i++) {
    const row = t.get(i);
    rows.push(names.map((_, c) => cell(row ? (row.toArray() as unknown[])[c] : null)));
  }
  const widths = names.map((name, c) => Math.max(name.length, ...rows.map((r) => (r[c] as string).length)));
  const line = `+${widths.map((w) => '-'.repeat(w + 2)).join('+')}+`;
  const fmt = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] as number)).join(' | ')} |`;
  const out = [line, fmt(names), line, ...rows.map(fmt), line];
  if (t.numRows > n) out.push(`(${t.numRows - n} more rows)`);
  out.push(`${t.numRows} row${t.numRows === 1 ? '' : 's'}`);
  return out.join('\n');
}

function cell(v: unknown): string {
  if (v === null || v === undefined) return 'NULL';
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'object') return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x));
  return String(v);
}
