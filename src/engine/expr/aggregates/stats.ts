/** Statistical aggregates: variance/stddev family (Welford), corr/covar, skewness/kurtosis. */
import { type Vec, vecFromValues } from '../../arrow/vec.js';
import { T } from '../../plan/type-utils.js';
import { castTo } from '../functions/coercion.js';
import { type Accumulator, grow, registerAgg } from './registry.js';

const live = (v: Vec, i: number): boolean => v.valid === null || v.valid[i] === 1;

type Final = (n: number, mean: number, m2: number, m3: number, m4: number, legacy: boolean) => number | null;

function moments(name: string, final: Final, ...aliases: string[]): void {
  registerAgg(
    {
      name,
      arity: [1, 1],
      resolve(args, ctx) {
        return { args: [castTo(args[0]!, T.double, ctx)], type: T.double, nullable: true };
      },
      create(_node, ctx): Accumulator {
        let n = new Float64Array(16);
        let mean = new Float64Array(16);
        let m2 = new Float64Array(16);
        let m3 = new Float64Array(16);
        let m4 = new Float64Array(16);
        return {
          update(g, [a], rows, ng) {
            n = grow(n, ng);
            mean = grow(mean, ng);
            m2 = grow(m2, ng);
            m3 = grow(m3, ng);
            m4 = grow(m4, ng);
            const d = a!.data as Float64Array;
            for (let i = 0; i < rows; i++) {
              if (!live(a!, i)) continue;
              const gi = g[i]!;
              const x = d[i]!;
              const n1 = n[gi]!;
              const nn = n1 + 1;
              const delta = x - mean[gi]!;
              const dn = delta / nn;
              const dn2 = dn * dn;
              const t1 = delta * dn * n1;
              m4[gi]! += t1 * dn2 * (nn * nn - 3 * nn + 3) + 6 * dn2 * m2[gi]! - 4 * dn * m3[gi]!;
              m3[gi]! += t1 * dn * (nn - 2) - 3 * dn * m2[gi]!;
              m2[gi]! += t1;
              mean[gi]! += dn;
              n[gi] = nn;
            }
          },
          result(ng) {
            const out: (number | null)[] = new Array(ng);
            for (let i = 0; i < ng; i++) out[i] = n[i] === 0 ? null : final(n[i]!, mean[i]!, m2[i]!, m3[i]!, m4[i]!, ctx.legacyStatisticalAggregate);
            return vecFromValues(T.double, out);
          },
          bytes: () => n.byteLength * 5,
        };
      },
    },
    ...aliases,
  );
}
const samp = (n: number, m2: number, legacy: boolean): number | null => (n === 1 ? (legacy ? Number.NaN : null) : m2 / (n - 1));
moments('var_samp', (n, _m, m2, _3, _4, l) => samp(n, m2, l), 'variance');
moments('var_pop', (n, _m, m2) => m2 / n);
moments('stddev_samp', (n, _m, m2, _3, _4, l) => {
  const v = samp(n, m2, l);
  return v === null ? null : Math.sqrt(v);
}, 'stddev', 'std');
moments('stddev_pop', (n, _m, m2) => Math.sqrt(m2 / n));
moments('skewness', (n, _m, m2, m3, _4, l) => (m2 === 0 ? (l ? Number.NaN : null) : (Math.sqrt(n) * m3) / Math.sqrt(m2 * m2 * m2)));
moments('kurtosis', (n, _m, m2, _3, m4, l) => (m2 === 0 ? (l ? Number.NaN : null) : (n * m4) / (m2 * m2) - 3));

for (const name of ['covar_pop', 'covar_samp', 'corr']) {
  registerAgg({
    name,
    arity: [2, 2],
    resolve(args, ctx) {
      return { args: args.map((a) => castTo(a, T.double, ctx)), type: T.double, nullable: true };
    },
    create(_node, ctx) {
      let n = new Float64Array(16);
      let mx = new Float64Array(16);
      let my = new Float64Array(16);
      let ck = new Float64Array(16);
      let m2x = new Float64Array(16);
      let m2y = new Float64Array(16);
      return {
        update(g, [a, b], rows, ng) {
          n = grow(n, ng);
          mx = grow(mx, ng);
          my = grow(my, ng);
          ck = grow(ck, ng);
          m2x = grow(m2x, ng);
          m2y = grow(m2y, ng);
          const x = a!.data as Float64Array;
          const y = b!.data as Float64Array;
          for (let i = 0; i < rows; i++) {
            if (!live(a!, i) || !live(b!, i)) continue;
            const gi = g[i]!;
            const nn = n[gi]! + 1;
            const dx = x[i]! - mx[gi]!;
            const dy = y[i]! - my[gi]!;
            mx[gi]! += dx / nn;
            my[gi]! += dy / nn;
            ck[gi]! += dx * (y[i]! - my[gi]!);
            m2x[gi]! += dx * (x[i]! - mx[gi]!);
            m2y[gi]! += dy * (y[i]! - my[gi]!);
            n[gi] = nn;
          }
        },
        result(ng) {
          const out: (number | null)[] = new Array(ng);
          for (let i = 0; i < ng; i++) {
            const k = n[i]!;
            if (k === 0) out[i] = null;
            else if (name === 'covar_pop') out[i] = ck[i]! / k;
            else if (name === 'covar_samp') out[i] = k === 1 ? (ctx.legacyStatisticalAggregate ? Number.NaN : null) : ck[i]! / (k - 1);
            else out[i] = m2x[i] === 0 || m2y[i] === 0 ? (ctx.legacyStatisticalAggregate ? Number.NaN : null) : ck[i]! / Math.sqrt(m2x[i]! * m2y[i]!);
          }
          return vecFromValues(T.double, out);
        },
        bytes: () => n.byteLength * 6,
      };
    },
  });
}
