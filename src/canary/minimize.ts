/**
 * Minimized reproductions: delta debugging over the Spark Connect relation tree. Starting from a
 * plan that shows a divergence, greedily try smaller variants — an operator replaced by its input
 * (drop a projection, filter, sort, limit, aggregate; a join or set operation replaced by one side),
 * chunks of lists removed (projected columns, aggregate and sort expressions, AND-ed predicates,
 * rows of local data), and for SQL text the same at the outer query (select items, WHERE conjuncts,
 * ORDER BY, LIMIT, HAVING) — and keep any variant on which the oracle still sees the same divergence.
 * Repeats until no variant reproduces or the test budget is spent (ddmin granularity: halves, then
 * quarters, ... then single items).
 */
import { clone, create } from '@bufbuild/protobuf';
import { tableFromIPC, tableToIPC } from 'apache-arrow';
import { type Expression, ExpressionSchema, type Relation, RelationSchema } from '../protocol/index.js';
import { countOperators, type RelPath, relationChildren, replaceAt, type SqlToken, sqlTokens, walkRelations } from './plan-tree.js';

export type Oracle = (candidate: Relation) => Promise<boolean>;

export interface MinimizeOptions {
  /** Oracle calls at most. @default 150 */
  maxTests?: number;
}

export interface Minimized {
  relation: Relation;
  tests: number;
  operatorsBefore: number;
  operatorsAfter: number;
}

export async function minimizeRelation(start: Relation, oracle: Oracle, opts: MinimizeOptions = {}): Promise<Minimized> {
  const maxTests = opts.maxTests ?? 150;
  let current = clone(RelationSchema, start);
  let tests = 0;
  const seen = new Set<string>();
  for (;;) {
    let accepted = false;
    for (const cand of candidates(current)) {
      if (tests >= maxTests) break;
      const key = JSON.stringify(cand, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v instanceof Uint8Array ? Buffer.from(v).toString('base64') : v));
      if (seen.has(key)) continue;
      seen.add(key);
      tests++;
      let ok = false;
      try {
        ok = await oracle(cand);
      } catch {
        ok = false;
      }
      if (ok) {
        current = cand;
        accepted = true;
        break;
      }
    }
    if (!accepted || tests >= maxTests) break;
  }
  return { relation: current, tests, operatorsBefore: countOperators(start), operatorsAfter: countOperators(current) };
}

/** Smaller variants of `root`, biggest cuts first. */
export function* candidates(root: Relation): Generator<Relation> {
  const nodes = walkRelations(root);
  // 1. An operator replaced by one of its inputs (top-down: cutting high removes the most).
  for (const { path, rel } of nodes) {
    for (const c of relationChildren(rel)) yield replaceAt(root, path, c.rel);
  }
  // 2. Lists inside operators, then local data rows, then SQL text.
  for (const { path, rel } of nodes) yield* listReductions(root, path, rel);
  for (const { path, rel } of nodes) {
    const t = rel.relType;
    if (t.case === 'localRelation' && t.value.data?.byteLength) {
      const table = tableFromIPC(t.value.data);
      // Columns nothing above uses (only when the relation carries no separate schema string).
      if (!t.value.schema) {
        for (const keep of ddminKeeps(table.numCols, 1)) {
          const copy = clone(RelationSchema, rel);
          (copy.relType.value as typeof t.value).data = tableToIPC(table.selectAt(keep), 'stream');
          yield replaceAt(root, path, copy);
        }
      }
      for (const keep of ddminKeeps(table.numRows, 1)) {
        const copy = clone(RelationSchema, rel);
        const sub = keep.map((i) => table.slice(i, i + 1));
        const first = sub[0];
        if (!first) continue;
        const subset = sub.slice(1).reduce((a, b) => a.concat(b), first);
        (copy.relType.value as typeof t.value).data = tableToIPC(subset, 'stream');
        yield replaceAt(root, path, copy);
      }
    }
    if (t.case === 'sql') {
      for (const q of sqlReductions(t.value.query)) {
        const copy = clone(RelationSchema, rel);
        (copy.relType.value as typeof t.value).query = q;
        yield replaceAt(root, path, copy);
      }
    }
  }
}

/** Index sets to keep, removing chunks of size n/2, n/4, ..., 1 (never fewer than `min` kept). */
export function* ddminKeeps(n: number, min: number): Generator<number[]> {
  if (n <= min) return;
  const all = [...Array(n).keys()];
  for (let parts = 2; ; parts *= 2) {
    const size = Math.ceil(n / parts);
    for (let s = 0; s < n; s += size) {
      const keep = all.filter((i) => i < s || i >= s + size);
      if (keep.length >= min && keep.length < n) yield keep;
    }
    if (size === 1) break;
  }
}

type ListField = { field: string; min: number };

const LIST_FIELDS: Record<string, ListField[]> = {
  project: [{ field: 'expressions', min: 1 }],
  aggregate: [
    { field: 'aggregateExpressions', min: 0 },
    { field: 'groupingExpressions', min: 0 },
  ],
  sort: [{ field: 'order', min: 1 }],
  withColumns: [{ field: 'aliases', min: 1 }],
  drop: [
    { field: 'columnNames', min: 0 },
    { field: 'columns', min: 0 },
  ],
  deduplicate: [{ field: 'columnNames', min: 0 }],
};

