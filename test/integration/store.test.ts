import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, createRepositories, type Db, migrateDb, type Repositories } from '../../src/store/index.js';
import { startTestInfra, type TestInfra } from '../helpers/infra.js';
import { uniqueTenant } from './run-events.js';

let infra: TestInfra;
let store: Db;
let repos: Repositories;

beforeAll(async () => {
  infra = await startTestInfra();
  store = createDb(infra.databaseUrl);
  repos = createRepositories(store.db);
});

afterAll(async () => {
  await store?.close();
  await infra?.stop();
});

describe('migrations', () => {
  it('create every table and are idempotent', async () => {
    await migrateDb(infra.databaseUrl); // second run: nothing to do, no error
    const { rows } = await store.pool.query<{ table_name: string }>(
      `select table_name from information_schema.tables where table_schema = 'public' order by table_name`,
    );
    expect(rows.map((r) => r.table_name)).toEqual(
      expect.arrayContaining(['pin_events', 'pins', 'regressions', 'runs', 'runtimes', 'sessions', 'workloads']),
    );
    const idx = await store.pool.query<{ indexname: string }>(
      `select indexname from pg_indexes where schemaname = 'public'`,
    );
    expect(idx.rows.map((r) => r.indexname)).toEqual(
      expect.arrayContaining([
        'runs_workload_started_idx',
        'runs_version_started_idx',
        'runs_fingerprint_version_idx',
        'runs_run_id_uq',
        'regressions_status_last_seen_idx',
        'regressions_identity_uq',
        'pins_version_idx',
        'pins_tenant_workload_uq',
      ]),
    );
  });
});

