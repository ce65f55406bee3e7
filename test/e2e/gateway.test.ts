/**
 * The gateway end to end, over a real platform (Postgres, Redis, one driver process per runtime) and
 * the real protocol: workload identity, version routing, bad input, large messages, reattach.
 */
import { randomUUID } from 'node:crypto';
import { create } from '@bufbuild/protobuf';
import { status as Status } from '@grpc/grpc-js';
import { Int32, Table, tableToIPC, Utf8, vectorFromArray } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SparkConnectClient } from '../../src/client/index.js';
import {
  type ExecutePlanResponse,
  ExecutePlanRequestSchema,
  ReattachExecuteRequestSchema,
  ReleaseExecuteRequestSchema,
} from '../../src/protocol/index.js';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';
import { errorOf, garbageCall, rawClient, received, stream, unary } from './raw-calls.js';

let p: TestPlatform;
const clients: SparkConnectClient[] = [];

function client(params: Record<string, string> = {}, opts: { sessionId?: string } = {}): SparkConnectClient {
  const c = new SparkConnectClient(p.url(params), opts);
  clients.push(c);
  return c;
}

function value(res: { table: { getChild(n: string): { get(i: number): unknown } | null } }, col: string, row = 0): unknown {
  return res.table.getChild(col)?.get(row);
}

const unique = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

async function sessionRecord(sessionId: string) {
  return vi.waitFor(
    async () => {
      const r = await p.repos.sessions.get(sessionId);
      if (!r) throw new Error(`session ${sessionId} not recorded yet`);
      return r;
    },
    { timeout: 10_000, interval: 50 },
  );
}

beforeAll(async () => {
  p = await startTestPlatform();
});

afterAll(async () => {
  for (const c of clients) await c.close().catch(() => undefined);
  await p?.stop();
});

describe('workload identity', () => {
  it('records the `workload` connection parameter in the sessions table', async () => {
    const c = client({ workload: 'nightly-etl', user_id: 'alice' });
    const res = await c.sql('select 1 as a');
    expect(value(res, 'a')).toBe(1);
    const rec = await sessionRecord(c.sessionId);
    expect(rec).toMatchObject({
      sessionId: c.sessionId,
      tenant: 'default',
      workload: 'nightly-etl',
      runtimeVersion: '1.0',
      userId: 'alice',
      clientType: 'perennial-ts',
      endedAt: null,
    });
  });

  it('falls back to spark.app.name, then to the user id', async () => {
    // What pyspark's `builder.appName(...)` sends as a session's first request: a silent Config set.
    const app = client({ user_id: 'bob' });
    await app.config({
      opType: { case: 'set', value: { pairs: [{ key: 'spark.app.name', value: 'billing-report' }], silent: true } },
    });
    await app.sql('select 1 as a');
    expect((await sessionRecord(app.sessionId)).workload).toBe('billing-report');

    const user = client({ user_id: 'carol' });
    await user.sql('select 1 as a');
    expect((await sessionRecord(user.sessionId)).workload).toBe('carol');
  });

  it('records the end of a released session', async () => {
    const c = new SparkConnectClient(p.url({ workload: 'short-lived' }));
    await c.sql('select 1 as a');
    await sessionRecord(c.sessionId);
    await c.close();
    await vi.waitFor(async () => expect((await p.repos.sessions.get(c.sessionId))?.endedAt).toBeInstanceOf(Date), {
      timeout: 10_000,
    });
  });
});

