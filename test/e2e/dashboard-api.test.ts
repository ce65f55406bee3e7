/**
 * The dashboard's JSON API on a real platform: keyset pagination with filters and sorting over
 * regressions, tenant isolation, viewer vs operator tokens, and CSRF checks on actions.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';

describe('dashboard API', () => {
  let p: TestPlatform;
  let base: string;
  const viewer = 'view-tok';
  const operator = 'op-tok';

  beforeAll(async () => {
    p = await startTestPlatform({
      tokens: new Map([
        [viewer, 'acme'],
        ['other-tok', 'globex'],
      ]),
      operatorTokens: new Map([[operator, 'acme']]),
      defaultRuntime: '2.0',
    });
    base = `http://127.0.0.1:${p.httpPort}`;
    const t0 = Date.UTC(2030, 0, 1);
    for (let i = 0; i < 60; i++) {
      await p.repos.regressions.recordRegressionAndPin({
        kind: i % 3 === 0 ? 'performance' : 'error',
        fingerprint: `fp-${i}`,
        failedVersion: '2.0',
        goodVersion: '1.0',
        errorClass: i % 3 === 0 ? '' : 'CAST_INVALID_INPUT',
        errorMessage: `failure ${i}`,
        tenant: 'acme',
        workload: `job-${i % 7}`,
        seenAt: new Date(t0 + (i % 10) * 60_000),
      });
    }
    await p.repos.regressions.recordRegressionAndPin({
      kind: 'error',
      fingerprint: 'fp-globex',
      failedVersion: '2.0',
      goodVersion: '1.0',
      errorClass: 'DIVIDE_BY_ZERO',
      tenant: 'globex',
      workload: 'secret-job',
    });
    await p.refreshRouting();
  });
  afterAll(async () => {
    await p?.stop();
  });

  const get = (path: string, token?: string) =>
    fetch(`${base}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  const post = (path: string, body: unknown, token?: string, headers: Record<string, string> = {}) =>
    fetch(`${base}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-perennial-csrf': '1',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...headers,
      },
      body: JSON.stringify(body),
    });

  it('pages through every regression exactly once, in order, for each sort', async () => {
    for (const [sort, dir] of [
      ['lastSeen', 'desc'],
      ['occurrences', 'asc'],
      ['workloads', 'desc'],
      ['firstSeen', 'asc'],
    ] as const) {
      const seen: number[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const res = await get(`/api/dashboard/regressions?sort=${sort}&dir=${dir}&limit=7${cursor ? `&cursor=${cursor}` : ''}`, viewer);
        expect(res.status).toBe(200);
        const page = (await res.json()) as { items: { id: number }[]; total: number; nextCursor: string | null };
        expect(page.total).toBe(60);
        seen.push(...page.items.map((r) => r.id));
        cursor = page.nextCursor;
        pages++;
      } while (cursor);
      expect(pages).toBe(9);
      expect(new Set(seen).size).toBe(60);
    }
  });

  it('filters server-side and rejects bad parameters', async () => {
    const res = await get('/api/dashboard/regressions?kind=performance&limit=100', viewer);
    const page = (await res.json()) as { items: { kind: string }[]; total: number };
    expect(page.total).toBe(20);
    expect(page.items.every((r) => r.kind === 'performance')).toBe(true);
    const byWorkload = (await (await get('/api/dashboard/regressions?workload=job-3&limit=100', viewer)).json()) as { total: number };
    expect(byWorkload.total).toBe(9);
    const search = (await (await get(`/api/dashboard/regressions?q=${encodeURIComponent("failure 1' or '1'='1")}`, viewer)).json()) as {
      total: number;
    };
    expect(search.total).toBe(0);
    expect((await get('/api/dashboard/regressions?sort=drop_table', viewer)).status).toBe(400);
    expect((await get('/api/dashboard/regressions?cursor=garbage', viewer)).status).toBe(400);
    expect((await get('/api/dashboard/regressions?limit=100000', viewer)).status).toBe(400);
  });

  it('needs a token to view and shows each tenant only its own regressions', async () => {
    expect((await get('/api/dashboard/regressions')).status).toBe(401);
    expect((await get('/api/dashboard/overview', 'wrong')).status).toBe(401);
    const globex = (await (await get('/api/dashboard/regressions', 'other-tok')).json()) as { items: { errorClass: string; id: number }[] };
    expect(globex.items.map((r) => r.errorClass)).toEqual(['DIVIDE_BY_ZERO']);
    expect((await get(`/api/dashboard/regressions/${globex.items[0]!.id}`, viewer)).status).toBe(404);
    // The app shell itself holds no data and loads without a token, with a strict CSP.
    const shell = await get('/');
    expect(shell.status).toBe(200);
    expect(shell.headers.get('content-security-policy')).toContain("default-src 'none'");
  });

  it('actions need an operator token, the CSRF header, JSON and the same origin', async () => {
    const page = (await (await get('/api/dashboard/regressions?limit=1', viewer)).json()) as { items: { id: number }[] };
    const id = page.items[0]!.id;
    const path = `/api/dashboard/regressions/${id}/status`;
    expect((await post(path, { status: 'acknowledged' }, viewer)).status).toBe(403);
    expect((await post(path, { status: 'acknowledged' })).status).toBe(401);
    expect((await post(path, { status: 'acknowledged' }, operator, { 'x-perennial-csrf': '0' })).status).toBe(403);
    expect((await post(path, { status: 'acknowledged' }, operator, { origin: 'http://evil.example' })).status).toBe(403);
    expect((await post(path, { status: 'acknowledged' }, operator, { 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect((await post(path, { status: 'acknowledged' }, operator, { 'content-type': 'text/plain' })).status).toBe(403);
    expect((await p.repos.regressions.get(id))?.status).toBe('open');
    const ok = await post(path, { status: 'acknowledged' }, operator, { origin: base });
    expect(ok.status).toBe(200);
    expect((await p.repos.regressions.get(id))?.status).toBe('acknowledged');
  });

  it('unpins a workload for the operator and updates routing', async () => {
    expect(p.router.route('acme', 'job-1').version).toBe('1.0');
    expect((await post('/api/dashboard/pins/unpin', { workload: 'job-1' }, viewer)).status).toBe(403);
    const res = await post('/api/dashboard/pins/unpin', { workload: 'job-1' }, operator);
    expect(res.status).toBe(200);
    expect(await p.repos.pins.get('acme', 'job-1')).toBeNull();
    expect(p.router.route('acme', 'job-1').version).toBe('2.0');
    // Another tenant's pin is out of reach.
    expect((await post('/api/dashboard/pins/unpin', { workload: 'secret-job' }, operator)).status).toBe(404);
    expect(await p.repos.pins.get('globex', 'secret-job')).not.toBeNull();
  });
});
