/**
 * Evaluates constant arguments at resolve time (schemas, option maps, format strings), the way
 * Spark requires them to be foldable: literals, casts of literals and deterministic calls over them.
 */
import type { RExpr } from '../../plan/logical-plan.js';
import { castValue } from '../cast.js';
import { defaultEvalContext } from '../eval-context.js';
import { dataTypeMismatch, lookupFunction } from './registry.js';

const NOT_CONSTANT = Symbol('not constant');

function evalConst(e: RExpr, timeZone: string): unknown {
  switch (e.k) {
    case 'lit':
      return e.value;
    case 'cast': {
      const v = evalConst(e.child, timeZone);
      if (v === NOT_CONSTANT) return v;
      return castValue(v, e.child.type, e.type, e.mode, { ...defaultEvalContext(), timeZone });
    }
    case 'call': {
      const fn = lookupFunction(e.fn);
      if (!fn?.row || fn.lazy || fn.nondeterministic) return NOT_CONSTANT;
      const vals: unknown[] = [];
      for (const a of e.args) {
        const v = evalConst(a, timeZone);
        if (v === NOT_CONSTANT) return v;
        vals.push(v);
      }
      if (!fn.nullSafe && vals.some((v) => v === null)) return null;
      return fn.row(vals, { ...defaultEvalContext(), timeZone }, e);
    }
    default:
      return NOT_CONSTANT;
  }
}

/** The value of a foldable expression, or undefined when it is not constant. */
export function constValue(e: RExpr, timeZone = 'UTC'): { value: unknown } | undefined {
  const v = evalConst(e, timeZone);
  return v === NOT_CONSTANT ? undefined : { value: v };
}

/** A foldable `map<string,string>` of options (from_json, to_csv...), lower-cased keys. */
export function optionsArg(e: RExpr | undefined, fnSql: string): Map<string, string> {
  const out = new Map<string, string>();
  if (e === undefined) return out;
  const c = constValue(e);
  if (c === undefined || e.type.type !== 'map') throw dataTypeMismatch('NON_FOLDABLE_INPUT', fnSql, `the input options should be a foldable "MAP<STRING, STRING>" expression; however, got "${e.sql}".`);
  const m = c.value as { keys: unknown[]; values: unknown[] } | null;
  if (m) m.keys.forEach((k, i) => out.set(String(k).toLowerCase(), String(m.values[i])));
  return out;
}