describe('recordRegressionAndPin', () => {
  const base = (tenant: string, fingerprint: string) => ({
    kind: 'error' as const,
    fingerprint,
    failedVersion: '4.1.0',
    goodVersion: '4.0.1',
    errorClass: 'DIVIDE_BY_ZERO',
    errorMessage: '[DIVIDE_BY_ZERO] Division by zero.',
    plan: new Uint8Array([1, 2, 3, 250]),
    planText: 'Project [a / b]',
    sqlText: 'select a / b from t',
    tenant,
  });

  it('creates the regression and the pin, then dedupes further occurrences', async () => {
    const tenant = uniqueTenant('reg');
    const fp = `fp-${randomUUID()}`;
    const first = await repos.regressions.recordRegressionAndPin({ ...base(tenant, fp), workload: 'w1' });
    expect(first.created).toBe(true);
    expect(first.regression).toMatchObject({ occurrences: 1, workloads: ['w1'], tenants: [tenant], status: 'open' });
    expect(Buffer.from(first.regression.plan ?? []).equals(Buffer.from([1, 2, 3, 250]))).toBe(true);
    expect(first.pin).toMatchObject({ tenant, workload: 'w1', version: '4.0.1', reason: 'regression' });
    expect(first.pin.regressionId).toBe(first.regression.id);

    const again = await repos.regressions.recordRegressionAndPin({ ...base(tenant, fp), workload: 'w1' });
    expect(again.created).toBe(false);
    expect(again.regression).toMatchObject({ id: first.regression.id, occurrences: 2, workloads: ['w1'] });

    const other = await repos.regressions.recordRegressionAndPin({ ...base(tenant, fp), workload: 'w2' });
    expect(other.regression).toMatchObject({ id: first.regression.id, occurrences: 3, workloads: ['w1', 'w2'] });

    // A different error class is a different regression.
    const distinct = await repos.regressions.recordRegressionAndPin({
      ...base(tenant, fp),
      errorClass: 'CAST_INVALID_INPUT',
      workload: 'w1',
    });
    expect(distinct.created).toBe(true);

    // The pin was audited once (add) — repeated identical pins do not flood the trail.
    const events = await repos.pins.events(tenant, 'w1');
    expect(events.map((e) => e.action)).toEqual(['add']);
  });

  it('dedupes concurrent occurrences into one row', async () => {
    const tenant = uniqueTenant('conc');
    const fp = `fp-${randomUUID()}`;
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        repos.regressions.recordRegressionAndPin({ ...base(tenant, fp), workload: `w${i % 4}` }),
      ),
    );
    expect(new Set(results.map((r) => r.regression.id)).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    const id = results[0]?.regression.id ?? -1;
    const stored = await repos.regressions.get(id);
    expect(stored?.occurrences).toBe(12);
    expect([...(stored?.workloads ?? [])].sort()).toEqual(['w0', 'w1', 'w2', 'w3']);
    expect(await repos.pins.list({ tenant })).toHaveLength(4);
  });

  it('is atomic: a failing pin write leaves no regression behind', async () => {
    const tenant = uniqueTenant('atomic');
    const fp = `fp-${randomUUID()}`;
    // A real server-side failure on the second statement of the transaction.
    await store.pool.query(`
      create or replace function test_fail_pin() returns trigger language plpgsql as
      $$ begin raise exception 'pin write refused'; end $$`);
    await store.pool.query(`drop trigger if exists test_fail_pin on pins`);
    await store.pool.query(`
      create trigger test_fail_pin before insert on pins for each row
      when (new.workload = 'boom') execute function test_fail_pin()`);
    try {
      await expect(
        repos.regressions.recordRegressionAndPin({ ...base(tenant, fp), workload: 'boom' }),
      ).rejects.toThrow();
      expect((await repos.regressions.list({ fingerprint: fp })).items).toHaveLength(0);
      expect(await repos.pins.get(tenant, 'boom')).toBeNull();
      expect(await repos.pins.events(tenant, 'boom')).toHaveLength(0);
    } finally {
      await store.pool.query(`drop trigger if exists test_fail_pin on pins`);
    }
  });

  it('lists with filters and keyset pagination, and moves status', async () => {
    const tenant = uniqueTenant('page');
    const fp = `fp-${randomUUID()}`;
    const t0 = Date.now();
    for (let i = 0; i < 5; i++) {
      await repos.regressions.recordRegressionAndPin({
        ...base(tenant, fp),
        failedVersion: `4.1.${i}`,
        workload: 'w',
        seenAt: new Date(t0 + i * 1000),
      });
    }
    const p1 = await repos.regressions.list({ tenant, limit: 2 });
    const p2 = await repos.regressions.list({ tenant, limit: 2, cursor: p1.nextCursor });
    const p3 = await repos.regressions.list({ tenant, limit: 2, cursor: p2.nextCursor });
    expect([...p1.items, ...p2.items, ...p3.items].map((r) => r.failedVersion)).toEqual([
      '4.1.4',
      '4.1.3',
      '4.1.2',
      '4.1.1',
      '4.1.0',
    ]);
    expect(p3.nextCursor).toBeNull();
    const first = p1.items[0];
    if (first === undefined) throw new Error('no regression');
    const fixed = await repos.regressions.setStatus(first.id, 'fixed', { fixedInVersion: '4.1.5' });
    expect(fixed).toMatchObject({ status: 'fixed', fixedInVersion: '4.1.5' });
    expect((await repos.regressions.list({ tenant, status: 'fixed' })).items.map((r) => r.id)).toEqual([first.id]);
  });
});

describe('pins', () => {
  it('add, replace and remove are audited; snapshot skips expired pins', async () => {
    const tenant = uniqueTenant('pins');
    await repos.pins.add({ tenant, workload: 'a', version: '4.0.1', actor: 'alice', note: 'hold' });
    await repos.pins.add({ tenant, workload: 'a', version: '3.5.2', actor: 'bob' });
    await repos.pins.add({
      tenant,
      workload: 'b',
      version: '4.0.1',
      actor: 'alice',
      expiresAt: new Date(Date.now() - 1000),
    });
    expect((await repos.pins.get(tenant, 'a'))?.version).toBe('3.5.2');
    const snap = (await repos.pins.snapshot()).filter((p) => p.tenant === tenant);
    expect(snap.map((p) => p.workload)).toEqual(['a']);
    expect((await repos.pins.list({ tenant, version: '3.5.2' })).map((p) => p.workload)).toEqual(['a']);
    const removed = await repos.pins.remove({ tenant, workload: 'a', actor: 'carol', note: 'fixed in 4.1.1' });
    expect(removed?.version).toBe('3.5.2');
    expect(await repos.pins.remove({ tenant, workload: 'a', actor: 'carol' })).toBeNull();
    const trail = await repos.pins.events(tenant, 'a');
    expect(trail.map((e) => [e.action, e.version, e.previousVersion, e.actor])).toEqual([
      ['remove', null, '3.5.2', 'carol'],
      ['replace', '3.5.2', '4.0.1', 'bob'],
      ['add', '4.0.1', null, 'alice'],
    ]);
  });
});

