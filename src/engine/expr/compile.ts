/**
 * Compiles a resolved expression into a batch kernel: `(batch) => Vec`. Column references are bound to
 * input positions once; CASE/IF/COALESCE evaluate branches only on the rows that reach them (so ANSI
 * errors in untaken branches do not fire, as in Spark).
 */
import { internalError } from '../../core/errors.js';
import type { DataType } from '../plan/data-type.js';
import type { Attr, RExpr } from '../plan/logical-plan.js';
import { T } from '../plan/type-utils.js';
import { type Batch, type Vec, constVec, getValue, takeBatch, vecFromValues } from '../arrow/vec.js';
import { castVec } from './cast.js';
import { type CmpOp, compareVecScalar, flipCmp } from './compare.js';
import { valueKey } from './value-key.js';
import type { EvalContext } from './eval-context.js';
import { type CallNode, lookupFunction } from './functions/registry.js';

export type Kernel = (b: Batch) => Vec;

export interface CompileEnv {
  ctx: EvalContext;
  /** Results of uncorrelated scalar subqueries, computed before the query runs. */
  subqueries: Map<RExpr, unknown>;
  /** Values of lambda variables while a higher-order function evaluates its body. */
  lambdaVars?: Map<number, Vec>;
}

export function bindIndex(input: Attr[]): Map<number, number> {
  const m = new Map<number, number>();
  input.forEach((a, i) => {
    if (!m.has(a.id)) m.set(a.id, i);
  });
  return m;
}

/** Scatter `part` (rows `idx` of the batch) into `out` values. */
function scatter(out: unknown[], idx: number[], part: Vec): void {
  for (let j = 0; j < idx.length; j++) out[idx[j]!] = getValue(part, j);
}

export function compile(e: RExpr, input: Attr[], env: CompileEnv, index = bindIndex(input)): Kernel {
  const ctx = env.ctx;
  switch (e.k) {
    case 'lit': {
      const t = e.type;
      const v = e.value;
      return (b) => constVec(t, v, b.length);
    }
    case 'ref': {
      const i = index.get(e.id);
      if (i === undefined) throw internalError(`unbound column ${e.name}#${e.id}`);
      return (b) => b.cols[i]!;
    }
    case 'lambdaVar': {
      // Higher-order functions bind their lambda parameters as extra batch columns (see higher-order.ts),
      // so CASE/IF branches that gather a subset of rows gather the variables too.
      const col = index.get(e.id);
      if (col !== undefined) return (b) => b.cols[col]!;
      const id = e.id;
      return () => {
        const v = env.lambdaVars?.get(id);
        if (!v) throw internalError(`unbound lambda variable ${e.name}`);
        return v;
      };
    }
    case 'cast': {
      const c = compile(e.child, input, env, index);
      const to = e.type;
      const mode = e.mode;
      return (b) => castVec(c(b), to, mode, ctx);
    }
    case 'case': {
      const conds = e.branches.map((br) => compile(br.when, input, env, index));
      const thens = e.branches.map((br) => compile(br.then, input, env, index));
      const els = e.else ? compile(e.else, input, env, index) : null;
      const t = e.type;
      return (b) => {
        const n = b.length;
        const out: unknown[] = new Array(n).fill(null);
        let remaining: number[] = Array.from({ length: n }, (_, i) => i);
        let cur: Batch = b;
        for (let k = 0; k < conds.length && remaining.length > 0; k++) {
          const cv = conds[k]!(cur);
          const hit: number[] = [];
          const hitLocal: number[] = [];
          const miss: number[] = [];
          const missLocal: number[] = [];
          const cd = cv.data as Uint8Array;
          for (let j = 0; j < remaining.length; j++) {
            if ((cv.valid === null || cv.valid[j]) && cd[j]) {
              hit.push(remaining[j]!);
              hitLocal.push(j);
            } else {
              miss.push(remaining[j]!);
              missLocal.push(j);
            }
          }
          if (hit.length > 0) scatter(out, hit, thens[k]!(hit.length === cur.length ? cur : takeBatch(cur, hitLocal)));
          cur = miss.length === cur.length ? cur : takeBatch(cur, missLocal);
          remaining = miss;
        }
        if (els && remaining.length > 0) scatter(out, remaining, els(cur));
        return vecFromValues(t, out);
      };
    }
    case 'call':
      return compileCall(e, input, env, index);
    case 'scalarSubquery': {
      return (b) => {
        if (!env.subqueries.has(e)) throw internalError('scalar subquery was not computed before execution');
        return constVec(e.type, env.subqueries.get(e), b.length);
      };
    }
    case 'exists': {
      return (b) => constVec(T.boolean, env.subqueries.get(e) ?? false, b.length);
    }
    case 'inSubquery': {
      const vals = e.values.map((v) => compile(v, input, env, index));
      const vt = e.values[0]!.type;
      return (b) => {
        const r = env.subqueries.get(e) as { set: Set<unknown>; hasNull: boolean } | undefined;
        if (!r) throw internalError('IN subquery was not computed before execution');
        const v = vals[0]!(b);
        const out: (boolean | null)[] = new Array(b.length);
        for (let i = 0; i < b.length; i++) {
          const x = getValue(v, i);
          if (x === null) out[i] = r.set.size === 0 && !r.hasNull ? false : null;
          else if (r.set.has(valueKey(vt, x))) out[i] = true;
          else out[i] = r.hasNull ? null : false;
        }
        return vecFromValues(T.boolean, out);
      };
    }
    case 'groupingId':
      throw internalError('grouping() outside an aggregate');
    default:
      throw internalError(`cannot evaluate expression kind ${e.k} here`);
  }
}

