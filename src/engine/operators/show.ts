/** `df.show()` rendering, exactly as Spark's Dataset.showString (Spark 4: NULL, hex binary, escaped metacharacters). */
import type { Attr } from '../plan/logical-plan.js';
import type { DataType } from '../plan/data-type.js';
import { type Batch, getValue } from '../arrow/vec.js';
import { formatValue } from '../expr/format-value.js';
import type { ExecContext, Stream } from './exec-context.js';

/** Spark's ToPrettyString: like CAST AS STRING, but nested NULLs print as NULL and binary as hex. */
export function prettyString(t: DataType, v: unknown, timeZone: string): string {
  if (v === null) return 'NULL';
  switch (t.type) {
    case 'binary':
      return formatValue(t, v, { timeZone, binaryAsHex: true });
    case 'array':
      return `[${(v as unknown[]).map((e) => prettyString(t.elementType, e, timeZone)).join(', ')}]`;
    case 'map': {
      const m = v as { keys: unknown[]; values: unknown[] };
      return `{${m.keys.map((k, i) => `${prettyString(t.keyType, k, timeZone)} -> ${prettyString(t.valueType, m.values[i], timeZone)}`).join(', ')}}`;
    }
    case 'struct':
      return `{${t.fields.map((f, i) => prettyString(f.dataType, (v as unknown[])[i] ?? null, timeZone)).join(', ')}}`;
    default:
      return formatValue(t, v, { timeZone });
  }
}

function escapeMeta(s: string): string {
  return s.replace(/[\n\r\t\f\b\u000b\u0007]/g, (c) => ({ '\n': '\\n', '\r': '\\r', '\t': '\\t', '\f': '\\f', '\b': '\\b', '\u000b': '\\v', '\u0007': '\\a' })[c] ?? c);
}

/** Display width: East Asian wide characters count as two, like Spark's Utils.stringHalfWidth. */
function halfWidth(s: string): number {
  let w = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    w += (c >= 0x1100 && c <= 0x115f) || (c >= 0x2e80 && c <= 0xa4cf) || (c >= 0xac00 && c <= 0xd7a3) || (c >= 0xf900 && c <= 0xfaff) || (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xff60) || (c >= 0xffe0 && c <= 0xffe6) ? 2 : 1;
  }
  return w;
}

export function renderShow(names: string[], rows: string[][], numRows: number, hasMore: boolean, truncate: number, vertical: boolean): string {
  const cut = (s: string): string => {
    if (truncate > 0 && s.length > truncate) return truncate < 4 ? s.slice(0, truncate) : `${s.slice(0, truncate - 3)}...`;
    return s;
  };
  const all = [names.map(cut), ...rows.map((r) => r.map(cut))];
  let sb = '';
  if (!vertical) {
    const widths = names.map(() => 3);
    for (const r of all) r.forEach((c, i) => (widths[i] = Math.max(widths[i]!, halfWidth(c))));
    const pad = (c: string, i: number): string => {
      const n = widths[i]! - halfWidth(c);
      return truncate > 0 ? ' '.repeat(Math.max(0, n)) + c : c + ' '.repeat(Math.max(0, n));
    };
    const sep = `+${widths.map((w) => '-'.repeat(w)).join('+')}+\n`;
    const line = (r: string[]): string => `|${r.map(pad).join('|')}|\n`;
    sb += sep + line(all[0]!) + sep;
    for (const r of all.slice(1)) sb += line(r);
    sb += sep;
  } else {
    const fieldNames = all[0]!;
    const data = all.slice(1);
    const fw = fieldNames.reduce((m, f) => Math.max(m, halfWidth(f)), 3);
    const dw = data.reduce((m, r) => Math.max(m, r.reduce((a, c) => Math.max(a, halfWidth(c)), 0)), 3);
    data.forEach((r, i) => {
      sb += `-RECORD ${i}`.padEnd(fw + dw + 5, '-') + '\n';
      sb += r.map((c, j) => ` ${fieldNames[j]! + ' '.repeat(fw - halfWidth(fieldNames[j]!))} | ${c + ' '.repeat(Math.max(0, dw - halfWidth(c)))} `).join('\n') + '\n';
    });
  }
  if (vertical && rows.length === 0) sb += '(0 rows)\n';
  else if (hasMore) sb += `only showing top ${numRows} ${numRows === 1 ? 'row' : 'rows'}\n`;
  return sb;
}

function renderHtml(names: string[], rows: string[][], numRows: number, hasMore: boolean): string {
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  let sb = "<table border='1'>\n";
  sb += `<tr>${names.map((n) => `<th>${esc(n)}</th>`).join('')}</tr>\n`;
  for (const r of rows) sb += `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>\n`;
  sb += '</table>\n';
  if (hasMore) sb += `only showing top ${numRows} ${numRows === 1 ? 'row' : 'rows'}\n`;
  return sb;
}

export async function* show(input: Stream, inAttrs: Attr[], numRows: number, truncate: number, vertical: boolean, html: boolean, x: ExecContext): Stream {
  const want = Math.max(0, numRows);
  const rows: string[][] = [];
  let hasMore = false;
  for await (const b of input) {
    for (let i = 0; i < b.length; i++) {
      if (rows.length >= want) {
        hasMore = true;
        break;
      }
      rows.push(inAttrs.map((a, c) => escapeMeta(prettyString(a.type, getValue(b.cols[c]!, i), x.ctx.timeZone))));
    }
    if (hasMore) break;
  }
  const names = inAttrs.map((a) => escapeMeta(a.name));
  const text = html ? renderHtml(names, rows, want, hasMore) : renderShow(names, rows, want, hasMore, truncate, vertical);
  const out: Batch = { cols: [{ type: { type: 'string' }, length: 1, data: [text], valid: null }], length: 1 };
  yield out;
}