describe('runtimes, sessions, runs, workloads', () => {
  it('syncs manifests and keeps one default', async () => {
    const v = (s: string) => `${s}-${randomUUID().slice(0, 6)}`;
    const [a, b] = [v('4.0.1'), v('4.1.0')];
    const m = (version: string) => ({
      version,
      kind: 'builtin' as const,
      sparkVersion: '4.0.1',
      manifest: { version },
    });
    const r1 = await repos.runtimes.syncFromManifests([m(a), m(b)]);
    expect(r1.added.sort()).toEqual([a, b].sort());
    await repos.runtimes.setDefault(a);
    await repos.runtimes.setDefault(b);
    expect((await repos.runtimes.getDefault())?.version).toBe(b);
    const r2 = await repos.runtimes.syncFromManifests([m(a)]);
    expect(r2.removed).toContain(b);
    expect(r2.updated).toEqual([a]);
    expect(await repos.runtimes.getDefault()).toBeNull();
    await expect(repos.runtimes.setDefault(b)).rejects.toMatchObject({ errorClass: 'RUNTIME_NOT_FOUND' });
  });

  it('records session start and end', async () => {
    const id = randomUUID();
    await repos.sessions.recordStart({
      sessionId: id,
      tenant: 't',
      workload: 'w',
      runtimeVersion: '4.0.1',
      clientType: 'pyspark',
    });
    expect(await repos.sessions.recordEnd(id)).toBe(true);
    expect((await repos.sessions.get(id))?.endedAt).toBeInstanceOf(Date);
  });

  it('insertBatch is idempotent and workloads.touch keeps the latest good version', async () => {
    const tenant = uniqueTenant('runs');
    const t0 = Date.now();
    const rows = Array.from({ length: 3000 }, (_, i) => ({
      runId: randomUUID(),
      operationId: `op-${i}`,
      tenant,
      workload: `w${i % 3}`,
      sessionId: 's',
      fingerprint: 'fp',
      runtimeVersion: i % 2 === 0 ? '4.0.1' : '4.1.0',
      attempt: 1,
      outcome: 'success' as const,
      durationMs: 5,
      rows: 1,
      bytes: 8,
      startedAt: new Date(t0 + i),
    }));
    expect(await repos.runs.insertBatch(rows)).toHaveLength(3000);
    expect(await repos.runs.insertBatch(rows.slice(0, 100))).toHaveLength(0);
    expect(await repos.runs.count({ tenant })).toBe(3000);

    // Awkward text survives the array-parameter insert unchanged.
    const odd = `quote' "dq" {brace}, comma \\ backslash NULL ünïcødé 🚀 \n newline`;
    const oddId = randomUUID();
    await repos.runs.insertBatch([
      {
        ...(rows[0] as (typeof rows)[number]),
        runId: oddId,
        outcome: 'error',
        message: odd,
        errorClass: 'NULL',
        retriedFromRunId: rows[1]?.runId ?? null,
      },
    ]);
    expect(await repos.runs.getByRunId(oddId)).toMatchObject({
      message: odd,
      errorClass: 'NULL',
      retriedFromRunId: rows[1]?.runId,
      sqlState: null,
    });

    await repos.workloads.touch([
      {
        tenant,
        workload: 'w0',
        seenAt: new Date(t0 + 10),
        runs: 1,
        lastGood: { version: '4.1.0', at: new Date(t0 + 10) },
      },
      {
        tenant,
        workload: 'w0',
        seenAt: new Date(t0 + 5),
        runs: 1,
        lastGood: { version: '4.0.1', at: new Date(t0 + 5) },
      },
    ]);
    // An older batch arriving late does not move last_good_version back.
    await repos.workloads.touch([
      { tenant, workload: 'w0', seenAt: new Date(t0), runs: 1, lastGood: { version: '3.5.0', at: new Date(t0) } },
    ]);
    expect(await repos.workloads.get(tenant, 'w0')).toMatchObject({
      runCount: 3,
      lastGoodVersion: '4.1.0',
      firstSeen: new Date(t0),
      lastSeen: new Date(t0 + 10),
    });
  });
});
