/** collect_list, collect_set, approx_count_distinct, max_by/min_by. */
import { getValue, vecFromValues } from '../../arrow/vec.js';
import { T } from '../../plan/type-utils.js';
import { compareValues } from '../compare.js';
import { valueKey } from '../value-key.js';
import { registerAgg } from './registry.js';

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
    arity: [2, 2],
    resolve(args) {
      return { args, type: args[0]!.type, nullable: true };
    },
    create(node) {
      const best: unknown[] = [];
      const val: unknown[] = [];
      const ot = node.args[1]!.type;
      return {
        update(g, [a, o], n) {
          for (let i = 0; i < n; i++) {
            const k = getValue(o!, i);
            if (k === null) continue;
            const gi = g[i]!;
            if (best[gi] === undefined || sign * compareValues(ot, k, best[gi]) > 0) {
              best[gi] = k;
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
