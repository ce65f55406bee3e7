/**
 * Query fingerprint: a stable hash of a Spark Connect plan with plan ids and literal values stripped
 * and names kept, so the same query of a daily job is recognised across sessions, runs and versions.
 *
 * Normalization (documented in docs/ARCHITECTURE.md):
 * - `common.planId` / attribute `planId` → removed (clients number plans per process);
 * - every literal → its type only (`lit(5)` and `lit(7)` match; `lit(5)` and `lit('5')` do not);
 * - SQL text → string and numeric literals replaced by `?`, whitespace collapsed;
 * - SQL named/positional arguments → their types only;
 * - object keys sorted, so field order never matters.
 */
import { createHash } from 'node:crypto';
import { toJson } from '@bufbuild/protobuf';
import { type Plan, PlanSchema } from '../protocol/index.js';

export function planFingerprint(plan: Plan | undefined): string {
  if (!plan) return 'empty';
  const json = toJson(PlanSchema, plan) as unknown;
  return createHash('sha256').update(stableStringify(normalize(json, undefined))).digest('hex').slice(0, 16);
}

/** Normalized SQL text: literals become `?`. Exposed for the regression report. */
export function normalizeSqlText(sql: string): string {
  return sql
    .replace(/'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"/g, '?')
    .replace(/(?<![\w`])[-+]?\d+(?:\.\d*)?(?:[eE][-+]?\d+)?(?:BD|[LSYDF])?(?![\w`])/gi, '?')
    .replace(/\s+/g, ' ')
    .trim();
}

function normalize(v: unknown, parentKey: string | undefined): unknown {
  if (Array.isArray(v)) return v.map((x) => normalize(x, parentKey));
  if (v === null || typeof v !== 'object') return v;
  const o = v as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(o)) {
    if (k === 'planId' || k === 'origin' || k === 'sourceInfo') continue;
    if (k === 'literal' || parentKey === 'args' || k === 'posArgs') {
      out[k] = literalShape(x);
      continue;
    }
    if (k === 'query' && typeof x === 'string') {
      out[k] = normalizeSqlText(x);
      continue;
    }
    out[k] = normalize(x, k);
  }
  return out;
}

/** A literal's type without its value: `{integer: 5}` → `{integer: true}`. */
function literalShape(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(literalShape);
  if (x === null || typeof x !== 'object') return true;
  const o = x as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    if (k === 'null' || k === 'dataType') out[k] = v;
    else out[k] = typeof v === 'object' && v !== null ? literalShape(v) : true;
  }
  return out;
}

function stableStringify(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableStringify).join(',')}]`;
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${stableStringify(o[k])}`)
    .join(',')}}`;
}

/** SQL text of a plan when it is (or wraps) a SQL query; for the regression report. */
export function planSqlText(plan: Plan | undefined): string | undefined {
  const op = plan?.opType;
  if (op?.case === 'root' && op.value.relType.case === 'sql') return op.value.relType.value.query;
  if (op?.case === 'command' && op.value.commandType.case === 'sqlCommand') {
    const c = op.value.commandType.value;
    if (c.input?.relType.case === 'sql') return c.input.relType.value.query;
    return c.sql || undefined;
  }
  return undefined;
}
