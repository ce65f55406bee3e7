/** count, sum, avg, min, max, first, last, any_value, count_if, bool_and/or. */
import { SAFE, type Vec, getValue, storageOf, vecFromValues } from '../../arrow/vec.js';
import type { DataType } from '../../plan/data-type.js';
import { T, boundedDecimal, isIntegral, isNumeric, typeSql } from '../../plan/type-utils.js';
import { compareValues } from '../compare.js';
import { POW10, divHalfUp, fitsPrecision, formatDecimal, rescale } from '../decimal.js';
import { arithmeticOverflow, decimalOutOfRange } from '../errors.js';
import { castTo } from '../functions/coercion.js';
import { dataTypeMismatch } from '../functions/registry.js';
import { type Accumulator, grow, registerAgg } from './registry.js';

const live = (v: Vec, i: number): boolean => v.valid === null || v.valid[i] === 1;

registerAgg({
  name: 'count',
  arity: [0, -1],
  resolve(args, _ctx, distinct) {
    const sql =
      args.length === 0 ? 'count(1)' : `count(${distinct ? 'DISTINCT ' : ''}${args.map((a) => a.sql).join(', ')})`;
    return { args, type: T.long, nullable: false, sql };
  },
  create(): Accumulator {
    let c = new Float64Array(16);
    return {
      update(g, args, n, ng) {
        c = grow(c, ng);
        if (args.length === 0 || args.every((a) => a.valid === null)) for (let i = 0; i < n; i++) c[g[i]!]!++;
        else
          for (let i = 0; i < n; i++) {
            let ok = true;
            for (const a of args) if (!live(a, i)) ok = false;
            if (ok) c[g[i]!]!++;
          }
      },
      result(ng) {
        return { type: T.long, length: ng, data: c.slice(0, ng), valid: null };
      },
      bytes: () => c.byteLength,
    };
  },
});

registerAgg({
  name: 'count_if',
  arity: [1, 1],
  resolve(args) {
    return { args, type: T.long, nullable: false };
  },
  create() {
    let c = new Float64Array(16);
    return {
      update(g, [a], n, ng) {
        c = grow(c, ng);
        const d = a!.data as Uint8Array;
        for (let i = 0; i < n; i++) if (live(a!, i) && d[i]) c[g[i]!]!++;
      },
      result: (ng) => ({ type: T.long, length: ng, data: c.slice(0, ng), valid: null }),
      bytes: () => c.byteLength,
    };
  },
});

/** Sum state: float sums while exact, bigint per group once a sum leaves the safe range. */
class ExactSum {
  /** The float part of each group's sum: always a safe integer, so float addition is exact. */
  sums = new Float64Array(16);
  /** Parts flushed out of `sums` when the next addition would leave the safe range. */
  wide = new Map<number, bigint>();
  /**
   * 1 once the group has a flushed part. Profile lesson (q01 sum_charge at scale 6): sums pass 2^53
   * early; a BigInt addition per row was the aggregate's cost, one flush per ~10^5 rows is not.
   */
  isWide = new Uint8Array(16);
  seen = new Uint8Array(16);
  grow(ng: number): void {
    this.sums = grow(this.sums, ng);
    this.seen = grow(this.seen, ng);
    this.isWide = grow(this.isWide, ng);
  }
  add(gid: number, x: number | bigint): void {
    this.seen[gid] = 1;
    if (typeof x === 'number') {
      const s = this.sums[gid]! + x;
      if (s <= SAFE && s >= -SAFE) {
        this.sums[gid] = s;
        return;
      }
      this.flush(gid, BigInt(this.sums[gid]!));
      this.sums[gid] = x;
      return;
    }
    this.flush(gid, x);
  }
  private flush(gid: number, part: bigint): void {
    this.wide.set(gid, (this.isWide[gid] === 1 ? this.wide.get(gid)! : 0n) + part);
    this.isWide[gid] = 1;
  }
  /** Adds a batch: the tight loop covers compact (Float64Array) input without nulls. */
  addAll(g: Int32Array, a: Vec, n: number): void {
    const d = a.data;
    if (d instanceof Float64Array && a.valid === null) {
      const sums = this.sums;
      const seen = this.seen;
      for (let i = 0; i < n; i++) {
        const gid = g[i]!;
        const s = sums[gid]! + d[i]!;
        if (s <= SAFE && s >= -SAFE) {
          sums[gid] = s;
          seen[gid] = 1;
        } else this.add(gid, d[i]!);
      }
      return;
    }
    const vals = d as ArrayLike<number | bigint>;
    for (let i = 0; i < n; i++) if (live(a, i)) this.add(g[i]!, vals[i]!);
  }
  get(gid: number): bigint | number | null {
    if (!this.seen[gid]) return null;
    return this.isWide[gid] === 1 ? this.wide.get(gid)! + BigInt(this.sums[gid]!) : this.sums[gid]!;
  }
}

