/**
 * The gateway's side of the driver processes: spawns ≥1 process per built-in runtime, connects to
 * external Spark Connect endpoints the same way, health-checks, restarts crashed drivers with
 * backoff, and drains on shutdown.
 *
 * A driver is an OS process, not a thread: its crash or out-of-memory cannot touch the gateway or
 * other drivers, and an external Spark server fits the same slot.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { create } from '@bufbuild/protobuf';
import { Metadata } from '@grpc/grpc-js';
import type { Logger } from '../core/logger.js';
import type { RuntimeManifest } from '../core/runtime.js';
import { AnalyzePlanRequestSchema } from '../protocol/index.js';
import { connectSparkConnect, type SparkConnectGrpcClient } from './channel.js';

export type DriverState = 'starting' | 'ready' | 'draining' | 'dead';

export interface DriverHandle {
  /** `<version>#<slot>`; stable across restarts of the slot. */
  readonly id: string;
  readonly version: string;
  readonly kind: RuntimeManifest['kind'];
  readonly slot: number;
  state: DriverState;
  address: string;
  client: SparkConnectGrpcClient;
  pid?: number;
  /** Bumped on every restart: sessions placed on an older generation lost their state. */
  generation: number;
  /** Sessions the gateway placed here (placement uses it to pick the least-loaded driver). */
  sessions: number;
  startedAt: number;
  restarts: number;
}

export interface DriverPoolOptions {
  /** Compiled driver entry (`dist/src/driver/main.js`). */
  driverEntry: string;
  warehouseDir: string;
  allowedRoots: string[];
  /** Folder holding `<version>/runtime.json`, for the driver's `--runtime` argument. */
  manifestPath(version: string): string;
  log: Logger;
  healthIntervalMs?: number;
  startTimeoutMs?: number;
  /** A driver answering no health probe for this long is restarted. @default 30 s */
  unhealthyAfterMs?: number;
  memoryLimitMb?: number;
}

interface Slot {
  handle: DriverHandle;
  child?: ChildProcess;
  /** Last time the driver answered a probe (or started). */
  lastHealthyAt: number;
  stopping: boolean;
}

export class DriverPool extends EventEmitter {
  private readonly slots = new Map<string, Slot>();
  private readonly manifests = new Map<string, RuntimeManifest>();
  /** Manifest files of runtimes added from outside `manifestPath` (e.g. registered through the API). */
  private readonly manifestFiles = new Map<string, string>();
  private readonly healthTimer: NodeJS.Timeout;
  private closed = false;

  constructor(private readonly opts: DriverPoolOptions) {
    super();
    this.healthTimer = setInterval(() => void this.healthCheck(), opts.healthIntervalMs ?? 2_000);
    this.healthTimer.unref();
  }

  runtimes(): RuntimeManifest[] {
    return [...this.manifests.values()];
  }

  manifest(version: string): RuntimeManifest | undefined {
    return this.manifests.get(version);
  }

  /** Starts every process of the runtime (or connects to its endpoint); resolves when all are ready. */
  async addRuntime(m: RuntimeManifest, opts: { manifestFile?: string } = {}): Promise<void> {
    if (opts.manifestFile) this.manifestFiles.set(m.version, opts.manifestFile);
    this.manifests.set(m.version, m);
    const count = m.kind === 'builtin' ? m.processes : 1;
    const starts: Promise<void>[] = [];
    for (let slot = 0; slot < count; slot++) starts.push(this.startSlot(m, slot));
    await Promise.all(starts);
  }

  /** Every driver of a version that can take work. */
  ready(version: string): DriverHandle[] {
    const out: DriverHandle[] = [];
    for (const s of this.slots.values()) if (s.handle.version === version && s.handle.state === 'ready') out.push(s.handle);
    return out;
  }

  all(): DriverHandle[] {
    return [...this.slots.values()].map((s) => s.handle);
  }

