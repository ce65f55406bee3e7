/** Column name resolution against a relation's output (case-insensitive, qualified, planId-qualified). */
import type { Attr } from '../plan/logical-plan.js';
import { ambiguousReference } from './errors.js';

export interface Scope {
  attrs: Attr[];
  /** Enclosing query's scope, for correlated subqueries. */
  outer?: Scope;
  /** Lambda variables in scope (higher-order functions). */
  lambdas?: Map<string, { id: number; type: import('../plan/data-type.js').DataType; nullable?: boolean }>;
}

const eq = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

function qualifierMatches(attr: Attr, qual: string[]): boolean {
  const q = attr.qualifier;
  if (qual.length > q.length) return false;
  // `t.c` matches qualifier [..., 't']; `db.t.c` matches [..., 'db', 't'].
  const tail = q.slice(q.length - qual.length);
  return tail.every((p, i) => eq(p, qual[i]!));
}

/**
 * Finds the attribute for name parts. Returns the attr and the remaining parts (nested field
 * access), or undefined. Prefers the longest qualifier match, as Spark does.
 */
export function lookupAttr(attrs: Attr[], parts: string[]): { attr: Attr; rest: string[] } | undefined {
  for (let qlen = Math.min(parts.length - 1, 3); qlen >= 0; qlen--) {
    const qual = parts.slice(0, qlen);
    const name = parts[qlen]!;
    const matches = attrs.filter((a) => eq(a.name, name) && (qlen === 0 || qualifierMatches(a, qual)));
    const unique = dedupById(matches);
    if (unique.length > 1) throw ambiguousReference(parts.slice(0, qlen + 1), unique.map((a) => [...a.qualifier, a.name]));
    if (unique.length === 1) return { attr: unique[0]!, rest: parts.slice(qlen + 1) };
  }
  return undefined;
}

function dedupById(as: Attr[]): Attr[] {
  const seen = new Set<number>();
  return as.filter((a) => {
    if (seen.has(a.id)) return false;
    seen.add(a.id);
    return true;
  });
}
