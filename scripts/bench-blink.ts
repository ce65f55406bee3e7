/**
 * Cost of the blink: latency of a query answered after a failed attempt, against the same query run
 * directly on the good version. Overhead = client latency − the failed attempt's own duration − the
 * direct latency on the good version; it covers the retry decision, moving the session, and
 * committing regression + pin to Postgres before answering.
 *
 *   npm run build && node dist/scripts/bench-blink.js [samples]
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { SparkConnectClient } from '../src/client/index.js';
import { loadConfig } from '../src/core/config.js';
import { startPlatform } from '../src/main/start-platform.js';

const SAMPLES = Number(process.argv[2] ?? 40);
const QUERY = "SELECT CAST('n/a' AS INT) AS v";

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * p))] as number;
};

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), 'perennial-bench-blink-'));
  chmodSync(dataDir, 0o755);
  const p = await startPlatform(
    loadConfig({ PERENNIAL_LOG_LEVEL: 'error' }, { host: 'localhost', port: 0, httpPort: 0, dataDir, defaultRuntime: '2.0' }),
  );
  await p.repos.runtimes.setDefault('2.0');
  await p.refreshRouting();
  const url = (w: string) => `sc://localhost:${p.gatewayPort}/;workload=${w}`;
  const blink: number[] = [];
  const direct: number[] = [];
  const failed: number[] = [];
  const overhead: number[] = [];
  try {
    for (let i = 0; i < SAMPLES + 5; i++) {
      const w = `bench-${i}`;
      // Make 1.0 the workload's last good version, then let it route to the default (2.0).
      await p.repos.pins.add({ tenant: 'default', workload: w, version: '1.0', actor: 'bench' });
      await p.refreshRouting();
      const c = new SparkConnectClient(url(w));
      await c.sql('SELECT 1 AS warm');
      await p.repos.pins.remove({ tenant: 'default', workload: w, actor: 'bench' });
      await p.refreshRouting();

      const t0 = performance.now();
      await c.sql(QUERY); // the command (parse) on 2.0, then the collect: fails on 2.0, answered by 1.0
      const total = performance.now() - t0;

      const t1 = performance.now();
      await c.sql(QUERY); // now pinned: straight to 1.0
      const d = performance.now() - t1;
      await c.close();

      // The failed attempt's own time, from the recorded run.
      let f: number | undefined;
      for (let tries = 0; tries < 100 && f === undefined; tries++) {
        const runs = await p.repos.runs.list({ workload: w, limit: 50 });
        f = runs.find((r) => r.outcome === 'error')?.durationMs;
        if (f === undefined) await new Promise((r) => setTimeout(r, 20));
      }
      if (i < 5) continue; // warm-up
      blink.push(total);
      direct.push(d);
      failed.push(f ?? 0);
      overhead.push(total - (f ?? 0) - d);
    }
  } finally {
    await p.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  const row = (name: string, xs: number[]) => `| ${name.padEnd(38)} | ${pct(xs, 0.5).toFixed(2).padStart(8)} | ${pct(xs, 0.99).toFixed(2).padStart(8)} |`;
  console.log(`blink-twice cost over ${SAMPLES} samples (spark.sql + collect of: ${QUERY})`);
  console.log('| measure                                |  p50 ms  |  p99 ms  |');
  console.log('|----------------------------------------|----------|----------|');
  console.log(row('answered after a blink (client)', blink));
  console.log(row('same query direct on good version', direct));
  console.log(row('failed attempt itself (recorded)', failed));
  console.log(row('overhead beyond the failed attempt', overhead));
  console.log(`ratio blink / direct (p50): ${(pct(blink, 0.5) / pct(direct, 0.5)).toFixed(2)}x   goal: overhead p50 <= 5 ms`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