function sumType(t: DataType): DataType {
  if (t.type === 'decimal') return boundedDecimal(t.precision + 10, t.scale);
  if (isIntegral(t)) return T.long;
  if (t.type === 'day_time_interval' || t.type === 'year_month_interval') return t;
  return T.double;
}

function numericArg(
  name: string,
  args: import('../../plan/logical-plan.js').RExpr[],
  ctx: { ansi: boolean; strictStringNumber: boolean },
  distinct: boolean,
) {
  const a = args[0]!;
  if (isNumeric(a.type) || a.type.type === 'day_time_interval' || a.type.type === 'year_month_interval') return a;
  if (a.type.type === 'null' || (a.type.type === 'string' && !ctx.strictStringNumber)) return castTo(a, T.double, ctx);
  const sql = `${name}(${distinct ? 'DISTINCT ' : ''}${a.sql})`;
  throw dataTypeMismatch(
    'UNEXPECTED_INPUT_TYPE',
    sql,
    `The first parameter requires the ("NUMERIC" or "ANSI INTERVAL") type, however "${a.sql}" has the type "${typeSql(a.type)}".`,
  );
}

/** An ANSI interval total that left its type's range: year-month counts months in an int, day-time µs in a long. */
function intervalOverflow(t: DataType, v: bigint): string | null {
  if (t.type === 'year_month_interval' && v !== BigInt.asIntN(32, v)) return 'integer overflow';
  if (t.type === 'day_time_interval' && v !== BigInt.asIntN(64, v)) return 'long overflow';
  return null;
}

/** sum, and try_sum: the same sum, but an overflow gives NULL instead of an error. */
for (const [name, tryMode] of [
  ['sum', false],
  ['try_sum', true],
] as const) {
  registerAgg({
    name,
    arity: [1, 1],
    resolve(args, ctx, distinct) {
      const a = numericArg(name, args, ctx, distinct);
      return { args: [a], type: sumType(a.type), nullable: true };
    },
    create(node, ctx) {
      const t = node.type;
      const inT = node.args[0]!.type;
      if (t.type === 'double') {
        let s = new Float64Array(16);
        let seen = new Uint8Array(16);
        return {
          update(g, [a], n, ng) {
            s = grow(s, ng);
            seen = grow(seen, ng);
            const d = a!.data as Float64Array;
            for (let i = 0; i < n; i++)
              if (live(a!, i)) {
                s[g[i]!]! += d[i]!;
                seen[g[i]!] = 1;
              }
          },
          result(ng) {
            const valid = seen.slice(0, ng);
            return { type: T.double, length: ng, data: s.slice(0, ng), valid };
          },
          bytes: () => s.byteLength + seen.byteLength,
        };
      }
      const st = new ExactSum();
      const rescaleTo = t.type === 'decimal' && inT.type === 'decimal' ? t.scale - inT.scale : 0;
      return {
        update(g, [a], n, ng) {
          st.grow(ng);
          st.addAll(g, a!, n);
        },
        result(ng) {
          const out: (bigint | number | null)[] = new Array(ng);
          for (let gi = 0; gi < ng; gi++) {
            let v = st.get(gi);
            if (v !== null && t.type === 'long') {
              const b = BigInt(v);
              if (b !== BigInt.asIntN(64, b)) {
                if (tryMode) v = null;
                else if (ctx.ansi) throw arithmeticOverflow('long overflow', 'try_sum');
                else v = BigInt.asIntN(64, b);
              }
            }
            if (v !== null && (t.type === 'year_month_interval' || t.type === 'day_time_interval')) {
              const msg = intervalOverflow(t, BigInt(v));
              if (msg !== null) {
                if (!tryMode) throw arithmeticOverflow(msg, 'try_sum');
                v = null;
              }
            }
            if (v !== null && t.type === 'decimal') {
              const b = rescale(BigInt(v), 0, rescaleTo);
              if (!fitsPrecision(b, t.precision)) {
                if (ctx.ansi && !tryMode) throw decimalOutOfRange(formatDecimal(b, t.scale), t.precision, t.scale);
                v = null;
              } else v = b;
            }
            out[gi] = v;
          }
          return vecFromValues(t, out);
        },
        bytes: () => st.sums.byteLength * 2 + st.wide.size * 32,
      };
    },
  });
}

