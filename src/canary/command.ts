/**
 * `perennial canary`: standalone — it starts its own drivers for the baseline and the candidate
 * (a registered version or a manifest file), replays captured plans from Postgres and/or a built-in
 * catalogue, writes JUnit XML and Markdown, stores the run for the dashboard, and returns exit code 1
 * on any regression.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger } from '../core/logger.js';
import { createDb, createRepositories, migrateDb } from '../store/index.js';
import { ensureTpchData, tpchCatalogue } from './catalogue.js';
import type { LatencyOptions } from './compare.js';
import { Progress } from './progress.js';
import { junitXml, markdownSummary } from './report.js';
import { type CanaryReport, runCanary } from './runner.js';
import { fromCaptured, sample } from './sources.js';
import { defaultBaseline, type ResolvedRuntime, resolveRuntime, startCanaryDrivers } from './targets.js';
import type { ReplayablePlan } from './types.js';

export interface CanaryCommandOptions {
  candidate: string;
  baseline?: string | undefined;
  workloads?: string[] | undefined;
  sample?: number | undefined;
  seed?: number | undefined;
  junit?: string | undefined;
  markdown?: string | undefined;
  catalogue?: string[] | undefined;
  /** Include captured plans (default: when a database is given, or when no catalogue is). */
  captured?: boolean | undefined;
  repeat?: number | undefined;
  latency?: Partial<LatencyOptions> | undefined;
  minimize?: boolean | undefined;
  maxTests?: number | undefined;
  databaseUrl?: string | undefined;
  runtimesDir?: string | undefined;
  allowedRoots?: string[] | undefined;
  warehouse?: string | undefined;
  tpchScale?: string | undefined;
  store?: boolean | undefined;
  /** No progress bar, no summary on stdout. */
  quiet?: boolean | undefined;
  timeoutMs?: number | undefined;
}

export interface CanaryCommandResult {
  report: CanaryReport;
  exitCode: number;
  markdown: string;
  junit: string;
}

/** `2.1`, or `2.1-rc (path/to/runtime.json)` for a manifest given by path. */
function label(r: ResolvedRuntime): string {
  return r.spec === r.manifest.version ? r.spec : `${r.manifest.version} (${r.spec})`;
}

/** The package root (holding runtimes/, scripts/, test/tpch and the compiled driver). */
export function packageRootOf(fromUrl: string = import.meta.url): string {
  let dir = dirname(fileURLToPath(fromUrl));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error('package root not found');
    dir = up;
  }
}

export async function runCanaryCommand(o: CanaryCommandOptions, out: NodeJS.WriteStream = process.stdout): Promise<CanaryCommandResult> {
  const root = packageRootOf();
  const dirSpec = o.runtimesDir ?? 'runtimes';
  const runtimesDir = existsSync(resolve(dirSpec)) ? resolve(dirSpec) : resolve(root, dirSpec);
  const log = createLogger('perennial-canary', 'warn');
  const driverEntry = join(root, 'dist', 'src', 'driver', 'main.js');
  if (!existsSync(driverEntry)) throw new Error(`Compiled driver not found at ${driverEntry}: run \`npm run build\` first.`);

  const candidate = resolveRuntime(o.candidate, runtimesDir);
  const db = o.databaseUrl ? createDb(o.databaseUrl, { maxConnections: 2 }) : undefined;
  try {
    if (o.databaseUrl) await migrateDb(o.databaseUrl);
    const repos = db ? createRepositories(db.db) : undefined;
    const baselineSpec =
      o.baseline ?? (repos ? (await repos.runtimes.getDefault())?.version : undefined) ?? defaultBaseline(candidate.manifest, runtimesDir);
    if (!baselineSpec) throw new Error('No baseline: pass --baseline <version>.');
    const baseline = resolveRuntime(baselineSpec, runtimesDir);

    const plans: ReplayablePlan[] = [];
    const allowedRoots = [...(o.allowedRoots ?? [])];
    const catalogues = o.catalogue ?? [];
    for (const c of catalogues) {
      if (c !== 'tpch') throw new Error(`Unknown catalogue "${c}" (known: tpch).`);
      const dir = ensureTpchData(root, o.tpchScale ?? '0.01');
      allowedRoots.push(dir);
      plans.push(...tpchCatalogue(root, dir));
    }
    // Captured plans whenever a database is given (or nothing else was asked for); a catalogue alone needs none.
    const wantCaptured = o.captured ?? (repos !== undefined || catalogues.length === 0 || (o.workloads?.length ?? 0) > 0);
    if (wantCaptured) {
      if (!repos) throw new Error('Captured plans live in Postgres: set DATABASE_URL (or --database-url), or use --catalogue tpch.');
      const rows = await repos.canary.listCaptured({ ...(o.workloads?.length ? { workloads: o.workloads } : {}) });
      plans.push(...sample(rows.map(fromCaptured), o.sample, o.seed));
    }
    if (plans.length === 0) throw new Error('Nothing to replay: no captured plans matched and no catalogue was chosen.');

    const drivers = await startCanaryDrivers(baseline, candidate, {
      driverEntry,
      allowedRoots,
      log,
      ...(o.warehouse ? { warehouseSnapshot: resolve(o.warehouse) } : {}),
    });
    let report: CanaryReport;
    try {
      const progress = o.quiet ? undefined : new Progress(process.stderr, `canary ${candidate.manifest.version} vs ${baseline.manifest.version}`);
      report = await runCanary({
        plans,
        baseline: drivers.baseline,
        candidate: drivers.candidate,
        baselineLabel: label(baseline),
        candidateLabel: label(candidate),
        scratch: drivers.scratch,
        allowWrites: baseline.manifest.kind === 'builtin' && candidate.manifest.kind === 'builtin',
        repeats: o.repeat ?? 3,
        latency: { ratio: o.latency?.ratio ?? 1.5, minDeltaMs: o.latency?.minDeltaMs ?? 50 },
        minimize: o.minimize ?? true,
        ...(o.maxTests !== undefined ? { minimizeMaxTests: o.maxTests } : {}),
        ...(o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}),
        ...(repos && o.store !== false ? { repo: repos.canary } : {}),
        settings: { repeat: o.repeat ?? 3, sample: o.sample ?? null, catalogue: catalogues, workloads: o.workloads ?? [], latency: o.latency ?? {} },
        log,
        ...(progress ? { onProgress: (d: number, t: number, cur: string, r: number) => progress.update(d, t, cur, r) } : {}),
      });
    } finally {
      await drivers.stop();
    }
    const markdown = markdownSummary(report);
    const junit = junitXml(report);
    for (const [file, text] of [
      [o.junit, junit],
      [o.markdown, markdown],
    ] as const) {
      if (!file) continue;
      mkdirSync(dirname(resolve(file)), { recursive: true });
      writeFileSync(file, text);
    }
    if (!o.quiet) out.write(`${markdown}\n`);
    return { report, exitCode: report.regressions > 0 ? 1 : 0, markdown, junit };
  } finally {
    await db?.close();
  }
}
