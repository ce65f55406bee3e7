import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { Float64, Int32, Table, tableFromIPC, tableToIPC, Utf8, vectorFromArray } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { ExecutePlanRequestSchema, type ExecutePlanResponse, ExecutePlanResponseSchema, type Plan, PlanSchema } from '../protocol/index.js';
import type { CaptureInput } from '../store/index.js';
import { PlanCapture } from './capture.js';
import { compareResults, latencyVerdict, resultDigest, resultSetOf } from './compare.js';
import { sqlPlan } from './catalogue.js';
import { topIsSort } from './plan-tree.js';
import { redactPlan, redactSqlText } from './redact.js';
import { junitXml, markdownSummary } from './report.js';
import type { CanaryReport } from './runner.js';
import { decodeSetupLog, encodeSetupLog } from './setup-log.js';
import type { CapturedRun, SetupStep } from './types.js';

function batch(t: Table): ExecutePlanResponse {
  return create(ExecutePlanResponseSchema, { responseType: { case: 'arrowBatch', value: { rowCount: BigInt(t.numRows), data: tableToIPC(t, 'stream') } } });
}
const table = (k: number[], v: number[]) => new Table({ k: vectorFromArray(k, new Int32()), v: vectorFromArray(v, new Float64()) });

describe('setup log', () => {
  it('round-trips every kind of step', () => {
    const steps: SetupStep[] = [
      { method: 'Config', raw: new Uint8Array([1, 2, 3]) },
      { method: 'ExecutePlan', raw: new Uint8Array([]) },
      { method: 'AddArtifacts', raw: [new Uint8Array([9]), new Uint8Array([8, 7])] },
    ];
    expect(decodeSetupLog(encodeSetupLog(steps))).toEqual(steps);
    expect(decodeSetupLog(encodeSetupLog([]))).toEqual([]);
  });
});

describe('result comparison', () => {
  it('ignores row order unless the plan is sorted, and tolerates float noise', () => {
    const a = resultSetOf([batch(table([1, 2, 3], [0.1 + 0.2, 2, 3]))]);
    // Two batches, other order, float noise in the last digits.
    const b = resultSetOf([batch(table([3, 1], [3, 0.3])), batch(table([2], [2]))]);
    expect(compareResults(a, b, false)).toBeUndefined();
    expect(resultDigest(a, false)).toBe(resultDigest(b, false));
    expect(compareResults(a, b, true)).toMatch(/^row 0, column k: 1 vs 3/);
    expect(resultDigest(a, true)).not.toBe(resultDigest(b, true));
  });

  it('reports schema, row count and value differences', () => {
    const a = resultSetOf([batch(table([1], [1]))]);
    expect(compareResults(a, resultSetOf([batch(table([1, 2], [1, 2]))]), false)).toMatch(/row count/);
    expect(compareResults(a, resultSetOf([batch(table([1], [1.001]))]), false)).toMatch(/column v: 1 vs 1.001/);
    const other = resultSetOf([batch(new Table({ k: vectorFromArray(['1'], new Utf8()), v: vectorFromArray([1], new Float64()) }))]);
    expect(compareResults(a, other, false)).toMatch(/schema differs/);
  });

  it('knows when the top of a plan is a sort', () => {
    expect(topIsSort(sqlPlan('select a from t order by a').opType.value as never)).toBe(true);
    expect(topIsSort(sqlPlan('select a from (select a from t order by a) x').opType.value as never)).toBe(false);
  });
});

describe('latency verdict', () => {
  it('needs a consistent slowdown, not one outlier', () => {
    expect(latencyVerdict([100, 102, 101], [100, 400, 103]).regression).toBe(false);
    expect(latencyVerdict([100, 102, 101], [250, 260, 255]).regression).toBe(true);
    expect(latencyVerdict([2, 3, 2], [9, 9, 9]).regression).toBe(false); // below the absolute floor
  });
});

describe('redaction', () => {
  it('replaces literal values in plans and SQL text, keeping their types', () => {
    expect(redactSqlText("select * from t where name = 'alice' and id = 42")).toBe("select * from t where name = '***' and id = 0");
    const plan = create(PlanSchema, {
      opType: {
        case: 'root',
        value: {
          relType: {
            case: 'filter',
            value: {
              input: { relType: { case: 'localRelation', value: { data: tableToIPC(table([1, 2], [3, 4]), 'stream') } } },
              condition: { exprType: { case: 'literal', value: { literalType: { case: 'string', value: 'secret' } } } },
            },
          },
        },
      },
    });
    const r = redactPlan(plan);
    const f = r.opType.value as { relType: { value: { condition: { exprType: { value: { literalType: { case: string; value: string } } } }; input: { relType: { value: { data: Uint8Array } } } } } };
    expect(f.relType.value.condition.exprType.value.literalType).toEqual({ case: 'string', value: '***' });
    const local = tableFromIPC(f.relType.value.input.relType.value.data);
    expect(local.numRows).toBe(0);
    expect(local.schema.fields.map((x) => x.name)).toEqual(['k', 'v']);
  });
});

