/** explode / posexplode / inline (and their _outer forms). */
import type { Attr, RExpr } from '../plan/logical-plan.js';
import { type Batch, getValue, takeVec, vecFromValues } from '../arrow/vec.js';
import { compile } from '../expr/compile.js';
import { type ExecContext, type Stream, checkAbort } from './exec-context.js';

export async function* generate(input: Stream, inAttrs: Attr[], gen: RExpr, outer: boolean, output: Attr[], x: ExecContext): Stream {
  if (gen.k !== 'call') return;
  const arg = compile(gen.args[0]!, inAttrs, x.env);
  const kind = gen.fn;
  for await (const b of input) {
    checkAbort(x);
    const v = arg(b);
    const rowIdx: number[] = [];
    const outVals: unknown[][] = output.map(() => []);
    for (let i = 0; i < b.length; i++) {
      const c = getValue(v, i);
      const items: unknown[][] = [];
      if (c !== null) {
        if (Array.isArray(c)) {
          c.forEach((e, p) => {
            if (kind === 'inline') items.push(e === null ? output.map(() => null) : (e as unknown[]));
            else items.push(kind === 'posexplode' ? [p, e] : [e]);
          });
        } else {
          const m = c as { keys: unknown[]; values: unknown[] };
          m.keys.forEach((k, p) => items.push(kind === 'posexplode' ? [p, k, m.values[p]] : [k, m.values[p]]));
        }
      }
      if (items.length === 0 && outer) items.push(output.map(() => null));
      for (const it of items) {
        rowIdx.push(i);
        it.forEach((val, j) => outVals[j]!.push(val));
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
