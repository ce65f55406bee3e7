/**
 * Linear regression aggregates regr_*(y, x) over the rows where both y and x are non-null. Each one
 * keeps the running-moment updates of the Spark aggregate it is defined by (Covariance,
 * PearsonCorrelation, CentralMomentAgg, Average), so results match Spark to the last bit.
 */
import { type Vec, vecFromValues } from '../../arrow/vec.js';
import { T, isNumeric, typeSql } from '../../plan/type-utils.js';
import { castTo } from '../functions/coercion.js';
import { dataTypeMismatch } from '../functions/registry.js';
import { type Accumulator, grow, registerAgg } from './registry.js';

const live = (v: Vec, i: number): boolean => v.valid === null || v.valid[i] === 1;

/** Per-group co-moments of (u, v): counts, means, the co-moment ck and both second moments. */
class CoMoments {
  n = new Float64Array(16);
  mu = new Float64Array(16);
  mv = new Float64Array(16);
  ck = new Float64Array(16);
  m2u = new Float64Array(16);
  m2v = new Float64Array(16);
  grow(ng: number): void {
    this.n = grow(this.n, ng);
    this.mu = grow(this.mu, ng);
    this.mv = grow(this.mv, ng);
    this.ck = grow(this.ck, ng);
    this.m2u = grow(this.m2u, ng);
    this.m2v = grow(this.m2v, ng);
  }
  /** PearsonCorrelation's update (Covariance's plus the two second moments). */
  add(g: number, u: number, v: number): void {
    const n = this.n[g]! + 1;
    const du = u - this.mu[g]!;
    const dv = v - this.mv[g]!;
    this.mu[g]! += du / n;
    this.mv[g]! += dv / n;
    this.ck[g]! += du * (v - this.mv[g]!);
    this.m2u[g]! += du * (u - this.mu[g]!);
    this.m2v[g]! += dv * (v - this.mv[g]!);
    this.n[g] = n;
  }
}

/** Which argument plays u in the co-moment state, and how the result is read from it. */
interface RegrSpec {
  /** true: u = y (first argument), v = x; false: u = x, v = y. */
  uIsY: boolean;
  final(s: CoMoments, g: number): number | null;
}

const div = (a: number, b: number): number | null => (b === 0 ? null : a / b);

const specs: Record<string, RegrSpec> = {
  // Spark's Regression buffer: dx leads the co-moment update, so u = x.
  regr_slope: { uIsY: false, final: (s, g) => div(s.ck[g]!, s.m2u[g]!) },
  regr_intercept: {
    uIsY: false,
    final: (s, g) => {
      const slope = div(s.ck[g]!, s.m2u[g]!);
      return slope === null ? null : s.mv[g]! - slope * s.mu[g]!;
    },
  },
  regr_sxy: { uIsY: true, final: (s, g) => s.ck[g]! },
  regr_r2: {
    uIsY: true,
    final: (s, g) => {
      if (s.m2u[g] === 0) return null;
      if (s.m2v[g] === 0) return 1;
      const corr = s.ck[g]! / Math.sqrt(s.m2u[g]! * s.m2v[g]!);
      return corr * corr;
    },
  },
};

function numericPair(name: string, args: import('../../plan/logical-plan.js').RExpr[], ctx: import('../functions/registry.js').ResolveContext) {
  return args.map((a, i) => {
    if (isNumeric(a.type) || a.type.type === 'null' || (a.type.type === 'string' && !ctx.strictStringNumber)) return castTo(a, T.double, ctx);
    throw dataTypeMismatch(
      'UNEXPECTED_INPUT_TYPE',
      `${name}(${args.map((x) => x.sql).join(', ')})`,
      `The ${i === 0 ? 'first' : 'second'} parameter requires the "NUMERIC" type, however "${a.sql}" has the type "${typeSql(a.type)}".`,
    );
  });
}

for (const [name, spec] of Object.entries(specs)) {
  registerAgg({
    name,
    arity: [2, 2],
    resolve(args, ctx) {
      return { args: numericPair(name, args, ctx), type: T.double, nullable: true };
    },
    create(): Accumulator {
      const s = new CoMoments();
      return {
        update(g, [y, x], rows, ng) {
          s.grow(ng);
          const yd = y!.data as Float64Array;
          const xd = x!.data as Float64Array;
          for (let i = 0; i < rows; i++) {
            if (!live(y!, i) || !live(x!, i)) continue;
            if (spec.uIsY) s.add(g[i]!, yd[i]!, xd[i]!);
            else s.add(g[i]!, xd[i]!, yd[i]!);
          }
        },
        result(ng) {
          const out: (number | null)[] = new Array(ng);
          for (let i = 0; i < ng; i++) out[i] = s.n[i] === 0 ? null : spec.final(s, i);
          return vecFromValues(T.double, out);
        },
        bytes: () => s.n.byteLength * 6,
      };
    },
  });
}

/** regr_sxx / regr_syy (a second central moment), regr_avgx / regr_avgy (a mean) of one side of the pair. */
for (const [name, useY, kind] of [
  ['regr_sxx', false, 'm2'],
  ['regr_syy', true, 'm2'],
  ['regr_avgx', false, 'avg'],
  ['regr_avgy', true, 'avg'],
] as const) {
  registerAgg({
    name,
    arity: [2, 2],
    resolve(args, ctx) {
      return { args: numericPair(name, args, ctx), type: T.double, nullable: true };
    },
    create(): Accumulator {
      let n = new Float64Array(16);
      let a = new Float64Array(16);
      let m2 = new Float64Array(16);
      return {
        update(g, [y, x], rows, ng) {
          n = grow(n, ng);
          a = grow(a, ng);
          m2 = grow(m2, ng);
          const d = (useY ? y! : x!).data as Float64Array;
          for (let i = 0; i < rows; i++) {
            if (!live(y!, i) || !live(x!, i)) continue;
            const gi = g[i]!;
            const nn = n[gi]! + 1;
            if (kind === 'avg') a[gi]! += d[i]!;
            else {
              const delta = d[i]! - a[gi]!;
              const deltaN = delta / nn;
              a[gi]! += deltaN;
              m2[gi]! += delta * (delta - deltaN);
            }
            n[gi] = nn;
          }
        },
        result(ng) {
          const out: (number | null)[] = new Array(ng);
          for (let i = 0; i < ng; i++) out[i] = n[i] === 0 ? null : kind === 'avg' ? a[i]! / n[i]! : m2[i]!;
          return vecFromValues(T.double, out);
        },
        bytes: () => n.byteLength * 3,
      };
    },
  });
}

registerAgg({
  name: 'regr_count',
  arity: [2, 2],
  resolve(args, ctx) {
    return { args: numericPair('regr_count', args, ctx), type: T.long, nullable: false };
  },
  create(): Accumulator {
    let c = new Float64Array(16);
    return {
      update(g, [y, x], rows, ng) {
        c = grow(c, ng);
        for (let i = 0; i < rows; i++) if (live(y!, i) && live(x!, i)) c[g[i]!]!++;
      },
      result: (ng) => ({ type: T.long, length: ng, data: c.slice(0, ng), valid: null }),
      bytes: () => c.byteLength,
    };
  },
});