function run(workload: string, query: string, extra: Partial<CapturedRun> = {}): CapturedRun {
  const plan: Plan = sqlPlan(query);
  const request = create(ExecutePlanRequestSchema, { sessionId: '00000000-0000-4000-8000-000000000001', plan });
  return {
    session: { tenant: 'default', workload },
    request,
    raw: toBinary(ExecutePlanRequestSchema, request),
    version: '1.0',
    durationMs: 3,
    setup: [{ method: 'Config', raw: new Uint8Array([1]) }],
    sessionState: false,
    responses: undefined,
    ...extra,
  };
}

describe('plan capture', () => {
  it('dedupes by fingerprint, bounds each workload, skips session-state plans, redacts when asked', async () => {
    const stored: CaptureInput[] = [];
    const cap = new PlanCapture({
      sink: async (i) => {
        stored.push(i);
        return true;
      },
      maxPlansPerWorkload: 2,
      redactWorkloads: new Set(['secret']),
    });
    cap.onExecution(run('a', 'select 1'));
    cap.onExecution(run('a', 'select 2')); // same fingerprint (literals stripped)
    cap.onExecution(run('a', "select 'x'"));
    cap.onExecution(run('a', 'select 1 from range(3)')); // over the bound
    cap.onExecution(run('a', 'create temp view v as select 1', { sessionState: true }));
    cap.onExecution(run('secret', "select * from t where name = 'alice'"));
    await cap.flush();
    expect(stored.map((s) => s.workload)).toEqual(['a', 'a', 'secret']);
    expect(decodeSetupLog(stored[0]?.setup as Uint8Array)).toHaveLength(1);
    const secret = stored[2] as CaptureInput;
    expect(secret.redacted).toBe(true);
    expect(secret.sqlText).toBeNull();
    const req = fromBinary(ExecutePlanRequestSchema, secret.request);
    expect(JSON.stringify(req.plan?.opType.value)).toContain("name = '***'");
  });
});

describe('reports', () => {
  const fail = { ok: false, error: { errorClass: 'CAST_INVALID_INPUT', message: 'bad <cast> & "quote"', code: 3 }, ms: 1 };
  const ok = { ok: true, result: { columns: [], rows: [] }, ms: 1 };
  const plan = { name: 'q<1>', source: 'tpch' as const, tenant: 'default', workload: 'catalogue:tpch', fingerprint: 'f', plan: undefined, setup: [], hasWrite: false, ordered: false };
  const report: CanaryReport = {
    baseline: '1.0',
    candidate: '2.0',
    sources: ['tpch'],
    startedAt: new Date('2026-01-01T00:00:00Z'),
    seconds: 1.5,
    passed: 1,
    regressions: 1,
    skipped: 1,
    outcomes: [
      { plan, verdict: 'regression', kind: 'error', detail: 'CAST_INVALID_INPUT: bad <cast> & "quote"', baseline: ok, candidate: fail, baselineMs: [], candidateMs: [], seconds: 0.5 },
      { plan: { ...plan, name: 'q2' }, verdict: 'pass', detail: 'ok', baseline: ok, candidate: ok, baselineMs: [1], candidateMs: [1], seconds: 0.5 },
      { plan: { ...plan, name: 'q3' }, verdict: 'skipped', detail: 'setup \u0001 fails', baseline: ok, candidate: ok, baselineMs: [], candidateMs: [], seconds: 0.5 },
    ],
  };

  it('writes JUnit XML with one escaped testcase per plan', () => {
    const x = junitXml(report);
    expect(x.match(/<testcase /g)).toHaveLength(3);
    expect(x).toContain('name="q&lt;1&gt;"');
    expect(x).toContain('bad &lt;cast&gt; &amp; &quot;quote&quot;');
    expect(x).not.toContain('\u0001');
    expect(x).toContain('<skipped message=');
    expect(x).toMatch(/<testsuites [^>]*tests="3" failures="1"/);
  });

  it('summarizes in Markdown', () => {
    const m = markdownSummary(report);
    expect(m).toContain('❌ **1 regression**');
    expect(m).toContain('| `q<1>` | catalogue:tpch | error | ok, 0 rows | `CAST_INVALID_INPUT` |');
  });
});