/** avg (alias mean), and try_avg: an overflowing interval total gives NULL instead of an error. */
for (const [name, tryMode, aliases] of [
  ['avg', false, ['mean']],
  ['try_avg', true, []],
] as const) {
  registerAgg(
    {
      name,
      arity: [1, 1],
      resolve(args, ctx, distinct) {
        const a = numericArg(name, args, ctx, distinct);
        const t =
          a.type.type === 'decimal'
            ? boundedDecimal(a.type.precision + 4, a.type.scale + 4)
            : a.type.type === 'day_time_interval' || a.type.type === 'year_month_interval'
              ? a.type
              : T.double;
        return { args: [a], type: t, nullable: true };
      },
      create(node) {
        const t = node.type;
        const inT = node.args[0]!.type;
        let c = new Float64Array(16);
        if (t.type === 'double') {
          let s = new Float64Array(16);
          return {
            update(g, [a], n, ng) {
              s = grow(s, ng);
              c = grow(c, ng);
              const src = a!.data as ArrayLike<number | bigint>;
              for (let i = 0; i < n; i++)
                if (live(a!, i)) {
                  s[g[i]!]! += Number(src[i]!);
                  c[g[i]!]!++;
                }
            },
            result(ng) {
              const d = new Float64Array(ng);
              const valid = new Uint8Array(ng);
              for (let i = 0; i < ng; i++)
                if (c[i]! > 0) {
                  d[i] = s[i]! / c[i]!;
                  valid[i] = 1;
                }
              return { type: t, length: ng, data: d, valid };
            },
            bytes: () => s.byteLength * 2,
          };
        }
        const st = new ExactSum();
        return {
          update(g, [a], n, ng) {
            st.grow(ng);
            c = grow(c, ng);
            st.addAll(g, a!, n);
            for (let i = 0; i < n; i++) if (live(a!, i)) c[g[i]!]!++;
          },
          result(ng) {
            const out: unknown[] = new Array(ng);
            for (let gi = 0; gi < ng; gi++) {
              const v = st.get(gi);
              if (v === null) {
                out[gi] = null;
                continue;
              }
              const overflow = intervalOverflow(t, BigInt(v));
              if (overflow !== null) {
                if (!tryMode) throw arithmeticOverflow(overflow, 'try_avg');
                out[gi] = null;
                continue;
              }
              if (t.type === 'decimal' && inT.type === 'decimal') {
                const sum = BigInt(v) * POW10[t.scale - inT.scale]!;
                const r = divHalfUp(sum, BigInt(c[gi]!));
                out[gi] = fitsPrecision(r, t.precision) ? r : null;
              } else if (t.type === 'year_month_interval') out[gi] = Math.round(Number(v) / c[gi]!);
              else out[gi] = divHalfUp(BigInt(v), BigInt(c[gi]!));
            }
            return vecFromValues(t, out);
          },
          bytes: () => c.byteLength * 3,
        };
      },
    },
    ...aliases,
  );
}

