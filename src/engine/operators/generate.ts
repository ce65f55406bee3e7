/** explode / posexplode / inline / stack (and the _outer forms). */
import type { Attr, RExpr } from '../plan/logical-plan.js';
import { type Batch, type Vec, getValue, takeVec, vecFromValues } from '../arrow/vec.js';
import { compile } from '../expr/compile.js';
import { type ExecContext, type Stream, checkAbort } from './exec-context.js';

/** The generated rows of input row i (each as one value per output column). */
type RowsOf = (i: number) => unknown[][];

function rowsOf(kind: string, args: Vec[], width: number): RowsOf {
  if (kind === 'stack') {
    const n = getValue(args[0]!, 0) as number;
    const values = args.slice(1);
    return (i) => {
      const out: unknown[][] = [];
      for (let r = 0; r < n; r++) {
        const row: unknown[] = new Array(width).fill(null);
        for (let c = 0; c < width; c++) {
          const v = values[r * width + c];
          if (v) row[c] = getValue(v, i);
        }
        out.push(row);
      }
      return out;
    };
  }
  const v = args[0]!;
  return (i) => {
    const c = getValue(v, i);
    const items: unknown[][] = [];
    if (c === null) return items;
    if (Array.isArray(c)) {
      c.forEach((e, p) => {
        if (kind === 'inline') items.push(e === null ? new Array(width).fill(null) : (e as unknown[]));
        else items.push(kind === 'posexplode' ? [p, e] : [e]);
      });
    } else {
      const m = c as { keys: unknown[]; values: unknown[] };
      m.keys.forEach((k, p) => items.push(kind === 'posexplode' ? [p, k, m.values[p]] : [k, m.values[p]]));
    }
    return items;
  };
}

export async function* generate(input: Stream, inAttrs: Attr[], gen: RExpr, outer: boolean, output: Attr[], x: ExecContext): Stream {
  if (gen.k !== 'call') return;
  const args = gen.args.map((a) => compile(a, inAttrs, x.env));
  const kind = gen.fn;
  for await (const b of input) {
    checkAbort(x);
    const rows = rowsOf(
      kind,
      args.map((a) => a(b)),
      output.length,
    );
    const rowIdx: number[] = [];
    const outVals: unknown[][] = output.map(() => []);
    for (let i = 0; i < b.length; i++) {
      const items = rows(i);
      if (items.length === 0 && outer) items.push(output.map(() => null));
      for (const it of items) {
        rowIdx.push(i);
        for (let j = 0; j < output.length; j++) outVals[j]!.push(it[j] ?? null);
      }
    }
    if (rowIdx.length === 0) continue;
    const out: Batch = {
      cols: [...b.cols.map((c) => takeVec(c, rowIdx)), ...output.map((a, j) => vecFromValues(a.type, outVals[j]!))],
      length: rowIdx.length,
    };
    yield out;
  }
}
