/** Aggregates whose answer depends on an ordering: mode (with its WITHIN GROUP form) and listagg / string_agg. */
import { getValue, vecFromValues } from '../../arrow/vec.js';
import type { DataType } from '../../plan/data-type.js';
import type { RExpr, SortKey } from '../../plan/logical-plan.js';
import { T, typeSql } from '../../plan/type-utils.js';
import { compareValues } from '../compare.js';
import { castTo } from '../functions/coercion.js';
import { dataTypeMismatch, wrongNumArgs } from '../functions/registry.js';
import { valueKey } from '../value-key.js';
import { constantValue, invalidWithinGroup, isFoldable, nonFoldableArgument, sortKeySql } from './args.js';
import { GroupValueCounts, registerAgg } from './registry.js';

// ---------------------------------------------------------------------------------------------
// mode

/** Java's hashCode of a boxed integral value, for the types whose hash we reproduce. */
function javaHash(t: DataType, v: unknown): number | null {
  switch (t.type) {
    case 'byte':
    case 'short':
    case 'integer':
    case 'date':
    case 'year_month_interval':
      return (v as number) | 0;
    case 'long':
    case 'day_time_interval':
    case 'timestamp':
    case 'timestamp_ntz': {
      const b = BigInt.asUintN(64, v as bigint);
      return Number(BigInt.asIntN(32, b ^ (b >> 32n)));
    }
    default:
      return null;
  }
}

const rotl = (x: number, r: number): number => (x << r) | (x >>> (32 - r));

