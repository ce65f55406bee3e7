/**
 * Walking a Spark Connect relation tree generically: which fields hold child relations, how many
 * operators a plan has, whether its top is a sort (row order then matters), and path-based edits.
 */
import { clone } from '@bufbuild/protobuf';
import { type Expression, type Plan, type Relation, RelationSchema } from '../protocol/index.js';

/** Fields of a relation body that hold a child relation (single) or several (array). */
const CHILD_FIELDS = ['input', 'left', 'right', 'leftInput', 'rightInput', 'root'] as const;
const CHILD_LIST_FIELDS = ['references'] as const;

export type RelPath = (string | number)[];

export interface RelChild {
  /** Path from the parent's body: ['input'] or ['references', 2]. */
  field: RelPath;
  rel: Relation;
}

type Body = Record<string, unknown>;

function body(r: Relation): Body | undefined {
  const v = r.relType.value as unknown;
  return typeof v === 'object' && v !== null ? (v as Body) : undefined;
}

export function relationChildren(r: Relation): RelChild[] {
  const b = body(r);
  if (!b) return [];
  const out: RelChild[] = [];
  for (const f of CHILD_FIELDS) {
    const c = b[f];
    if (isRelation(c)) out.push({ field: [f], rel: c });
  }
  for (const f of CHILD_LIST_FIELDS) {
    const list = b[f];
    if (!Array.isArray(list)) continue;
    for (const [i, c] of list.entries()) if (isRelation(c)) out.push({ field: [f, i], rel: c });
  }
  return out;
}

function isRelation(x: unknown): x is Relation {
  return typeof x === 'object' && x !== null && (x as { $typeName?: string }).$typeName === 'spark.connect.Relation';
}

/** Every relation node, pre-order, with its path from the root (alternating body field paths). */
export function walkRelations(root: Relation): { path: RelPath; rel: Relation }[] {
  const out: { path: RelPath; rel: Relation }[] = [];
  const visit = (rel: Relation, path: RelPath) => {
    out.push({ path, rel });
    for (const c of relationChildren(rel)) visit(c.rel, [...path, ...c.field]);
  };
  visit(root, []);
  return out;
}

/** Operators in a relation tree (every relation node counts once). */
export function countOperators(root: Relation | undefined): number {
  return root ? walkRelations(root).length : 0;
}

export function relationAt(root: Relation, path: RelPath): Relation | undefined {
  let cur: unknown = root;
  for (const step of path) {
    if (typeof step === 'number') cur = (cur as unknown[])[step];
    else cur = body(cur as Relation)?.[step];
    if (cur === undefined) return undefined;
  }
  return cur as Relation;
}

/** A deep copy of `root` with the node at `path` replaced by `replacement`. */
export function replaceAt(root: Relation, path: RelPath, replacement: Relation): Relation {
  if (path.length === 0) return clone(RelationSchema, replacement);
  const copy = clone(RelationSchema, root);
  let cur: unknown = copy;
  for (let i = 0; i < path.length - 1; i++) {
    const step = path[i] as string | number;
    cur = typeof step === 'number' ? (cur as unknown[])[step] : body(cur as Relation)?.[step];
  }
  const last = path[path.length - 1] as string | number;
  if (typeof last === 'number') (cur as unknown[])[last] = clone(RelationSchema, replacement);
  else (body(cur as Relation) as Body)[last] = clone(RelationSchema, replacement);
  return copy;
}

/** The relation a plan queries: its root, or the input of a SQL command / write. */
export function planRelation(plan: Plan | undefined): Relation | undefined {
  const op = plan?.opType;
  if (op?.case === 'root') return op.value;
  if (op?.case === 'command') {
    const c = op.value.commandType;
    if (c.case === 'sqlCommand' || c.case === 'writeOperation' || c.case === 'writeOperationV2' || c.case === 'createDataframeView') {
      return c.value.input;
    }
  }
  return undefined;
}