describe('version routing', () => {
  it('runs the same query with different semantics on a workload pinned to 2.0', async () => {
    const ansiWorkload = unique('w-ansi');
    await p.repos.pins.add({ tenant: 'default', workload: ansiWorkload, version: '2.0', reason: 'manual', actor: 'test' });
    await p.refreshRouting();
    const ansi = client({ workload: ansiWorkload });
    const legacy = client({ workload: unique('w-legacy') });

    const version = async (c: SparkConnectClient) => {
      const r = await c.analyze({ case: 'sparkVersion', value: {} });
      return r.result.case === 'sparkVersion' ? r.result.value.version : undefined;
    };
    expect(await version(legacy)).toBe('3.5.3');
    expect(await version(ansi)).toBe('4.0.1');

    // Division by zero: NULL on 1.0, DIVIDE_BY_ZERO on 2.0.
    expect(value(await legacy.sql('select 1/0 as x'), 'x')).toBeNull();
    const div = await errorOf(ansi.sql('select 1/0 as x'));
    expect(div.errorClass).toBe('DIVIDE_BY_ZERO');
    expect(div.sqlState).toBe('22012');
    expect(div.classes).toContain('java.lang.ArithmeticException');

    // Invalid cast: NULL on 1.0, CAST_INVALID_INPUT on 2.0.
    expect(value(await legacy.sql("select cast('abc' as int) as x"), 'x')).toBeNull();
    const cast = await errorOf(ansi.sql("select cast('abc' as int) as x"));
    expect(cast.errorClass).toBe('CAST_INVALID_INPUT');
    expect(cast.classes).toContain('java.lang.NumberFormatException');

    // size(NULL): -1 on 1.0, NULL on 2.0.
    expect(value(await legacy.sql('select size(cast(null as array<int>)) as s'), 's')).toBe(-1);
    expect(value(await ansi.sql('select size(cast(null as array<int>)) as s'), 's')).toBeNull();

    expect((await sessionRecord(ansi.sessionId)).runtimeVersion).toBe('2.0');
    expect((await sessionRecord(legacy.sessionId)).runtimeVersion).toBe('1.0');
  });

  it('moves an open session to a newly pinned version, with its temp views', async () => {
    const workload = unique('w-move');
    const c = client({ workload });
    await c.sql('create or replace temp view moved_view as select 7 as n');
    // A query whose answer differs between versions without failing (a failure on the new version
    // would be answered from the last good one by the blink-twice policy).
    const sizeOfNull = 'select size(cast(null as array<int>)) as s';
    expect(value(await c.sql(sizeOfNull), 's')).toBe(-1);

    await p.repos.pins.add({ tenant: 'default', workload, version: '2.0', reason: 'manual', actor: 'test' });
    await p.refreshRouting();
    expect(value(await c.sql(sizeOfNull), 's')).toBeNull();
    const r = await c.analyze({ case: 'sparkVersion', value: {} });
    expect(r.result.case === 'sparkVersion' ? r.result.value.version : undefined).toBe('4.0.1');
    expect(value(await c.sql('select n from moved_view'), 'n')).toBe(7);
  });
});

describe('bad input', () => {
  let pidsBefore: (number | undefined)[];

  beforeAll(() => {
    pidsBefore = p.pool.all().map((d) => d.pid);
  });

  it('malformed protobuf bytes get a clean status, not a crash', async () => {
    // Field 1 (session_id) claims a length far beyond the message.
    const bytes = new Uint8Array([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01, 0x02]);
    const exec = await garbageCall(p.gatewayPort, 'ExecutePlan', bytes, 'server-stream');
    expect([Status.INTERNAL, Status.INVALID_ARGUMENT]).toContain(exec.code);
    const conf = await garbageCall(p.gatewayPort, 'Config', bytes, 'unary');
    expect([Status.INTERNAL, Status.INVALID_ARGUMENT]).toContain(conf.code);
    // A wire type that does not exist (7).
    const bad = await garbageCall(p.gatewayPort, 'ExecutePlan', new Uint8Array([0x0f, 0x00]), 'server-stream');
    expect([Status.INTERNAL, Status.INVALID_ARGUMENT]).toContain(bad.code);
  });

  it('a relation with no type set is rejected as an invalid plan', async () => {
    const e = await errorOf(client().collect({}));
    expect(e.code).toBe(Status.INVALID_ARGUMENT);
    expect(e.errorClass).toBe('INVALID_PLAN_INPUT');
    expect(e.classes?.[0]).toBe('org.apache.spark.sql.connect.common.InvalidPlanInput');

    const noPlan = await errorOf(client().executePlan({}));
    expect(noPlan.errorClass).toBe('INVALID_PLAN_INPUT');
  });

  it('invalid SQL is a PARSE_SYNTAX_ERROR', async () => {
    const e = await errorOf(client().sql('selec 1'));
    expect(e.code).toBe(Status.INVALID_ARGUMENT);
    expect(e.errorClass).toBe('PARSE_SYNTAX_ERROR');
    expect(e.sqlState).toBe('42601');
    expect(e.classes?.[0]).toBe('org.apache.spark.sql.catalyst.parser.ParseException');
    expect(e.message).toMatch(/^\[PARSE_SYNTAX_ERROR\]/);
  });

  it('a session id that is not a UUID is INVALID_HANDLE.FORMAT', async () => {
    const e = await errorOf(client({}, { sessionId: 'not-a-uuid' }).sql('select 1'));
    expect(e.code).toBe(Status.INTERNAL);
    expect(e.errorClass).toBe('INVALID_HANDLE.FORMAT');
    expect(e.message).toContain('INVALID_HANDLE.FORMAT');
  });

  it('ReattachExecute of an unknown operation is INVALID_HANDLE.OPERATION_NOT_FOUND', async () => {
    const raw = rawClient(p.gatewayPort);
    try {
      const req = create(ReattachExecuteRequestSchema, {
        sessionId: randomUUID(),
        userContext: { userId: 'test' },
        operationId: randomUUID(),
      });
      const out = await stream(raw, 'ReattachExecute', req);
      const e = received(out.error);
      expect(e.code).toBe(Status.INTERNAL);
      expect(e.message).toContain('INVALID_HANDLE.OPERATION_NOT_FOUND');
      expect(out.responses).toEqual([]);
    } finally {
      raw.close();
    }
  });

  it('accepts a LocalRelation above the 4 MiB gRPC default', async () => {
    const n = 60_000;
    const strings = Array.from({ length: n }, (_, i) => `${String(i).padStart(8, '0')}-${'x'.repeat(91)}`);
    const ints = Array.from({ length: n }, (_, i) => i);
    const ipc = tableToIPC(
      new Table({ i: vectorFromArray(ints, new Int32()), s: vectorFromArray(strings, new Utf8()) }),
      'stream',
    );
    expect(ipc.byteLength).toBeGreaterThan(5 * 1024 * 1024);
    const res = await client().collect({ relType: { case: 'localRelation', value: { data: ipc } } });
    expect(res.table.numRows).toBe(n);
    expect(res.table.getChild('s')?.get(n - 1)).toBe(strings[n - 1]);
    expect(res.table.getChild('i')?.get(12_345)).toBe(12_345);
  });

  it('gateway and drivers are still up after all of it', async () => {
    expect(p.pool.all().map((d) => d.pid)).toEqual(pidsBefore);
    for (const v of ['1.0', '2.0', '2.1']) expect(p.pool.ready(v)).toHaveLength(1);
    const health = await fetch(`http://127.0.0.1:${p.httpPort}/healthz`);
    expect(health.status).toBe(200);
    expect(value(await client().sql('select 40 + 2 as x'), 'x')).toBe(42);
  });
});

