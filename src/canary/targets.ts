/**
 * Drivers for a canary run, started by the canary itself (no gateway needed): one DriverPool per
 * side, each with its own temporary warehouse, so replayed writes land in scratch space and the two
 * sides cannot see each other's writes. A candidate may be a registered version or a manifest file
 * that no platform knows yet.
 */
import { cpSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Logger } from '../core/logger.js';
import { compareVersions, loadRuntimeManifest, loadRuntimeManifests, type RuntimeManifest } from '../core/runtime.js';
import { type DriverHandle, DriverPool } from '../driver-pool/index.js';
import type { ReplayTarget } from './replay.js';

export interface ResolvedRuntime {
  manifest: RuntimeManifest;
  /** The runtime.json the drivers start from. */
  file: string;
  /** How the user named it (a version or a path). */
  spec: string;
}

/** `2.1` → runtimes/2.1/runtime.json; a path to a runtime.json (or to its folder) → that manifest. */
export function resolveRuntime(spec: string, runtimesDir: string): ResolvedRuntime {
  const asPath = resolve(spec);
  if (spec.endsWith('.json') || spec.includes('/') || (existsSync(asPath) && statSync(asPath).isDirectory())) {
    const file = existsSync(asPath) && statSync(asPath).isDirectory() ? join(asPath, 'runtime.json') : asPath;
    return { manifest: loadRuntimeManifest(file), file, spec };
  }
  const file = join(runtimesDir, spec, 'runtime.json');
  if (!existsSync(file)) throw new Error(`Runtime "${spec}" is not in ${runtimesDir} (and is not a manifest path).`);
  return { manifest: loadRuntimeManifest(file), file, spec };
}

/** The version a candidate is compared with when none is given: the newest registered one older than it. */
export function defaultBaseline(candidate: RuntimeManifest, runtimesDir: string): string | undefined {
  const all = loadRuntimeManifests(runtimesDir).map((m) => m.version);
  const older = all.filter((v) => compareVersions(v, candidate.version) < 0);
  return older[older.length - 1] ?? all.find((v) => v !== candidate.version);
}

/**
 * A target that follows its slot: after a crashed driver restarts, replays go to the new process.
 * `waitReady` lets the runner retry an inconclusive replay once the driver is back.
 */
export interface LiveTarget extends ReplayTarget {
  waitReady(timeoutMs: number): Promise<boolean>;
}

function liveTarget(pool: DriverPool, first: DriverHandle): LiveTarget {
  const current = () => pool.ready(first.version)[0] ?? first;
  return {
    version: first.version,
    get client() {
      return current().client;
    },
    get address() {
      return current().address;
    },
    async waitReady(timeoutMs: number) {
      return (await pool.waitReady(first.version, timeoutMs)).length > 0;
    },
  };
}

export interface CanaryDrivers {
  baseline: LiveTarget;
  candidate: LiveTarget;
  /** Scratch folders (one per side) where replayed writes land. */
  scratch: { baseline: string; candidate: string };
  stop(): Promise<void>;
}

export interface StartDriversOptions {
  driverEntry: string;
  /** Folders the drivers may read (Parquet of a catalogue, data paths of captured plans). */
  allowedRoots: string[];
  log: Logger;
  /** Copied into each side's scratch warehouse first, so plans that read managed tables see them. */
  warehouseSnapshot?: string;
  memoryLimitMb?: number;
}

export async function startCanaryDrivers(baseline: ResolvedRuntime, candidate: ResolvedRuntime, o: StartDriversOptions): Promise<CanaryDrivers> {
  const pools: DriverPool[] = [];
  const dirs: string[] = [];
  const start = async (side: 'baseline' | 'candidate', rt: ResolvedRuntime) => {
    const dir = mkdtempSync(join(tmpdir(), `perennial-canary-${side}-`));
    dirs.push(dir);
    const warehouseDir = join(dir, 'warehouse');
    if (o.warehouseSnapshot) cpSync(o.warehouseSnapshot, warehouseDir, { recursive: true });
    const pool = new DriverPool({
      driverEntry: o.driverEntry,
      warehouseDir,
      allowedRoots: [dir, ...o.allowedRoots.map((r) => resolve(r))],
      manifestPath: () => rt.file,
      log: o.log,
      // A long query blocks a driver's event loop; the canary waits for it rather than killing it.
      healthIntervalMs: 3_600_000,
      ...(o.memoryLimitMb ? { memoryLimitMb: o.memoryLimitMb } : {}),
    });
    pools.push(pool);
    // One process per side: replays run one at a time, and timings stay comparable.
    await pool.addRuntime({ ...rt.manifest, processes: 1 });
    const first = pool.ready(rt.manifest.version)[0];
    if (!first) throw new Error(`no driver of ${rt.spec} came up`);
    return { d: liveTarget(pool, first), dir };
  };
  const stop = async () => {
    await Promise.allSettled(pools.map((p) => p.shutdown(2_000)));
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  };
  try {
    const [b, c] = await Promise.all([start('baseline', baseline), start('candidate', candidate)]);
    return { baseline: b.d, candidate: c.d, scratch: { baseline: b.dir, candidate: c.dir }, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
