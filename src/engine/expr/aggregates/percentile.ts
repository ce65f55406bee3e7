/**
 * Percentiles over collected values: exact percentile / median / percentile_cont (linear
 * interpolation), percentile_disc (smallest value whose cumulative share reaches p), and
 * approx_percentile / percentile_approx (the value at rank ceil(p·n), which is what Spark's sketch
 * returns while its buffer holds every value).
 */
import { PerennialError } from '../../../core/errors.js';
import { getValue, vecFromValues } from '../../arrow/vec.js';
import type { DataType } from '../../plan/data-type.js';
import type { RExpr, SortKey } from '../../plan/logical-plan.js';
import { T, isIntegral, isNumeric, typeSql } from '../../plan/type-utils.js';
import { compareValues } from '../compare.js';
import { castTo } from '../functions/coercion.js';
import { type ResolveContext, dataTypeMismatch, wrongNumArgs } from '../functions/registry.js';
import { constantValue, invalidWithinGroup, isFoldable, toDouble } from './args.js';
import { type Accumulator, registerAgg } from './registry.js';

type Kind = 'cont' | 'disc' | 'approx';

const isAnsiInterval = (t: DataType): boolean => t.type === 'year_month_interval' || t.type === 'day_time_interval';

/** Exact percentiles answer in double, or in the widest interval type of the input's family. */
function exactResultType(t: DataType): DataType {
  if (t.type === 'year_month_interval') return { type: 'year_month_interval', startField: 0, endField: 1 };
  if (t.type === 'day_time_interval') return { type: 'day_time_interval', startField: 0, endField: 3 };
  return T.double;
}

/** The percentage argument: a foldable double or array of doubles, each in [0, 1]. */
function percentages(fnSql: string, p: RExpr, ctx: ResolveContext): { ps: number[]; array: boolean } {
  if (!isFoldable(p))
    throw dataTypeMismatch(
      'NON_FOLDABLE_INPUT',
      fnSql,
      `the input \`percentage\` should be a foldable "${typeSql(p.type)}" expression; however, got "${p.sql}".`,
    );
  const array = p.type.type === 'array';
  const elemType = p.type.type === 'array' ? p.type.elementType : p.type;
  if (!isNumeric(elemType) && elemType.type !== 'null')
    throw dataTypeMismatch(
      'UNEXPECTED_INPUT_TYPE',
      fnSql,
      `The second parameter requires the ${array ? '"ARRAY<DOUBLE>"' : '"DOUBLE"'} type, however "${p.sql}" has the type "${typeSql(p.type)}".`,
    );
  const v = constantValue(p, ctx);
  if (v === null) throw dataTypeMismatch('UNEXPECTED_NULL', fnSql, 'The `percentage` must not be null.');
  const ps = (array ? (v as unknown[]) : [v]).map((x) => (x === null ? Number.NaN : toDouble(elemType, x)));
  const bad = ps.filter((x) => !(x >= 0 && x <= 1));
  if (bad.length > 0)
    throw dataTypeMismatch(
      'VALUE_OUT_OF_RANGE',
      fnSql,
      `The \`percentage\` must be between [0.0, 1.0] (current value = ${ps.map((x) => String(x)).join(',')}).`,
    );
  return { ps, array };
}

function valueArg(fnSql: string, v: RExpr, ctx: ResolveContext, allowOrdered: boolean): RExpr {
  if (isNumeric(v.type) || isAnsiInterval(v.type)) return v;
  if (allowOrdered && (v.type.type === 'date' || v.type.type === 'timestamp' || v.type.type === 'timestamp_ntz')) return v;
  if (v.type.type === 'null' || (v.type.type === 'string' && !ctx.strictStringNumber)) return castTo(v, T.double, ctx);
  throw dataTypeMismatch(
    'UNEXPECTED_INPUT_TYPE',
    fnSql,
    `The first parameter requires the ("NUMERIC" or "ANSI INTERVAL") type, however "${v.sql}" has the type "${typeSql(v.type)}".`,
  );
}

interface PercentileOpts {
  kind: Kind;
  ps: number[];
  array: boolean;
  reverse: boolean;
}