describe('reattachable execution', () => {
  const rangePlan = (end: number) => ({
    opType: { case: 'root' as const, value: { relType: { case: 'range' as const, value: { start: 0n, end: BigInt(end), step: 1n } } } },
  });
  const rowsIn = (rs: ExecutePlanResponse[]) =>
    rs.reduce((n, r) => n + (r.responseType.case === 'arrowBatch' ? Number(r.responseType.value.rowCount) : 0), 0);

  it('ReattachExecute after the first response returns the rest, then ResultComplete', async () => {
    const raw = rawClient(p.gatewayPort);
    try {
      const sessionId = randomUUID();
      const envelope = { sessionId, userContext: { userId: 'reattacher' }, clientType: 'e2e' };
      const reattachable = [{ requestOption: { case: 'reattachOptions' as const, value: { reattachable: true } } }];

      // 1. A complete execution, then a reattach from its first response: the same tail, byte for byte.
      const opA = randomUUID();
      const full = await stream(
        raw,
        'ExecutePlan',
        create(ExecutePlanRequestSchema, { ...envelope, operationId: opA, plan: rangePlan(100_000), requestOptions: reattachable }),
      );
      expect(full.error).toBeUndefined();
      expect(full.responses.length).toBeGreaterThanOrEqual(3);
      expect(full.responses.at(-1)?.responseType.case).toBe('resultComplete');
      expect(rowsIn(full.responses)).toBe(100_000);
      for (const r of full.responses) expect(r.operationId).toBe(opA);
      expect(new Set(full.responses.map((r) => r.responseId)).size).toBe(full.responses.length);

      const first = full.responses[0] as ExecutePlanResponse;
      const tail = await stream(
        raw,
        'ReattachExecute',
        create(ReattachExecuteRequestSchema, { ...envelope, operationId: opA, lastResponseId: first.responseId }),
      );
      expect(tail.error).toBeUndefined();
      expect(tail.responses.map((r) => r.responseId)).toEqual(full.responses.slice(1).map((r) => r.responseId));
      expect(tail.responses.at(-1)?.responseType.case).toBe('resultComplete');

      // 2. A client that drops the stream after one response picks up the rest by reattaching.
      const opB = randomUUID();
      const cut = await stream(
        raw,
        'ExecutePlan',
        create(ExecutePlanRequestSchema, { ...envelope, operationId: opB, plan: rangePlan(50_000), requestOptions: reattachable }),
        undefined,
        { cancelAfter: 1 },
      );
      expect(cut.responses).toHaveLength(1);
      const rest = await stream(
        raw,
        'ReattachExecute',
        create(ReattachExecuteRequestSchema, {
          ...envelope,
          operationId: opB,
          lastResponseId: (cut.responses[0] as ExecutePlanResponse).responseId,
        }),
      );
      expect(rest.error).toBeUndefined();
      expect(rest.responses.at(-1)?.responseType.case).toBe('resultComplete');
      expect(rowsIn([...cut.responses, ...rest.responses])).toBe(50_000);
      expect(rest.responses.map((r) => r.responseId)).not.toContain((cut.responses[0] as ExecutePlanResponse).responseId);

      // 3. Once released, the operation is gone.
      await unary(raw, 'ReleaseExecute', create(ReleaseExecuteRequestSchema, { ...envelope, operationId: opA, release: { case: 'releaseAll', value: {} } }));
      const gone = await stream(
        raw,
        'ReattachExecute',
        create(ReattachExecuteRequestSchema, { ...envelope, operationId: opA, lastResponseId: first.responseId }),
      );
      expect(received(gone.error).message).toContain('INVALID_HANDLE.OPERATION_NOT_FOUND');
    } finally {
      raw.close();
    }
  });
});
