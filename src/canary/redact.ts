/**
 * Literal redaction for workloads whose captured plans must not keep values (PII in filters, local
 * data). Every literal keeps its type and loses its value; SQL text keeps its shape with string and
 * numeric literals replaced; local relations keep their schema and lose their rows; uploaded
 * artifacts (cached local data) are dropped from the setup log.
 *
 * A redacted plan usually no longer means what the workload ran (a filter on a redacted value
 * matches nothing, a LIMIT becomes 0, a dropped artifact is missing): canaries still replay it, and a
 * plan that fails the same way on both versions is reported as skipped, not as a pass.
 */
import { clone, fromBinary, toBinary } from '@bufbuild/protobuf';
import { tableFromIPC, tableToIPC } from 'apache-arrow';
import type { SetupStep } from './types.js';
import { ExecutePlanRequestSchema, type Plan, PlanSchema } from '../protocol/index.js';

export function redactSqlText(sql: string): string {
  return sql
    .replace(/'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"/g, "'***'")
    .replace(/(?<![\w`.])[-+]?\d+(?:\.\d*)?(?:[eE][-+]?\d+)?(?:BD|[LSYDF])?(?![\w`])/gi, '0');
}

type Msg = { $typeName?: string } & Record<string, unknown>;

function redactLiteral(lit: Msg): void {
  const lt = lit.literalType as { case?: string; value?: unknown } | undefined;
  if (!lt?.case || lt.case === 'null') return;
  const v = lt.value;
  let out: unknown = v;
  if (typeof v === 'string') out = '***';
  else if (typeof v === 'number') out = 0;
  else if (typeof v === 'bigint') out = 0n;
  else if (typeof v === 'boolean') out = false;
  else if (v instanceof Uint8Array) out = new Uint8Array();
  else if (typeof v === 'object' && v !== null) {
    walk(v);
    return;
  }
  lit.literalType = { case: lt.case, value: out };
}

function walk(x: unknown): void {
  if (Array.isArray(x)) {
    for (const y of x) walk(y);
    return;
  }
  if (typeof x !== 'object' || x === null || x instanceof Uint8Array) return;
  const m = x as Msg;
  switch (m.$typeName) {
    case 'spark.connect.Expression.Literal':
      redactLiteral(m);
      return;
    case 'spark.connect.Expression.Literal.Decimal':
      m.value = '0';
      return;
    case 'spark.connect.SQL':
      m.query = redactSqlText(String(m.query ?? ''));
      break;
    case 'spark.connect.SqlCommand':
      if (m.sql) m.sql = redactSqlText(String(m.sql));
      break;
    case 'spark.connect.ExpressionString':
      m.expression = redactSqlText(String(m.expression ?? ''));
      return;
    case 'spark.connect.LocalRelation': {
      const data = m.data as Uint8Array | undefined;
      if (data?.byteLength) {
        try {
          m.data = tableToIPC(tableFromIPC(data).slice(0, 0), 'stream');
        } catch {
          m.data = undefined;
        }
      }
      return;
    }
  }
  for (const [k, v] of Object.entries(m)) if (k !== '$typeName') walk(v);
}

export function redactPlan(plan: Plan): Plan {
  const copy = clone(PlanSchema, plan);
  walk(copy);
  return copy;
}

export function redactSetup(steps: readonly SetupStep[]): SetupStep[] {
  const out: SetupStep[] = [];
  for (const s of steps) {
    if (s.method === 'AddArtifacts') continue;
    if (s.method === 'ExecutePlan') {
      const req = fromBinary(ExecutePlanRequestSchema, s.raw);
      if (req.plan) req.plan = redactPlan(req.plan);
      out.push({ method: 'ExecutePlan', raw: toBinary(ExecutePlanRequestSchema, req) });
    } else out.push(s);
  }
  return out;
}