  /** Resolves when a driver of the version is ready (e.g. while a crashed one restarts), or after `timeoutMs`. */
  async waitReady(version: string, timeoutMs: number): Promise<DriverHandle[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const r = this.ready(version);
      if (r.length || Date.now() >= deadline || !this.manifests.has(version)) return r;
      await new Promise((res) => setTimeout(res, 25));
    }
  }

  /** Kills a driver process abruptly (tests and chaos drills). */
  kill(id: string, signal: NodeJS.Signals = 'SIGKILL'): boolean {
    const s = this.slots.get(id);
    return s?.child?.kill(signal) ?? false;
  }

  async shutdown(graceMs = 5_000): Promise<void> {
    this.closed = true;
    clearInterval(this.healthTimer);
    await Promise.all([...this.slots.values()].map((s) => this.stopSlot(s, graceMs)));
  }

  // ---------------------------------------------------------------- internals

  /**
   * Rolling replacement of a runtime's processes, one slot at a time: a new process starts (next
   * generation) while the old one keeps serving; once the new one is ready it takes the slot, the old
   * one stops taking new work (sessions re-place themselves on the new generation, replaying their
   * setup) and is drained — in-flight operations finish — then stopped.
   */
  async restartRuntime(version: string, opts: { graceMs?: number; settleMs?: number } = {}): Promise<DriverHandle[]> {
    const m = this.manifests.get(version);
    if (!m) throw new Error(`runtime ${version} is not registered`);
    const replaced: DriverHandle[] = [];
    for (const old of [...this.slots.values()].filter((s) => s.handle.version === version)) {
      await this.startSlot(m, old.handle.slot, { keepOld: true });
      old.stopping = true;
      if (old.handle.state === 'ready') old.handle.state = 'draining';
      // Let calls that were placed on the old process just before the switch arrive there first.
      await new Promise((r) => setTimeout(r, opts.settleMs ?? 250));
      await this.stopSlot(old, opts.graceMs ?? 30_000);
      const now = this.slots.get(old.handle.id);
      if (now) replaced.push(now.handle);
    }
    return replaced;
  }

  private async startSlot(m: RuntimeManifest, slot: number, opts: { keepOld?: boolean } = {}): Promise<void> {
    const id = `${m.version}#${slot}`;
    const existing = this.slots.get(id);
    if (m.kind === 'spark-connect') {
      const client = connectSparkConnect(m.endpoint as string);
      const handle: DriverHandle = {
        id,
        version: m.version,
        kind: m.kind,
        slot,
        state: 'ready',
        address: m.endpoint as string,
        client,
        generation: (existing?.handle.generation ?? 0) + 1,
        sessions: 0,
        startedAt: Date.now(),
        restarts: existing ? existing.handle.restarts + 1 : 0,
      };
      this.slots.set(id, { handle, lastHealthyAt: Date.now(), stopping: false });
      return;
    }
    const args = [
      '--runtime',
      this.manifestFiles.get(m.version) ?? this.opts.manifestPath(m.version),
      '--port',
      '0',
      '--warehouse',
      this.opts.warehouseDir,
      ...this.opts.allowedRoots.flatMap((r) => ['--allowed-root', r]),
      '--memory-limit-mb',
      String(this.opts.memoryLimitMb ?? 4096),
    ];
    const child = fork(this.opts.driverEntry, args, {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      execArgv: [`--max-old-space-size=${(this.opts.memoryLimitMb ?? 4096) + 1024}`],
    });
    // IPC write errors (EPIPE while a driver exits) must not become an unhandled 'error' event.
    child.on('error', (err) => this.opts.log.warn({ driver: `${m.version}#${slot}`, err: err.message }, 'driver process error'));
    const handle: DriverHandle = {
      id,
      version: m.version,
      kind: m.kind,
      slot,
      state: 'starting',
      address: '',
      client: undefined as unknown as SparkConnectGrpcClient,
      generation: (existing?.handle.generation ?? 0) + 1,
      sessions: 0,
      startedAt: Date.now(),
      restarts: existing ? existing.handle.restarts + 1 : 0,
      ...(child.pid !== undefined ? { pid: child.pid } : {}),
    };
    const s: Slot = { handle, child, lastHealthyAt: Date.now(), stopping: false };
    // A rolling replacement keeps the old process serving until this one is ready.
    if (!opts.keepOld) {
      this.slots.set(id, s);
      existing?.handle.client?.close();
    }

    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`driver ${id} did not start within ${this.opts.startTimeoutMs ?? 30_000} ms`));
      }, this.opts.startTimeoutMs ?? 30_000);
      child.on('message', (msg: { type: string; port?: number }) => {
        if (msg.type === 'ready' && msg.port) {
          clearTimeout(timer);
          handle.address = `127.0.0.1:${msg.port}`;
          handle.client = connectSparkConnect(handle.address);
          handle.state = 'ready';
          if (opts.keepOld) this.slots.set(id, s);
          this.opts.log.info({ driver: id, pid: child.pid, address: handle.address }, 'driver ready');
          this.emit('driver-ready', handle);
          resolve();
        }
      });
      child.on('exit', (code, signal) => {
        clearTimeout(timer);
        const wasReady = handle.state === 'ready' || handle.state === 'draining';
        handle.state = 'dead';
        handle.client?.close();
        if (!wasReady) reject(new Error(`driver ${id} exited during start (code ${code}, signal ${signal})`));
        this.onExit(s, code, signal);
      });
    });
  }

  private onExit(s: Slot, code: number | null, signal: NodeJS.Signals | null): void {
    const h = s.handle;
    this.emit('driver-lost', h);
    if (this.closed || s.stopping) return;
    this.opts.log.warn({ driver: h.id, code, signal }, 'driver exited unexpectedly; restarting');
    const m = this.manifests.get(h.version);
    if (!m) return;
    // Back off when a driver keeps dying at start, so a broken runtime cannot spin the CPU.
    const quick = Date.now() - h.startedAt < 5_000;
    const delay = quick ? Math.min(250 * 2 ** Math.min(h.restarts, 6), 15_000) : 0;
    setTimeout(() => {
      if (this.closed || this.slots.get(h.id) !== s) return;
      this.startSlot(m, h.slot).catch((err: unknown) =>
        this.opts.log.error({ driver: h.id, err: String(err) }, 'driver restart failed'),
      );
    }, delay).unref();
  }

  private async stopSlot(s: Slot, graceMs: number): Promise<void> {
    s.stopping = true;
    const child = s.child;
    s.handle.state = 'draining';
    if (!child || child.exitCode !== null || child.signalCode !== null) {
      s.handle.client?.close();
      s.handle.state = 'dead';
      return;
    }
    await new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        child.kill('SIGKILL');
      }, graceMs + 1_000);
      child.once('exit', () => {
        clearTimeout(t);
        resolve();
      });
      // The IPC channel may already be gone (the driver is exiting): fall back to a signal.
      const drainBySignal = () => child.kill('SIGTERM');
      try {
        child.send({ type: 'drain', graceMs }, (err) => {
          if (err) drainBySignal();
        });
      } catch {
        drainBySignal();
      }
    });
    s.handle.client?.close();
  }

  /** Removes a runtime's drivers (after draining). */
  async removeRuntime(version: string, graceMs = 5_000): Promise<void> {
    this.manifests.delete(version);
    this.manifestFiles.delete(version);
    const mine = [...this.slots.values()].filter((s) => s.handle.version === version);
    await Promise.all(mine.map((s) => this.stopSlot(s, graceMs)));
    for (const s of mine) this.slots.delete(s.handle.id);
  }

  /**
   * A cheap real RPC per driver. A driver that has answered none for `unhealthyAfterMs` is killed and
   * restarted. The window is long on purpose: a busy driver answers late (the engine yields to the
   * event loop between batches, but a large sort or join build can hold it for seconds), and killing
   * it would fail every query it runs.
   */
  private checking = false;
  private async healthCheck(): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    try {
      await Promise.all(
        [...this.slots.values()].map(async (s) => {
          const h = s.handle;
          if (h.state !== 'ready') return;
          if (await probe(h.client)) {
            s.lastHealthyAt = Date.now();
            return;
          }
          if (Date.now() - s.lastHealthyAt > (this.opts.unhealthyAfterMs ?? 30_000)) {
            this.opts.log.warn({ driver: h.id }, 'driver failed health checks; killing it');
            s.lastHealthyAt = Date.now();
            s.child?.kill('SIGKILL');
          }
        }),
      );
    } finally {
      this.checking = false;
    }
  }
}

const HEALTH_SESSION = '00000000-0000-4000-8000-000000000000';

function probe(client: SparkConnectGrpcClient): Promise<boolean> {
  return new Promise((resolve) => {
    const req = create(AnalyzePlanRequestSchema, {
      sessionId: HEALTH_SESSION,
      userContext: { userId: 'perennial-health' },
      analyze: { case: 'sparkVersion', value: {} },
    });
    (client.AnalyzePlan as (...a: unknown[]) => void)(req, new Metadata(), { deadline: Date.now() + 2_000 }, (err: unknown) =>
      resolve(!err),
    );
  });
}
