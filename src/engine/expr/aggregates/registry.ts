/**
 * Aggregate functions. Accumulators are vectorized: `update` receives a group id per row and the
 * argument vectors, and keeps state in typed arrays indexed by group id.
 */
import type { Vec } from '../../arrow/vec.js';
import type { DataType } from '../../plan/data-type.js';
import type { RExpr, SortKey } from '../../plan/logical-plan.js';
import type { EvalContext } from '../eval-context.js';
import type { ResolveContext } from '../functions/registry.js';

export type AggNode = Extract<RExpr, { k: 'agg' }>;

export interface Accumulator {
  /** Adds rows; `groups[i]` is row i's group (< numGroups). */
  update(groups: Int32Array, args: Vec[], n: number, numGroups: number): void;
  result(numGroups: number): Vec;
  /** Approximate bytes held, for the memory cap. */
  bytes(): number;
}

export interface AggregateFunction {
  name: string;
  arity: [number, number];
  /** Whether `f(...) WITHIN GROUP (ORDER BY ...)` is accepted (Spark's SupportsOrderingWithinGroup). */
  withinGroup?: 'optional' | 'required';
  /**
   * `called` is the name as written (aliases such as string_agg keep their own pretty name);
   * `within` holds the resolved WITHIN GROUP ordering, when written.
   */
  resolve(
    args: RExpr[],
    ctx: ResolveContext,
    distinct: boolean,
    within?: SortKey[],
    called?: string,
  ): { args: RExpr[]; type: DataType; nullable: boolean; opts?: Record<string, unknown>; sql?: string };
  create(node: AggNode, ctx: EvalContext): Accumulator;
}

const aggs = new Map<string, AggregateFunction>();

export function registerAgg(f: AggregateFunction, ...aliases: string[]): void {
  aggs.set(f.name, f);
  for (const a of aliases) aggs.set(a, f);
}

export function lookupAggregate(name: string): AggregateFunction | undefined {
  return aggs.get(name.toLowerCase());
}

export function aggregateNames(): string[] {
  return [...aggs.keys()];
}

/** Grows a typed array to hold at least n entries (doubling). */
export function grow<A extends Float64Array | Int32Array | Uint8Array>(a: A, n: number, fill = 0): A {
  if (a.length >= n) return a;
  const C = a.constructor as new (k: number) => A;
  const b = new C(Math.max(n, a.length * 2, 16));
  b.set(a);
  if (fill !== 0) b.fill(fill as never, a.length);
  return b;
}

/** Per-group occurrence counts of distinct values (mode, approx_top_k); `value` is the first seen. */
export class GroupValueCounts {
  private readonly groups: Map<unknown, { value: unknown; count: number }>[] = [];
  private held = 0;

  add(gid: number, key: unknown, value: unknown): void {
    let m = this.groups[gid];
    if (!m) {
      m = new Map();
      this.groups[gid] = m;
    }
    const e = m.get(key);
    if (e) e.count++;
    else {
      m.set(key, { value, count: 1 });
      this.held++;
    }
  }

  entries(gid: number): { value: unknown; count: number }[] {
    return [...(this.groups[gid]?.values() ?? [])];
  }

  bytes(): number {
    return this.held * 48;
  }
}