function register(name: string, arity: [number, number], build: (args: RExpr[], ctx: ResolveContext, within: SortKey[] | undefined, distinct: boolean) => { args: RExpr[]; type: DataType; opts: PercentileOpts; sql: string }, withinGroup?: 'required'): void {
  registerAgg({
    name,
    arity,
    ...(withinGroup ? { withinGroup } : {}),
    resolve(args, ctx, distinct, within) {
      const r = build(args, ctx, within, distinct);
      return { args: r.args, type: r.type, nullable: true, opts: r.opts as unknown as Record<string, unknown>, sql: r.sql };
    },
    create(node) {
      return percentileAccumulator(node.type, node.args[0]!.type, node.opts as unknown as PercentileOpts, node.args[1]?.sql);
    },
  });
}

const dist = (distinct: boolean): string => (distinct ? 'DISTINCT ' : '');

// percentile(col, p [, frequency]): the frequency (default 1) is part of Spark's generated name.
register('percentile', [2, 3], (args, ctx, _w, distinct) => {
  const base = `percentile(${dist(distinct)}${args.map((a) => a.sql).join(', ')}${args.length === 2 ? ', 1' : ''})`;
  const v = valueArg(base, args[0]!, ctx, false);
  const { ps, array } = percentages(base, args[1]!, ctx);
  const freq = args[2];
  if (freq && !isIntegral(freq.type) && freq.type.type !== 'null')
    throw dataTypeMismatch(
      'UNEXPECTED_INPUT_TYPE',
      base,
      `The third parameter requires the "INTEGRAL" type, however "${freq.sql}" has the type "${typeSql(freq.type)}".`,
    );
  const rt = exactResultType(v.type);
  return { args: freq ? [v, freq] : [v], type: array ? T.array(rt, false) : rt, opts: { kind: 'cont', ps, array, reverse: false }, sql: base };
});

register('median', [1, 1], (args, ctx, _w, distinct) => {
  const sql = `median(${dist(distinct)}${args[0]!.sql})`;
  const v = valueArg(sql, args[0]!, ctx, false);
  return { args: [v], type: exactResultType(v.type), opts: { kind: 'cont', ps: [0.5], array: false, reverse: false }, sql };
});

// percentile_cont(p) / percentile_disc(p) WITHIN GROUP (ORDER BY col [DESC]).
for (const [name, kind] of [
  ['percentile_cont', 'cont'],
  ['percentile_disc', 'disc'],
] as const) {
  register(
    name,
    [1, 1],
    (args, ctx, within, distinct) => {
      if (!within) throw invalidWithinGroup('WITHIN_GROUP_MISSING', name, 'WITHIN GROUP is required for the function.');
      if (within.length !== 1)
        throw invalidWithinGroup('WRONG_NUM_ORDERINGS', name, `The function requires 1 orderings in WITHIN GROUP but got ${within.length}.`, {
          expectedNum: '1',
          actualNum: String(within.length),
        });
      const key = within[0]!;
      const sql = `${name}(${dist(distinct)}${args[0]!.sql}) WITHIN GROUP (ORDER BY ${key.expr.sql}${key.ascending ? '' : ' DESC'})`;
      const v = valueArg(sql, key.expr, ctx, false);
      const { ps, array } = percentages(sql, args[0]!, ctx);
      const rt = exactResultType(v.type);
      return { args: [v], type: array ? T.array(rt, false) : rt, opts: { kind, ps, array, reverse: !key.ascending }, sql };
    },
    'required',
  );
}

// approx_percentile(col, p [, accuracy]): the default accuracy 10000 shows in the name.
for (const name of ['approx_percentile', 'percentile_approx']) {
  register(name, [2, 3], (args, ctx, _w, distinct) => {
    if (args.length < 2) throw wrongNumArgs(name, '[2, 3]', args.length);
    const sql = `${name}(${dist(distinct)}${args.map((a) => a.sql).join(', ')}${args.length === 2 ? ', 10000' : ''})`;
    const v = valueArg(sql, args[0]!, ctx, true);
    const { ps, array } = percentages(sql, args[1]!, ctx);
    const acc = args[2];
    if (acc) {
      if (!isFoldable(acc) || !isIntegral(acc.type))
        throw dataTypeMismatch(
          'NON_FOLDABLE_INPUT',
          sql,
          `the input \`accuracy\` should be a foldable "INT" expression; however, got "${acc.sql}".`,
        );
      const a = Number(constantValue(acc, ctx));
      if (!(a > 0 && a <= 2147483647))
        throw dataTypeMismatch('VALUE_OUT_OF_RANGE', sql, `The \`accuracy\` must be between (0, 2147483647] (current value = ${a}).`);
    }
    return { args: [v], type: array ? T.array(v.type, false) : v.type, opts: { kind: 'approx', ps, array, reverse: false }, sql };
  });
}

