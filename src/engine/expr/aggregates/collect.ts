/** collect_list, collect_set, approx_count_distinct, max_by/min_by. */
import { getValue, vecFromValues } from '../../arrow/vec.js';
import type { DataType, StructField } from '../../plan/data-type.js';
import type { RExpr } from '../../plan/logical-plan.js';
import { T, isIntegral } from '../../plan/type-utils.js';
import { compareValues } from '../compare.js';
import { dataTypeMismatch } from '../functions/registry.js';
import { valueKey } from '../value-key.js';
import { constantValue, isFoldable, nonFoldableArgument } from './args.js';
import { type Accumulator, GroupValueCounts, registerAgg } from './registry.js';

for (const [name, set] of [
  ['collect_list', false],
  ['array_agg', false],
  ['collect_set', true],
] as const) {
  registerAgg({
    name,
    arity: [1, 1],
    resolve(args) {
      return { args, type: T.array(args[0]!.type, false), nullable: false };
    },
    create(node) {
      const lists: unknown[][] = [];
      const keys: Set<unknown>[] = [];
      const t = node.args[0]!.type;
      return {
        update(g, [a], n) {
          for (let i = 0; i < n; i++) {
            const x = getValue(a!, i);
            if (x === null) continue;
            const gi = g[i]!;
            if (set) {
              let ks = keys[gi];
              if (!ks) {
                ks = new Set();
                keys[gi] = ks;
              }
              const k = valueKey(t, x);
              if (ks.has(k)) continue;
              ks.add(k);
            }
            const list = lists[gi];
            if (list) list.push(x);
            else lists[gi] = [x];
          }
        },
        result(ng) {
          const out: unknown[] = new Array(ng);
          for (let i = 0; i < ng; i++) out[i] = lists[i] ?? [];
          return vecFromValues(node.type, out);
        },
        bytes: () => lists.reduce((s, l) => s + (l?.length ?? 0) * 16, 0),
      };
    },
  });
}

registerAgg({
  name: 'approx_count_distinct',
  arity: [1, 2],
  resolve(args) {
    return { args: [args[0]!], type: T.long, nullable: false };
  },
  create(node) {
    const sets: Set<unknown>[] = [];
    const t = node.args[0]!.type;
    return {
      update(g, [a], n) {
        for (let i = 0; i < n; i++) {
          const x = getValue(a!, i);
          if (x === null) continue;
          const gi = g[i]!;
          const set = sets[gi];
          if (set) set.add(valueKey(t, x));
          else sets[gi] = new Set([valueKey(t, x)]);
        }
      },
      result(ng) {
        const out: bigint[] = new Array(ng);
        for (let i = 0; i < ng; i++) out[i] = BigInt(sets[i]?.size ?? 0);
        return vecFromValues(T.long, out);
      },
      bytes: () => sets.reduce((s, x) => s + (x?.size ?? 0) * 16, 0),
    };
  },
});

for (const [name, sign] of [
  ['max_by', 1],
  ['min_by', -1],
] as const) {
  registerAgg({
    name,
    arity: [2, 3],
    resolve(args, ctx) {
      const [v, o, kArg] = args as [RExpr, RExpr, RExpr | undefined];
      if (!kArg) return { args: [v, o], type: v.type, nullable: true };
      // max_by(x, y, k): the x values of the k largest y, largest first.
      if (!isFoldable(kArg) || !isIntegral(kArg.type)) throw nonFoldableArgument(name, 'k', 'INT');
      const k = Number(constantValue(kArg, ctx));
      return { args: [v, o], type: T.array(v.type, true), nullable: true, opts: { k }, sql: `${name}(${v.sql}, ${o.sql}, ${kArg.sql})` };
    },
    create(node) {
      const ot = node.args[1]!.type;
      const k = node.opts?.k as number | undefined;
      if (k !== undefined) return topK(node.type, ot, sign, k);
      const best: unknown[] = [];
      const val: unknown[] = [];
      return {
        update(g, [a, o], n) {
          for (let i = 0; i < n; i++) {
            const key = getValue(o!, i);
            if (key === null) continue;
            const gi = g[i]!;
            if (best[gi] === undefined || sign * compareValues(ot, key, best[gi]) > 0) {
              best[gi] = key;
              val[gi] = getValue(a!, i);
            }
          }
        },
        result(ng) {
          const out: unknown[] = new Array(ng);
          for (let i = 0; i < ng; i++) out[i] = val[i] ?? null;
          return vecFromValues(node.type, out);
        },
        bytes: () => best.length * 32,
      };
    },
  });
}