function compileCall(e: CallNode, input: Attr[], env: CompileEnv, index: Map<number, number>): Kernel {
  const ctx = env.ctx;
  const fn = lookupFunction(e.fn);
  if (!fn) throw internalError(`function ${e.fn} is not registered`);
  if (e.fn === 'coalesce' || e.fn === 'if' || e.fn === 'nvl2' || e.fn === 'nvl' || e.fn === 'ifnull') {
    return compile(lazyRewrite(e), input, env, index);
  }
  if (fn.lambdaEval) return fn.lambdaEval(e, input, env, index);
  const skipLits = fn.literalsFromNode?.(e) === true;
  const args = e.args.map((a, i) => (skipLits && i > 0 && a.k === 'lit' ? unusedLiteral(a.type) : compile(a, input, env, index)));
  const type = e.type;
  const cmp = SCALAR_CMP[e.fn];
  if (cmp && fn.vector && e.args.length === 2 && (e.args[0]!.k === 'lit') !== (e.args[1]!.k === 'lit')) {
    // column op literal (either order): compare against the value, no constant column.
    const litFirst = e.args[0]!.k === 'lit';
    const lit = (litFirst ? e.args[0] : e.args[1]) as Extract<RExpr, { k: 'lit' }>;
    const col = litFirst ? args[1]! : args[0]!;
    const op = litFirst ? flipCmp(cmp) : cmp;
    const vf = fn.vector;
    return (b) => {
      const v = col(b);
      return compareVecScalar(op, v, lit.value, lit.type) ?? vf(args.map((a) => a(b)), b.length, ctx, e);
    };
  }
  if (fn.vector) {
    const vf = fn.vector;
    return (b) => vf(args.map((a) => a(b)), b.length, ctx, e);
  }
  const rf = fn.row;
  if (!rf) throw internalError(`function ${e.fn} has no kernel`);
  const nullSafe = fn.nullSafe === true;
  return (b) => {
    const n = b.length;
    const vs = args.map((a) => a(b));
    const out: unknown[] = new Array(n);
    const vals: unknown[] = new Array(vs.length);
    outer: for (let i = 0; i < n; i++) {
      for (let k = 0; k < vs.length; k++) {
        const x = getValue(vs[k]!, i);
        if (x === null && !nullSafe) {
          out[i] = null;
          continue outer;
        }
        vals[k] = x;
      }
      const r = rf(vals, ctx, e);
      out[i] = r === undefined ? null : r;
    }
    return vecFromValues(type, out);
  };
}

/** Stands for a literal operand its kernel takes from the node: an empty column, never read. */
function unusedLiteral(t: DataType): Kernel {
  const v: Vec = { type: t, length: 0, data: [], valid: null };
  return () => v;
}

const SCALAR_CMP: Record<string, CmpOp | undefined> = { '==': '=', '=': '=', '!=': '!=', '<>': '!=', '<': '<', '<=': '<=', '>': '>', '>=': '>=' };

/** IF / COALESCE / NVL as CASE so that their branches evaluate lazily. */
function lazyRewrite(e: CallNode): RExpr {
  const isNotNull = (x: RExpr): RExpr => ({ k: 'call', fn: 'isnotnull', args: [x], type: T.boolean, nullable: false, sql: '' });
  const base = { type: e.type, nullable: e.nullable, sql: e.sql };
  switch (e.fn) {
    case 'if':
      return { k: 'case', branches: [{ when: e.args[0]!, then: e.args[1]! }], else: e.args[2]!, ...base };
    case 'nvl2':
      return { k: 'case', branches: [{ when: isNotNull(e.args[0]!), then: e.args[1]! }], else: e.args[2]!, ...base };
    default: {
      const last = e.args[e.args.length - 1]!;
      return {
        k: 'case',
        branches: e.args.slice(0, -1).map((a) => ({ when: isNotNull(a), then: a })),
        else: last,
        ...base,
      };
    }
  }
}

/** Evaluates a predicate kernel to a selection of row indices (NULL counts as false). */
export function selection(v: Vec): Int32Array {
  const n = v.length;
  const d = v.data as Uint8Array;
  const out = new Int32Array(n);
  let k = 0;
  if (v.valid === null) {
    for (let i = 0; i < n; i++) if (d[i]) out[k++] = i;
  } else {
    const va = v.valid;
    for (let i = 0; i < n; i++) if (d[i] && va[i]) out[k++] = i;
  }
  return out.subarray(0, k);
}