/**
 * Whether the result's row order is part of its meaning: the top operator (under projections,
 * aliases and limits) is a sort, or the top-level SQL query ends in ORDER BY.
 */
export function topIsSort(rel: Relation | undefined): boolean {
  let cur = rel;
  for (let guard = 0; cur && guard < 1000; guard++) {
    const t = cur.relType;
    switch (t.case) {
      case 'sort':
        return t.value.isGlobal !== false;
      case 'sql':
        return sqlHasTopLevelOrderBy(t.value.query);
      case 'project':
      case 'limit':
      case 'offset':
      case 'tail':
      case 'subqueryAlias':
      case 'toDf':
      case 'withColumnsRenamed':
      case 'withColumns':
      case 'drop':
      case 'hint':
      case 'showString':
        cur = t.value.input;
        continue;
      default:
        return false;
    }
  }
  return false;
}

/** ORDER BY at nesting depth 0 (not inside parentheses, quotes or comments). */
export function sqlHasTopLevelOrderBy(sql: string): boolean {
  const toks = sqlTopLevelWords(sql);
  for (let i = 0; i + 1 < toks.length; i++) if (toks[i] === 'ORDER' && toks[i + 1] === 'BY') return true;
  return false;
}

/** Upper-cased bare words of a SQL text that sit at parenthesis depth 0. */
function sqlTopLevelWords(sql: string): string[] {
  return sqlTokens(sql)
    .filter((tok) => tok.depth === 0 && tok.text !== ',' && tok.text !== ';')
    .map((tok) => tok.text);
}

/** A word (upper-cased) or separator of SQL text, with its parenthesis depth. */
export interface SqlToken {
  text: string;
  start: number;
  end: number;
  depth: number;
}

/** Words and separators of SQL text, skipping comments and quoted text. */
export function sqlTokens(sql: string): SqlToken[] {
  const out: SqlToken[] = [];
  let depth = 0;
  let i = 0;
  while (i < sql.length) {
    const c = sql[i] as string;
    if (c === '-' && sql[i + 1] === '-') {
      while (i < sql.length && sql[i] !== '\n') i++;
    } else if (c === '/' && sql[i + 1] === '*') {
      const e = sql.indexOf('*/', i + 2);
      i = e < 0 ? sql.length : e + 2;
    } else if (c === "'" || c === '"' || c === '`') {
      i = skipQuoted(sql, i);
    } else if (c === '(') {
      depth++;
      i++;
    } else if (c === ')') {
      depth--;
      i++;
    } else if (c === ',' || c === ';') {
      out.push({ text: c, start: i, end: i + 1, depth });
      i++;
    } else if (/[A-Za-z_]/.test(c)) {
      let j = i;
      while (j < sql.length && /[A-Za-z0-9_]/.test(sql[j] as string)) j++;
      out.push({ text: sql.slice(i, j).toUpperCase(), start: i, end: j, depth });
      i = j;
    } else i++;
  }
  return out;
}

export function skipQuoted(sql: string, i: number): number {
  const q = sql[i];
  let j = i + 1;
  while (j < sql.length) {
    if (sql[j] === '\\' && q !== '`') j += 2;
    else if (sql[j] === q) {
      if (sql[j + 1] === q) j += 2;
      else return j + 1;
    } else j++;
  }
  return j;
}

/** Every expression node under `e` (pre-order), for searches such as "does it still call f?". */
export function walkExpressions(e: Expression | undefined, out: Expression[] = []): Expression[] {
  if (!e) return out;
  out.push(e);
  const visit = (x: unknown) => {
    if (Array.isArray(x)) for (const y of x) visit(y);
    else if (typeof x === 'object' && x !== null) {
      const tn = (x as { $typeName?: string }).$typeName;
      if (tn === 'spark.connect.Expression') walkExpressions(x as Expression, out);
      else if (tn !== 'spark.connect.Relation') for (const v of Object.values(x)) visit(v);
    }
  };
  visit(e.exprType.value);
  return out;
}
