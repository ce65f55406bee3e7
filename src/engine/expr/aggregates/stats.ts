/** Statistical aggregates: variance/stddev family (Welford), corr/covar, skewness/kurtosis, percentiles. */
import { type Vec, getValue, vecFromValues } from '../../arrow/vec.js';
import type { DataType } from '../../plan/data-type.js';
import { T, isNumeric } from '../../plan/type-utils.js';
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

/** Exact percentile (linear interpolation) and percentile_approx/median over collected values. */
for (const name of ['percentile', 'percentile_approx', 'approx_percentile', 'median', 'percentile_cont', 'percentile_disc']) {
  registerAgg({
    name,
    arity: name === 'median' ? [1, 1] : [1, 3],
    resolve(args, ctx) {
      const v = args[0]!;
      const pArg = args[1];
      const p = name === 'median' ? 0.5 : pArg?.k === 'lit' ? pArg.value : 0.5;
      const approx = name === 'percentile_approx' || name === 'approx_percentile' || name === 'percentile_disc';
      const valueType: DataType = approx && isNumeric(v.type) ? v.type : T.double;
      const arr = Array.isArray(p);
      const type = arr ? T.array(valueType, false) : valueType;
      const a = approx ? v : castTo(v, T.double, ctx);
      return { args: [a], type, nullable: true, opts: { p, approx } };
    },
    create(node) {
      const vals: number[][] = [];
      const inT = node.args[0]!.type;
      const ps = node.opts?.p;
      const approx = node.opts?.approx === true;
      return {
        update(g, [a], rows) {
          for (let i = 0; i < rows; i++) {
            const x = getValue(a!, i);
            if (x === null) continue;
            const gi = g[i]!;
            const v = vals[gi];
            if (v) v.push(Number(x));
            else vals[gi] = [Number(x)];
          }
        },
        result(ng) {
          const out: unknown[] = new Array(ng);
          for (let gi = 0; gi < ng; gi++) {
            const v = vals[gi];
            if (!v || v.length === 0) {
              out[gi] = null;
              continue;
            }
            v.sort((x, y) => x - y);
            const one = (p: number): unknown => {
              if (approx) {
                const idx = Math.max(0, Math.ceil(p * v.length) - 1);
                const x = v[Math.min(idx, v.length - 1)]!;
                return inT.type === 'long' ? BigInt(x) : inT.type === 'decimal' ? BigInt(Math.round(x)) : x;
              }
              const pos = p * (v.length - 1);
              const lo = Math.floor(pos);
              const hi = Math.ceil(pos);
              return lo === hi ? v[lo]! : v[lo]! + (pos - lo) * (v[hi]! - v[lo]!);
            };
            out[gi] = Array.isArray(ps) ? ps.map((p) => one(Number(p))) : one(Number(ps));
          }
          return vecFromValues(node.type, out);
        },
        bytes: () => vals.reduce((s, v) => s + (v?.length ?? 0) * 8, 0),
      };
    },
  });
}