function negativeFrequency(exprSql: string, v: number): PerennialError {
  return new PerennialError(
    'NEGATIVE_VALUES_IN_FREQUENCY_EXPRESSION',
    `[NEGATIVE_VALUES_IN_FREQUENCY_EXPRESSION] Found the negative value in "${exprSql}": ${v}, but expected a positive integral value. SQLSTATE: 22003`,
    { messageParameters: { frequencyExpression: `"${exprSql}"`, negativeValue: String(v) } },
  );
}

function percentileAccumulator(type: DataType, inT: DataType, o: PercentileOpts, freqSql: string | undefined): Accumulator {
  const weighted = freqSql !== undefined;
  // Per group: distinct values with their counts, as Spark's buffer keeps them.
  const groups: { vals: unknown[]; counts: number[]; index: Map<unknown, number> }[] = [];
  let held = 0;
  const key = (x: unknown): unknown => (typeof x === 'number' && Number.isNaN(x) ? 'NaN' : x);
  return {
    update(g, [a, f], n) {
      for (let i = 0; i < n; i++) {
        const x = getValue(a!, i);
        if (x === null) continue;
        let c = 1;
        if (weighted) {
          const w = getValue(f!, i);
          if (w === null) continue;
          c = Number(w);
          if (c < 0) throw negativeFrequency(freqSql!, c);
          if (c === 0) continue;
        }
        const gi = g[i]!;
        let st = groups[gi];
        if (!st) {
          st = { vals: [], counts: [], index: new Map() };
          groups[gi] = st;
        }
        const k = key(x);
        const at = st.index.get(k);
        if (at !== undefined) st.counts[at]! += c;
        else {
          st.index.set(k, st.vals.length);
          st.vals.push(x);
          st.counts.push(c);
          held++;
        }
      }
    },
    result(ng) {
      const out: unknown[] = new Array(ng);
      for (let gi = 0; gi < ng; gi++) {
        const st = groups[gi];
        if (!st || st.vals.length === 0) {
          out[gi] = null;
          continue;
        }
        const order = st.vals.map((_, i) => i).sort((i, j) => (o.reverse ? -1 : 1) * compareValues(inT, st.vals[i], st.vals[j]));
        const keys = order.map((i) => st.vals[i]);
        const cum: number[] = [];
        let total = 0;
        for (const i of order) {
          total += st.counts[i]!;
          cum.push(total);
        }
        // First index whose cumulative count reaches `target`.
        const atCount = (target: number): number => {
          let lo = 0;
          let hi = cum.length - 1;
          while (lo < hi) {
            const mid = (lo + hi) >> 1;
            if (cum[mid]! >= target) hi = mid;
            else lo = mid + 1;
          }
          return lo;
        };
        const one = (p: number): unknown => {
          if (o.kind === 'approx') return keys[atCount(Math.max(1, Math.ceil(p * total)))];
          let d: number;
          if (o.kind === 'disc') d = toDouble(inT, keys[atCount(Math.ceil(total * p))]);
          else {
            const pos = (total - 1) * p;
            const lower = Math.floor(pos);
            const higher = Math.ceil(pos);
            const lk = keys[atCount(lower + 1)];
            const hk = keys[atCount(higher + 1)];
            d = lower === higher || lk === hk ? toDouble(inT, lk) : (higher - pos) * toDouble(inT, lk) + (pos - lower) * toDouble(inT, hk);
          }
          if (inT.type === 'year_month_interval') return Math.trunc(d);
          if (inT.type === 'day_time_interval') return BigInt(Math.trunc(d));
          return d;
        };
        out[gi] = o.array ? o.ps.map(one) : one(o.ps[0]!);
      }
      return vecFromValues(type, out);
    },
    bytes: () => held * 24,
  };
}
