/**
 * The dashboard in a real browser (Debian's chromium driven by playwright-core) against a real
 * platform: a regression produced by an actual blink-twice run is listed, its detail shows the error
 * and the decoded plan, acknowledging changes its status, and unpinning sends the workload's next
 * query back to the default version. Screenshots of every page go to test-results/dashboard/.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SparkConnectClient } from '../../src/client/index.js';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';

const CHROMIUM = process.env.PERENNIAL_CHROMIUM ?? '/usr/bin/chromium';
const SHOTS = join(process.cwd(), 'test-results', 'dashboard');
const BREAKS_ON_ANSI = "SELECT CAST('n/a' AS INT) AS v, 7 AS k";

async function waitFor<T>(fn: () => T | undefined | Promise<T | undefined>, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('dashboard in a browser', () => {
  let p: TestPlatform;
  let context: BrowserContext;
  let page: Page;
  let profile: string;
  const problems: string[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium (or set PERENNIAL_CHROMIUM).`);
    mkdirSync(SHOTS, { recursive: true });
    p = await startTestPlatform({ defaultRuntime: '1.0' });
    profile = mkdtempSync(join(tmpdir(), 'perennial-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1280, height: 900 },
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
    page = context.pages()[0] ?? (await context.newPage());
    // CSP violations, script errors and failed requests all land here; the test ends with none.
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  });
  afterAll(async () => {
    await context?.close();
    await p?.stop();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  const url = (hash: string) => `http://127.0.0.1:${p.httpPort}/#${hash}`;
  const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });

  it('shows a real blink-twice regression, acknowledges it and unpins its workload', async () => {
    // The regression: etl works on 1.0, the default moves to 2.0 (ANSI), the query fails there and is answered from 1.0.
    const first = new SparkConnectClient(p.url({ workload: 'etl' }));
    await first.sql(BREAKS_ON_ANSI);
    await first.close();
    const res = await fetch(`http://127.0.0.1:${p.httpPort}/api/runtimes/default`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ version: '2.0' }),
    });
    expect(res.status).toBe(200);
    const second = new SparkConnectClient(p.url({ workload: 'etl' }));
    const blinked = await second.sql(BREAKS_ON_ANSI);
    expect(blinked.table.get(0)?.toJSON()).toEqual({ v: null, k: 7 });
    await second.close();
    const fine = new SparkConnectClient(p.url({ workload: 'bi' }));
    await fine.sql('SELECT 1 + 1 AS two');
    await fine.close();
    expect(p.router.route('default', 'etl').version).toBe('1.0');
    const reg = (await p.repos.regressions.list({ workload: 'etl' })).items[0]!;
    // Runs reach Postgres through the queue; wait so the charts have them.
    await waitFor(async () => ((await p.repos.runs.count({ workload: 'etl' })) >= 3 ? true : undefined), 'runs recorded');

    // Overview
    await page.goto(url('/'));
    await page.getByRole('heading', { name: 'Runtime versions' }).waitFor();
    await expect(page.getByRole('row', { name: /2\.0.*default/ }).count()).resolves.toBe(1);
    await page.getByRole('figure', { name: /Share of queries per runtime version/ }).waitFor();
    await shot('overview');

    // Regressions list: the regression is there, reachable by keyboard.
    await page.getByRole('link', { name: 'Regressions', exact: true }).click();
    const link = page.getByRole('link', { name: new RegExp(`Regression ${reg.id}: CAST_INVALID_INPUT on 2\\.0`) });
    await link.waitFor();
    const row = page.getByRole('row').filter({ has: link });
    await expect(row.textContent()).resolves.toContain('etl');
    await shot('regressions');
    await link.focus();
    await page.keyboard.press('Enter');

    // Detail: error, SQL and the decoded plan tree.
    await page.getByRole('heading', { name: `Regression #${reg.id}: CAST_INVALID_INPUT` }).waitFor();
    await expect(page.locator('pre.error-message').textContent()).resolves.toContain('CAST_INVALID_INPUT');
    await expect(page.locator('pre.sql').textContent()).resolves.toBe(BREAKS_ON_ANSI);
    const tree = page.getByRole('list', { name: 'Plan tree' });
    await expect(tree.locator('.plan-op').first().textContent()).resolves.toBe('sql');
    await expect(tree.textContent()).resolves.toContain(BREAKS_ON_ANSI);
    await shot('regression-detail');

    // Acknowledge.
    await page.getByRole('button', { name: 'Acknowledge' }).click();
    await page.getByRole('status').filter({ hasText: 'Status set to acknowledged.' }).waitFor();
    await waitFor(async () => ((await p.repos.regressions.get(reg.id))?.status === 'acknowledged' ? true : undefined), 'the status in Postgres');
    await page.locator('dl.facts .badge', { hasText: 'acknowledged' }).waitFor();

    // Unpin the affected workload, through the confirmation dialog.
    await page.getByRole('button', { name: 'Unpin affected workloads' }).click();
    const dialog = page.getByRole('dialog', { name: 'Unpin affected workloads' });
    await dialog.waitFor();
    await shot('unpin-confirmation');
    await dialog.getByRole('button', { name: 'Unpin', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'Unpinned etl.' }).waitFor();
    await waitFor(() => (p.router.route('default', 'etl').version === '2.0' ? true : undefined), 'etl routed to 2.0 again');
    expect(await p.repos.pins.get('default', 'etl')).toBeNull();

    // The other pages.
    for (const [hash, heading, name, loaded] of [
      ['/pins', 'Pins', 'pins', 'No workload is pinned.'],
      ['/workloads', 'Workloads', 'workloads', '2 workloads'],
      ['/workloads/etl', 'Workload etl', 'workload-detail', 'Query latency per hour by version (p50 and p95)'],
      ['/rollouts', 'Rollouts', 'rollouts', 'No rollouts yet.'],
      ['/canaries', 'Canary reports', 'canaries', 'No canary reports yet.'],
    ] as const) {
      await page.goto(url(hash));
      await page.getByRole('heading', { name: heading, exact: true }).waitFor();
      await page.getByText(loaded, { exact: true }).first().waitFor();
      await shot(name);
    }
    expect(problems).toEqual([]);
  });
});
