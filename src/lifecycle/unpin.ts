/**
 * Unpin on fix. When a runtime is added or becomes the default, every open `error` regression's
 * stored plan is replayed — in a fresh session, through the driver pool — on the newer versions and on
 * the good version. When a newer version now succeeds with the same rows (order-insensitive digest),
 * the regression is marked fixed in that version; each workload pinned because of it is unpinned
 * (audited in pin_events) once the version it would run on without the pin also passes the replay.
 * Runs in the background, on the controller that holds the lease; never on the request path.
 */
import type { Logger } from '../core/logger.js';
import { compareVersions } from '../core/runtime.js';
import type { DriverPool } from '../driver-pool/index.js';
import { pinKey, type Router, route } from '../router/index.js';
import type { RegressionRecord, Repositories } from '../store/index.js';
import { decodePlan, type ReplayResult, replayPlan } from './replay.js';

export interface UnpinDeps {
  repos: Repositories;
  pool: DriverPool;
  router: Router;
  log: Logger;
  /** Re-read routing here and tell every gateway. */
  routingChanged(reason: string): Promise<void>;
  replayTimeoutMs?: number;
}

export interface UnpinOutcome {
  regressionId: number;
  fixedIn?: string;
  unpinned: string[];
  kept: { workload: string; why: string }[];
  replays: ReplayResult[];
}

export class UnpinVerifier {
  /** (regression, version) → replay result; versions are immutable builds, so a result stays true. */
  private readonly cache = new Map<string, ReplayResult>();
  private running: Promise<UnpinOutcome[]> | undefined;

  constructor(private readonly deps: UnpinDeps) {}

  /** One pass over open (and fixed-but-still-pinned) error regressions. Concurrent calls share a pass. */
  check(): Promise<UnpinOutcome[]> {
    this.running ??= this.pass().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async replay(reg: RegressionRecord, version: string): Promise<ReplayResult> {
    const key = `${reg.id}\u0000${version}`;
    const hit = this.cache.get(key);
    if (hit) return hit;
    const r = await replayPlan(this.deps.pool, version, decodePlan(reg.plan as Uint8Array), this.deps.replayTimeoutMs);
    // An unavailable driver is not an answer about the version: do not remember it.
    if (r.ok || r.errorClass !== 'RUNTIME_UNAVAILABLE') this.cache.set(key, r);
    if (this.cache.size > 10_000) this.cache.delete(this.cache.keys().next().value as string);
    return r;
  }

  private async pass(): Promise<UnpinOutcome[]> {
    const { repos, pool, log } = this.deps;
    const available = pool.runtimes().map((m) => m.version);
    const regs = (await repos.rolloutEvidence.openErrorRegressions()).filter((r) => r.plan && r.plan.byteLength > 0);
    const outcomes: UnpinOutcome[] = [];
    let changed = 0;
    for (const reg of regs) {
      const out: UnpinOutcome = { regressionId: reg.id, unpinned: [], kept: [], replays: [] };
      try {
        if (!available.includes(reg.goodVersion)) continue;
        const good = await this.replay(reg, reg.goodVersion);
        out.replays.push(good);
        if (!good.ok) {
          log.info({ regression: reg.id, error: good.message }, 'unpin check: plan does not replay on its good version; skipped');
          outcomes.push(out);
          continue;
        }
        const passes = async (v: string) => {
          if (v === reg.goodVersion) return true;
          const r = await this.replay(reg, v);
          if (!out.replays.includes(r)) out.replays.push(r);
          return r.ok && r.digest === good.digest;
        };
        let fixedIn = reg.status === 'fixed' ? (reg.fixedInVersion ?? undefined) : undefined;
        if (!fixedIn) {
          const newer = available
            .filter((v) => v !== reg.goodVersion && compareVersions(v, reg.failedVersion) > 0)
            .sort(compareVersions);
          for (const v of newer) {
            if (await passes(v)) {
              fixedIn = v;
              break;
            }
          }
          if (!fixedIn) {
            outcomes.push(out);
            continue;
          }
          await repos.regressions.setStatus(reg.id, 'fixed', { fixedInVersion: fixedIn });
          log.warn({ regression: reg.id, fixedIn }, 'regression fixed: the plan now succeeds with the same result');
        }
        out.fixedIn = fixedIn;
        // Lift the pins this regression put in place.
        const pins = (await repos.pins.list({ reason: 'regression' })).filter(
          (p) =>
            p.regressionId === reg.id ||
            (p.version === reg.goodVersion && reg.workloads.includes(p.workload) && reg.tenants.includes(p.tenant)),
        );
        const stillOpen = (await repos.rolloutEvidence.openErrorRegressions()).filter((r) => r.status !== 'fixed' && r.id !== reg.id);
        for (const p of pins) {
          const other = stillOpen.find((r) => r.workloads.includes(p.workload) && r.tenants.includes(p.tenant));
          if (other) {
            out.kept.push({ workload: p.workload, why: `also pinned for open regression #${other.id}` });
            continue;
          }
          const snap = this.deps.router.current();
          const pinsWithout = new Map(snap.pins);
          pinsWithout.delete(pinKey(p.tenant, p.workload));
          const target = route({ ...snap, pins: pinsWithout }, p.tenant, p.workload).version;
          if (!(await passes(target))) {
            out.kept.push({ workload: p.workload, why: `would route to ${target}, where the plan still fails` });
            continue;
          }
          const removed = await repos.pins.remove({
            tenant: p.tenant,
            workload: p.workload,
            actor: 'unpin-verifier',
            note: `regression #${reg.id} fixed in ${fixedIn}: its plan replayed on ${target === reg.goodVersion ? fixedIn : target} succeeds with the same result as on ${reg.goodVersion}; now routed to ${target}`,
          });
          if (removed) {
            out.unpinned.push(p.workload);
            changed++;
          }
        }
        outcomes.push(out);
      } catch (err) {
        log.warn({ regression: reg.id, err: String(err) }, 'unpin check failed');
      }
    }
    if (changed > 0) await this.deps.routingChanged(`unpin ${changed} workloads`);
    return outcomes;
  }
}