for (const [name, sign] of [
  ['max', 1],
  ['min', -1],
] as const) {
  registerAgg({
    name,
    arity: [1, 1],
    resolve(args) {
      const a = args[0]!;
      if (a.type.type === 'map')
        throw dataTypeMismatch(
          'INVALID_ORDERING_TYPE',
          `${name}(${a.sql})`,
          `The \`${name}\` does not support ordering on type "${typeSql(a.type)}".`,
        );
      return { args, type: a.type, nullable: true };
    },
    create(node) {
      const t = node.type;
      const s = storageOf(t);
      if (s === 'i32' || (s === 'f64' && t.type !== 'long')) {
        let best = new Float64Array(16);
        let seen = new Uint8Array(16);
        const nanAware = t.type === 'double' || t.type === 'float';
        return {
          update(g, [a], n, ng) {
            best = grow(best, ng);
            seen = grow(seen, ng);
            const d = a!.data as Float64Array | Int32Array;
            for (let i = 0; i < n; i++) {
              if (!live(a!, i)) continue;
              const gi = g[i]!;
              const x = d[i]!;
              if (!seen[gi]) {
                best[gi] = x;
                seen[gi] = 1;
              } else if (nanAware) {
                const b = best[gi]!;
                if (sign > 0 ? Number.isNaN(x) || x > b : !Number.isNaN(x) && (x < b || Number.isNaN(b))) best[gi] = x;
              } else if (sign > 0 ? x > best[gi]! : x < best[gi]!) best[gi] = x;
            }
          },
          result(ng) {
            const data = s === 'i32' ? Int32Array.from(best.subarray(0, ng)) : best.slice(0, ng);
            return { type: t, length: ng, data, valid: seen.slice(0, ng) };
          },
          bytes: () => best.byteLength + seen.byteLength,
        };
      }
      let best: unknown[] = [];
      return {
        update(g, [a], n, ng) {
          if (best.length < ng) best.length = ng;
          for (let i = 0; i < n; i++) {
            const x = getValue(a!, i);
            if (x === null) continue;
            const gi = g[i]!;
            const b = best[gi];
            if (b === undefined || b === null || sign * compareValues(t, x, b) > 0) best[gi] = x;
          }
        },
        result(ng) {
          best.length = ng;
          const r = vecFromValues(
            t,
            Array.from(best, (x) => x ?? null),
          );
          best = [];
          return r;
        },
        bytes: () => best.length * 16,
      };
    },
  });
}

for (const [name, last] of [
  ['first', false],
  ['last', true],
  ['any_value', false],
  ['first_value', false],
  ['last_value', true],
] as const) {
  registerAgg({
    name,
    arity: [1, 2],
    resolve(args) {
      const ignoreNulls = args[1]?.k === 'lit' ? args[1].value === true : false;
      return {
        args: [args[0]!],
        type: args[0]!.type,
        nullable: true,
        opts: { ignoreNulls },
        sql: `${name}(${args[0]!.sql})`,
      };
    },
    create(node) {
      const ign = node.opts?.ignoreNulls === true;
      const vals: unknown[] = [];
      const set: Uint8Array[] = [new Uint8Array(16)];
      return {
        update(g, [a], n, ng) {
          set[0] = grow(set[0]!, ng);
          const seen = set[0];
          for (let i = 0; i < n; i++) {
            const gi = g[i]!;
            if (!last && seen[gi]) continue;
            const x = getValue(a!, i);
            if (ign && x === null) continue;
            vals[gi] = x;
            seen[gi] = 1;
          }
        },
        result(ng) {
          const out: unknown[] = new Array(ng);
          for (let i = 0; i < ng; i++) out[i] = vals[i] ?? null;
          return vecFromValues(node.type, out);
        },
        bytes: () => vals.length * 16,
      };
    },
  });
}

for (const [name, isAnd] of [
  ['bool_and', true],
  ['every', true],
  ['bool_or', false],
  ['some', false],
  ['any', false],
] as const) {
  registerAgg({
    name,
    arity: [1, 1],
    resolve(args, ctx) {
      return { args: [castTo(args[0]!, T.boolean, ctx)], type: T.boolean, nullable: true };
    },
    create() {
      let r = new Uint8Array(16);
      let seen = new Uint8Array(16);
      return {
        update(g, [a], n, ng) {
          if (r.length < ng) {
            r = grow(r, ng, isAnd ? 1 : 0);
          }
          seen = grow(seen, ng);
          const d = a!.data as Uint8Array;
          for (let i = 0; i < n; i++) {
            if (!live(a!, i)) continue;
            const gi = g[i]!;
            if (!seen[gi]) {
              r[gi] = isAnd ? 1 : 0;
              seen[gi] = 1;
            }
            if (isAnd) r[gi]! &= d[i]!;
            else r[gi]! |= d[i]!;
          }
        },
        result: (ng) => ({ type: T.boolean, length: ng, data: r.slice(0, ng), valid: seen.slice(0, ng) }),
        bytes: () => r.byteLength * 2,
      };
    },
  });
}