/** Keeps every (ordering key, value) pair per group; the result is the k best values, best first. */
function topK(type: DataType, keyType: DataType, sign: 1 | -1, k: number): Accumulator {
  const pairs: [unknown, unknown][][] = [];
  let held = 0;
  return {
    update(g, [a, o], n) {
      for (let i = 0; i < n; i++) {
        const key = getValue(o!, i);
        if (key === null) continue;
        const gi = g[i]!;
        const list = pairs[gi] ?? [];
        pairs[gi] = list;
        list.push([key, getValue(a!, i)]);
        held++;
      }
    },
    result(ng) {
      const out: unknown[] = new Array(ng);
      for (let i = 0; i < ng; i++) {
        const list = pairs[i];
        if (!list) {
          out[i] = null;
          continue;
        }
        // Array.prototype.sort is stable: ties keep input order.
        list.sort((p, q) => sign * compareValues(keyType, q[0], p[0]));
        out[i] = list.slice(0, k).map((p) => p[1]);
      }
      return vecFromValues(type, out);
    },
    bytes: () => held * 32,
  };
}

/**
 * approx_top_k(expr [, k [, maxItemsTracked]]): the k most frequent values with their counts, most
 * frequent first. Counting is exact (Spark's sketch is exact while it tracks fewer items than its cap);
 * ties keep first-seen order. The defaults (5, 10000) are part of Spark's generated name.
 */
registerAgg({
  name: 'approx_top_k',
  arity: [1, 3],
  resolve(args, ctx) {
    const [v, kArg, maxArg] = args as [RExpr, RExpr | undefined, RExpr | undefined];
    const param = (e: RExpr | undefined, pname: string, dflt: number): number => {
      if (!e) return dflt;
      if (!isFoldable(e) || !isIntegral(e.type)) throw nonFoldableArgument('approx_top_k', pname, 'INT');
      const n = constantValue(e, ctx);
      if (n === null || Number(n) <= 0)
        throw dataTypeMismatch('VALUE_OUT_OF_RANGE', `approx_top_k(${args.map((a) => a.sql).join(', ')})`, `The \`${pname}\` must be positive (current value = ${String(n)}).`);
      return Number(n);
    };
    const k = param(kArg, 'k', 5);
    param(maxArg, 'maxItemsTracked', 10000);
    const item: StructField = { name: 'item', dataType: v.type, nullable: true };
    const count: StructField = { name: 'count', dataType: T.long, nullable: false };
    return {
      args: [v],
      type: T.array(T.struct([item, count]), false),
      nullable: false,
      opts: { k },
      sql: `approx_top_k(${v.sql}, ${kArg?.sql ?? '5'}, ${maxArg?.sql ?? '10000'})`,
    };
  },
  create(node) {
    const t = node.args[0]!.type;
    const k = node.opts?.k as number;
    const counts = new GroupValueCounts();
    return {
      update(g, [a], n) {
        for (let i = 0; i < n; i++) {
          const x = getValue(a!, i);
          counts.add(g[i]!, x === null ? null : valueKey(t, x), x);
        }
      },
      result(ng) {
        const out: unknown[] = new Array(ng);
        for (let i = 0; i < ng; i++) {
          const entries = counts.entries(i);
          entries.sort((p, q) => q.count - p.count);
          out[i] = entries.slice(0, k).map((e) => [e.value, BigInt(e.count)]);
        }
        return vecFromValues(node.type, out);
      },
      bytes: () => counts.bytes(),
    };
  },
});
