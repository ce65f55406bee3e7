/**
 * Driver lifecycle without a restart of the platform: register a runtime from a manifest (its
 * drivers start, the store and every gateway's routing learn of it, pinned workloads' failing plans
 * are re-checked on it), replace a runtime's processes one by one under load, and remove a runtime
 * (refused while workloads are pinned to it or a rollout involves it).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PerennialError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { parseRuntimeManifest, type RuntimeManifest } from '../core/runtime.js';
import type { DriverHandle, DriverPool } from '../driver-pool/index.js';
import type { Repositories } from '../store/index.js';

export interface RuntimeLifecycleDeps {
  repos: Repositories;
  pool: DriverPool;
  log: Logger;
  /** Where manifests registered at run time are kept (`<dir>/<version>/runtime.json`). */
  manifestsDir: string;
  routingChanged(reason: string): Promise<void>;
  /** A runtime was added or became the default: re-check pinned regressions on it. */
  onRuntimeAdded?(version: string): void;
}

function userError(errorClass: string, message: string): PerennialError {
  return new PerennialError(errorClass, message, { kind: 'user', sqlState: '55000' });
}

export class RuntimeLifecycle {
  private readonly busy = new Set<string>();

  constructor(private readonly deps: RuntimeLifecycleDeps) {}

  private async syncStore(): Promise<void> {
    await this.deps.repos.runtimes.syncFromManifests(
      this.deps.pool.runtimes().map((m) => ({ version: m.version, kind: m.kind, endpoint: m.endpoint ?? null, sparkVersion: m.sparkVersion, manifest: m })),
    );
  }

  /** Registers and starts a runtime from a manifest object (the content of a runtime.json). */
  async add(json: unknown): Promise<RuntimeManifest> {
    const m = parseRuntimeManifest(json, 'the submitted manifest');
    const { pool, log } = this.deps;
    if (pool.manifest(m.version)) throw userError('RUNTIME_EXISTS', `Runtime ${m.version} is already registered.`);
    const dir = join(this.deps.manifestsDir, m.version);
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'runtime.json');
    writeFileSync(file, `${JSON.stringify(json, null, 2)}\n`);
    try {
      await pool.addRuntime(m, { manifestFile: file });
    } catch (err) {
      await pool.removeRuntime(m.version, 1_000).catch(() => undefined);
      throw userError('RUNTIME_START_FAILED', `Runtime ${m.version} did not start: ${err instanceof Error ? err.message : String(err)}`);
    }
    await this.syncStore();
    log.info({ version: m.version }, 'runtime added');
    await this.deps.routingChanged(`runtime-added ${m.version}`);
    this.deps.onRuntimeAdded?.(m.version);
    return m;
  }

  /**
   * Makes this gateway's pool match the store after another gateway added or removed a runtime:
   * missing runtimes are started from the manifest kept in the store, removed ones are stopped.
   * Returns true when something changed.
   */
  syncFromStore(): Promise<boolean> {
    // Serialized: two notifications in a row must not start the same runtime twice.
    const next = this.syncing.catch(() => false).then(() => this.syncOnce());
    this.syncing = next;
    return next;
  }

  private syncing: Promise<boolean> = Promise.resolve(false);

  private async syncOnce(): Promise<boolean> {
    const { pool, repos, log } = this.deps;
    let changed = false;
    for (const r of await repos.runtimes.list({ includeRemoved: true })) {
      const inPool = pool.manifest(r.version) !== undefined;
      if (r.removedAt === null && !inPool) {
        const m = parseRuntimeManifest(r.manifest, `the stored manifest of ${r.version}`);
        const dir = join(this.deps.manifestsDir, m.version);
        mkdirSync(dir, { recursive: true });
        const file = join(dir, 'runtime.json');
        writeFileSync(file, `${JSON.stringify(r.manifest, null, 2)}\n`);
        await pool.addRuntime(m, { manifestFile: file });
        log.info({ version: m.version }, 'runtime added by another gateway: started here too');
        changed = true;
      } else if (r.removedAt !== null && inPool) {
        await pool.removeRuntime(r.version);
        log.info({ version: r.version }, 'runtime removed by another gateway: stopped here too');
        changed = true;
      }
    }
    return changed;
  }

  /** Rolling replacement of the runtime's driver processes. */
  async restart(version: string, opts: { graceMs?: number } = {}): Promise<DriverHandle[]> {
    const { pool, log } = this.deps;
    if (!pool.manifest(version)) throw userError('RUNTIME_NOT_FOUND', `Runtime ${version} is not registered.`);
    if (this.busy.has(version)) throw userError('RUNTIME_BUSY', `Runtime ${version} is already being restarted.`);
    this.busy.add(version);
    try {
      const handles = await pool.restartRuntime(version, opts);
      log.info({ version, drivers: handles.map((h) => `${h.id}@${h.generation}`) }, 'runtime restarted (rolling)');
      return handles;
    } finally {
      this.busy.delete(version);
    }
  }

  /** Stops and unregisters a runtime; refused while it is in use. */
  async remove(version: string): Promise<void> {
    const { pool, repos, log } = this.deps;
    if (!pool.manifest(version)) throw userError('RUNTIME_NOT_FOUND', `Runtime ${version} is not registered.`);
    const pins = await repos.pins.list({ version });
    if (pins.length > 0) {
      const names = pins.map((p) => (p.tenant === 'default' ? p.workload : `${p.tenant}/${p.workload}`));
      throw userError(
        'RUNTIME_IN_USE',
        `Runtime ${version} cannot be removed: ${pins.length} workload(s) are pinned to it: ${names.slice(0, 20).join(', ')}${names.length > 20 ? ', …' : ''}. Unpin or re-pin them first.`,
      );
    }
    const def = await repos.runtimes.getDefault();
    if (def?.version === version) throw userError('RUNTIME_IN_USE', `Runtime ${version} is the default; make another version the default first.`);
    const open = await repos.rollouts.current();
    if (open && (open.candidate === version || open.baseline === version)) {
      throw userError('RUNTIME_IN_USE', `Runtime ${version} is part of rollout ${open.id} (${open.status}); finish or abort it first.`);
    }
    await pool.removeRuntime(version);
    await this.syncStore();
    log.info({ version }, 'runtime removed');
    await this.deps.routingChanged(`runtime-removed ${version}`);
  }
}