/** Guava's murmur3_32 of one int (seed 0): the slot hash of Spark's OpenHashSet. */
function murmurInt(k: number): number {
  let h = rotl(Math.imul(rotl(Math.imul(k, 0xcc9e2d51), 15), 0x1b873593), 13);
  h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  h ^= 4;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/**
 * The order Spark's OpenHashMap iterates keys inserted in `order` (first-seen order): slot order of
 * an open-addressing table (capacity 64, doubling past a 0.7 load, triangular probing). mode() without
 * a tie-break returns the first most-frequent key in this order, so ties resolve as in Spark.
 */
function sparkHashOrder(hashes: number[]): number[] {
  let cap = 64;
  while (hashes.length > cap * 0.7) cap *= 2;
  const slots = new Int32Array(cap).fill(-1);
  const mask = cap - 1;
  for (let i = 0; i < hashes.length; i++) {
    let pos = murmurInt(hashes[i]!) & mask;
    let delta = 1;
    while (slots[pos] !== -1) {
      pos = (pos + delta) & mask;
      delta++;
    }
    slots[pos] = i;
  }
  return Array.from(slots).filter((i) => i >= 0);
}

registerAgg({
  name: 'mode',
  arity: [0, 2],
  withinGroup: 'optional',
  resolve(args, ctx, distinct, within) {
    let child: RExpr;
    // reverse: undefined = any most frequent value; true = the smallest; false = the largest.
    let reverse: boolean | undefined;
    if (args.length === 0) {
      if (!within) throw invalidWithinGroup('WITHIN_GROUP_MISSING', 'mode', 'WITHIN GROUP is required for the function.');
      if (within.length !== 1)
        throw invalidWithinGroup('WRONG_NUM_ORDERINGS', 'mode', `The function requires 1 orderings in WITHIN GROUP but got ${within.length}.`, {
          expectedNum: '1',
          actualNum: String(within.length),
        });
      child = within[0]!.expr;
      reverse = within[0]!.ascending;
    } else {
      if (within) throw wrongNumArgs('mode', '0', args.length);
      child = args[0]!;
      const det = args[1];
      if (det) {
        if (!isFoldable(det)) throw nonFoldableArgument('mode', 'deterministic', 'BOOLEAN');
        const v = constantValue(det, ctx);
        if (v === null)
          throw dataTypeMismatch('UNEXPECTED_NULL', `mode(${child.sql}, ${det.sql})`, 'The `deterministic` must not be null.');
        if (det.type.type !== 'boolean')
          throw dataTypeMismatch(
            'UNEXPECTED_INPUT_TYPE',
            `mode(${child.sql}, ${det.sql})`,
            `The second parameter requires the "BOOLEAN" type, however "${det.sql}" has the type "${typeSql(det.type)}".`,
          );
        if (v === true) reverse = true;
      }
    }
    // Spark's naming reads `reverse` as the written direction (it is the opposite): kept for parity.
    const sql =
      reverse === undefined
        ? `mode(${distinct ? 'DISTINCT ' : ''}${child.sql})`
        : `mode() WITHIN GROUP (ORDER BY ${child.sql}${reverse ? ' DESC' : ''})`;
    return { args: [child], type: child.type, nullable: true, sql, ...(reverse === undefined ? {} : { opts: { reverse } }) };
  },
  create(node) {
    const t = node.type;
    const reverse = node.opts?.reverse as boolean | undefined;
    const counts = new GroupValueCounts();
    return {
      update(g, [a], n) {
        for (let i = 0; i < n; i++) {
          const x = getValue(a!, i);
          if (x === null) continue;
          counts.add(g[i]!, valueKey(t, x), x);
        }
      },
      result(ng) {
        const out: unknown[] = new Array(ng);
        for (let gi = 0; gi < ng; gi++) {
          let entries = counts.entries(gi);
          if (entries.length === 0) {
            out[gi] = null;
            continue;
          }
          if (reverse === undefined) {
            const hashes = entries.map((e) => javaHash(t, e.value));
            if (hashes.every((h) => h !== null)) entries = sparkHashOrder(hashes as number[]).map((i) => entries[i]!);
          }
          let best = entries[0]!;
          for (const e of entries) {
            if (e.count > best.count) best = e;
            else if (e.count === best.count && reverse !== undefined) {
              const c = compareValues(t, e.value, best.value);
              if (reverse ? c < 0 : c > 0) best = e;
            }
          }
          out[gi] = best.value;
        }
        return vecFromValues(t, out);
      },
      bytes: () => counts.bytes(),
    };
  },
});

// ---------------------------------------------------------------------------------------------
// listagg / string_agg

function concatBinary(parts: Uint8Array[], sep: Uint8Array): Uint8Array {
  const len = parts.reduce((s, p) => s + p.length, 0) + sep.length * Math.max(0, parts.length - 1);
  const out = new Uint8Array(len);
  let at = 0;
  parts.forEach((p, i) => {
    if (i > 0) {
      out.set(sep, at);
      at += sep.length;
    }
    out.set(p, at);
    at += p.length;
  });
  return out;
}

for (const name of ['listagg', 'string_agg']) {
  registerAgg({
    name,
    arity: [1, 2],
    withinGroup: 'optional',
    resolve(args, ctx, distinct, within) {
      let child = args[0]!;
      if (child.type.type !== 'string' && child.type.type !== 'binary') child = castTo(child, T.string, ctx);
      const delim = args[1];
      if (delim && !isFoldable(delim))
        throw dataTypeMismatch(
          'NON_FOLDABLE_INPUT',
          `${name}(${child.sql}, ${delim.sql})`,
          `the input \`delimiter\` should be a foldable "${typeSql(delim.type)}" expression; however, got "${delim.sql}".`,
        );
      if (delim && delim.type.type !== 'null' && delim.type.type !== child.type.type)
        throw dataTypeMismatch(
          'DATA_DIFF_TYPES',
          `${name}(${child.sql}, ${delim.sql})`,
          `Input to \`${name}\` should all be the same type, but it's ["${typeSql(child.type)}", "${typeSql(delim.type)}"].`,
        );
      const keys: SortKey[] = within ?? [];
      // Spark's WITHIN GROUP form is a copy that loses the string_agg alias.
      const shown = within ? 'listagg' : name;
      if (distinct && keys.length > 0 && (keys.length !== 1 || keys[0]!.expr.sql !== args[0]!.sql))
        throw invalidWithinGroup(
          'MISMATCH_WITH_DISTINCT_INPUT',
          shown,
          `The function is invoked with DISTINCT and WITHIN GROUP but expressions "${args[0]!.sql}" and "${keys.map((k) => k.expr.sql).join(', ')}" do not match. The WITHIN GROUP ordering expression must be picked from the function inputs.`,
        );
      const sep = delim ? constantValue(delim, ctx) : null;
      const withinSql = keys.length > 0 ? ` WITHIN GROUP (ORDER BY ${keys.map(sortKeySql).join(', ')})` : '';
      const sql = `${shown}(${distinct ? 'DISTINCT ' : ''}${child.sql}, ${delim ? delim.sql : 'NULL'})${withinSql}`;
      return {
        // Under DISTINCT the ordering key is the value itself, so only the value is passed.
        args: distinct ? [child] : [child, ...keys.map((k) => k.expr)],
        type: child.type,
        nullable: true,
        sql,
        opts: { sep, order: keys.map((k) => ({ ascending: k.ascending, nullsFirst: k.nullsFirst, type: k.expr.type })) },
      };
    },
    create(node) {
      const binary = node.type.type === 'binary';
      const sep = node.opts?.sep ?? null;
      const order = (node.opts?.order ?? []) as { ascending: boolean; nullsFirst: boolean; type: DataType }[];
      const keyOf = node.distinct && order.length > 0 ? [0] : order.map((_, i) => i + 1);
      const rows: unknown[][][] = [];
      let held = 0;
      return {
        update(g, args, n) {
          for (let i = 0; i < n; i++) {
            const v = getValue(args[0]!, i);
            if (v === null) continue;
            const gi = g[i]!;
            const list = rows[gi] ?? [];
            rows[gi] = list;
            list.push(args.map((a) => getValue(a, i)));
            held++;
          }
        },
        result(ng) {
          const out: unknown[] = new Array(ng);
          for (let gi = 0; gi < ng; gi++) {
            const list = rows[gi];
            if (!list || list.length === 0) {
              out[gi] = null;
              continue;
            }
            if (order.length > 0)
              list.sort((p, q) => {
                for (let k = 0; k < order.length; k++) {
                  const o = order[k]!;
                  const x = p[keyOf[k]!];
                  const y = q[keyOf[k]!];
                  if (x === null || y === null) {
                    if (x === y) continue;
                    return (x === null) === o.nullsFirst ? -1 : 1;
                  }
                  const c = compareValues(o.type, x, y);
                  if (c !== 0) return o.ascending ? c : -c;
                }
                return 0;
              });
            if (binary) out[gi] = concatBinary(list.map((r) => r[0] as Uint8Array), (sep as Uint8Array | null) ?? new Uint8Array(0));
            else out[gi] = list.map((r) => r[0] as string).join((sep as string | null) ?? '');
          }
          return vecFromValues(node.type, out);
        },
        bytes: () => held * 48,
      };
    },
  });
}