function* listReductions(root: Relation, path: RelPath, rel: Relation): Generator<Relation> {
  const t = rel.relType;
  const body = t.value as unknown as Record<string, unknown>;
  for (const { field, min } of LIST_FIELDS[t.case ?? ''] ?? []) {
    const list = body[field] as unknown[] | undefined;
    if (!Array.isArray(list)) continue;
    for (const keep of ddminKeeps(list.length, min)) {
      const copy = clone(RelationSchema, rel);
      const cb = copy.relType.value as unknown as Record<string, unknown[]>;
      cb[field] = keep.map((i) => (cb[field] as unknown[])[i]);
      // An aggregate with nothing left to compute is not a plan anyone wrote.
      if (t.case === 'aggregate' && (cb.aggregateExpressions?.length ?? 0) + (cb.groupingExpressions?.length ?? 0) === 0) continue;
      yield replaceAt(root, path, copy);
    }
  }
  if (t.case === 'filter' && t.value.condition) {
    const conj = conjuncts(t.value.condition);
    for (const keep of ddminKeeps(conj.length, 1)) {
      const copy = clone(RelationSchema, rel);
      (copy.relType.value as typeof t.value).condition = andAll(keep.map((i) => conj[i] as Expression));
      yield replaceAt(root, path, copy);
    }
  }
}

function isAnd(e: Expression): boolean {
  const t = e.exprType;
  return (t.case === 'unresolvedFunction' || t.case === 'callFunction') && t.value.functionName.toLowerCase() === 'and' && t.value.arguments.length === 2;
}

export function conjuncts(e: Expression): Expression[] {
  if (!isAnd(e)) return [e];
  const args = (e.exprType.value as { arguments: Expression[] }).arguments;
  return [...conjuncts(args[0] as Expression), ...conjuncts(args[1] as Expression)];
}

function andAll(es: Expression[]): Expression {
  return es.reduce((a, b) =>
    create(ExpressionSchema, { exprType: { case: 'unresolvedFunction', value: { functionName: 'and', arguments: [a, b] } } }),
  );
}

// ---------------------------------------------------------------- SQL text

const CLAUSE_STARTS = new Set(['FROM', 'WHERE', 'GROUP', 'HAVING', 'ORDER', 'LIMIT', 'WINDOW', 'QUALIFY', 'OFFSET']);

/** Smaller versions of a single-SELECT query's text (outer query only). */
export function sqlReductions(query: string): string[] {
  const sql = query.replace(/;\s*$/, '');
  const toks = sqlTokens(sql).filter((t) => t.depth === 0);
  const words = toks.map((t) => t.text);
  if (words.includes('UNION') || words.includes('INTERSECT') || words.includes('EXCEPT')) return [];
  const sel = toks.findIndex((t) => t.text === 'SELECT');
  if (sel < 0) return [];
  const clauseAt = (name: string) => toks.findIndex((t, i) => i > sel && t.text === name);
  const nextClause = (from: number) => {
    const j = toks.findIndex((t, i) => i > from && CLAUSE_STARTS.has(t.text));
    return j < 0 ? sql.length : (toks[j] as SqlToken).start;
  };
  const out: string[] = [];
  const cut = (a: number, b: number) => `${sql.slice(0, a)}${sql.slice(b)}`.replace(/\s+$/, '');
  // Whole clauses.
  for (const name of ['ORDER', 'LIMIT', 'HAVING']) {
    const i = clauseAt(name);
    if (i >= 0) out.push(cut((toks[i] as SqlToken).start, nextClause(i)));
  }
  // Select items (between SELECT [DISTINCT] and FROM).
  const fromI = clauseAt('FROM');
  if (fromI > sel) {
    let a = (toks[sel] as SqlToken).end;
    if (toks[sel + 1]?.text === 'DISTINCT') a = (toks[sel + 1] as SqlToken).end;
    const b = (toks[fromI] as SqlToken).start;
    const items = splitAt(sql, a, b, toks.filter((t) => t.text === ',' && t.start > a && t.start < b).map((t) => t.start));
    for (const keep of ddminKeeps(items.length, 1)) {
      out.push(`${sql.slice(0, a)} ${keep.map((k) => (items[k] as string).trim()).join(', ')} ${sql.slice(b)}`);
    }
  }
  // WHERE conjuncts (AND at depth 0, not the AND of BETWEEN ... AND ...).
  const whereI = clauseAt('WHERE');
  if (whereI >= 0) {
    const a = (toks[whereI] as SqlToken).end;
    const b = nextClause(whereI);
    const ands: number[] = [];
    let between = false;
    for (const t of toks) {
      if (t.start <= a || t.start >= b) continue;
      if (t.text === 'BETWEEN') between = true;
      else if (t.text === 'AND') {
        if (between) between = false;
        else ands.push(t.start);
      }
    }
    const parts: string[] = [];
    let s = a;
    for (const p of ands) {
      parts.push(sql.slice(s, p));
      s = p + 3;
    }
    parts.push(sql.slice(s, b));
    out.push(cut((toks[whereI] as SqlToken).start, b));
    for (const keep of ddminKeeps(parts.length, 1)) {
      out.push(`${sql.slice(0, a)} ${keep.map((k) => (parts[k] as string).trim()).join(' AND ')} ${sql.slice(b)}`.replace(/\s+$/, ''));
    }
  }
  return out.filter((q) => q.trim() !== sql.trim());
}

function splitAt(sql: string, a: number, b: number, commas: number[]): string[] {
  const out: string[] = [];
  let s = a;
  for (const c of commas) {
    out.push(sql.slice(s, c));
    s = c + 1;
  }
  out.push(sql.slice(s, b));
  return out;
}
