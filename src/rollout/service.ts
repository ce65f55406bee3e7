/**
 * Operator actions on rollouts (the HTTP API and CLI call these): start, status, pause, resume,
 * abort, rollback. Each records a decision with its actor and reason and publishes a routing change.
 */
import { PerennialError } from '../core/errors.js';
import type { DriverPool } from '../driver-pool/index.js';
import type { RolloutDecisionRecord, RolloutRecord, Repositories } from '../store/index.js';
import { parseStages, resolveConfig } from './config.js';
import type { RolloutController } from './controller.js';
import type { GateEvaluation } from './gates.js';
import { applyCommand, type Command, pctOf, routingStage } from './machine.js';

export interface RolloutServiceDeps {
  repos: Repositories;
  pool: DriverPool;
  controller?: RolloutController;
  routingChanged(reason: string): Promise<void>;
  setDefault(version: string): Promise<void>;
}

export interface StartRolloutRequest {
  version: string;
  /** Percentages, e.g. "1,5,25,50,100" or [1, 5, 25, 50, 100]. */
  stages?: string | number[];
  minInterval?: string | number;
  minRuns?: number | string;
  maxRegressionRate?: number | string;
  maxErrorRateDelta?: number | string;
  latencyFactor?: number | string;
  autoRollback?: boolean;
  actor?: string;
}

export interface RolloutStatusView {
  rollout: (RolloutRecord & { fraction: number; routing: ReturnType<typeof routingStage> }) | null;
  decisions: RolloutDecisionRecord[];
  gates?: GateEvaluation;
}

function userError(errorClass: string, message: string): PerennialError {
  return new PerennialError(errorClass, message, { kind: 'user', sqlState: '55000' });
}

export class RolloutService {
  constructor(private readonly deps: RolloutServiceDeps) {}

  async start(req: StartRolloutRequest): Promise<RolloutRecord> {
    const { repos, pool } = this.deps;
    if (!pool.manifest(req.version)) throw userError('RUNTIME_NOT_FOUND', `Runtime ${req.version} is not registered.`);
    const def = await repos.runtimes.getDefault();
    if (!def) throw userError('NO_DEFAULT_RUNTIME', 'There is no default runtime to roll out from.');
    if (def.version === req.version) throw userError('ROLLOUT_NOT_NEEDED', `${req.version} is already the default.`);
    const stages = req.stages === undefined ? parseStages('1,5,25,50,100') : parseStages(req.stages);
    const config = resolveConfig({
      minIntervalMs: req.minInterval,
      minRuns: req.minRuns,
      maxRegressionRate: req.maxRegressionRate,
      maxErrorRateDelta: req.maxErrorRateDelta,
      latencyFactor: req.latencyFactor,
      autoRollback: req.autoRollback,
    });
    const actor = req.actor ?? 'api';
    const r = await repos.rollouts.start(
      { candidate: req.version, baseline: def.version, stages, config: { ...config }, createdBy: actor },
      {
        action: 'start',
        reason: `rollout of ${req.version} from ${def.version} started by ${actor}: stages ${stages.map(pctOf).join(' → ')}`,
        actor,
      },
    );
    await this.deps.routingChanged(`rollout ${r.id} started`);
    return r;
  }

  async status(opts: { id?: number; withGates?: boolean } = {}): Promise<RolloutStatusView> {
    const { repos } = this.deps;
    const r = opts.id !== undefined ? await repos.rollouts.get(opts.id) : ((await repos.rollouts.current()) ?? (await repos.rollouts.latest()));
    if (!r) return { rollout: null, decisions: [] };
    const decisions = await repos.rollouts.decisions(r.id, 50);
    const view: RolloutStatusView = {
      rollout: { ...r, fraction: r.stages[r.stageIndex] ?? 0, routing: routingStage(r) },
      decisions,
    };
    if (opts.withGates && r.status === 'active' && this.deps.controller) view.gates = await this.deps.controller.evaluateOnly(r);
    return view;
  }

  async command(cmd: Command, opts: { actor?: string; reason?: string } = {}): Promise<RolloutRecord> {
    const { repos } = this.deps;
    const actor = opts.actor ?? 'api';
    const r =
      cmd === 'rollback'
        ? ((await repos.rollouts.current()) ?? (await repos.rollouts.latest()))
        : await repos.rollouts.current();
    if (!r) throw userError('NO_ROLLOUT', cmd === 'rollback' ? 'There is no rollout to roll back.' : 'There is no open rollout.');
    const next = applyCommand(r, cmd);
    if ('refused' in next) throw userError('ROLLOUT_STATE', `Rollout ${r.id} (${r.candidate}): ${next.refused}.`);
    const now = new Date();
    let reason = opts.reason ?? `${cmd} by ${actor}`;
    if (cmd === 'rollback' && r.status === 'completed') {
      const def = await repos.runtimes.getDefault();
      if (def?.version === r.candidate) {
        await this.deps.setDefault(r.baseline);
        reason += `; default restored to ${r.baseline}`;
      }
    }
    const updated = await repos.rollouts.transition(
      r,
      {
        status: next.status,
        reason,
        ...(cmd === 'resume' ? { stageStartedAt: now } : {}),
        ...(next.status === 'aborted' || next.status === 'rolled_back' ? { finishedAt: now } : {}),
      },
      { action: cmd, reason, actor, at: now },
    );
    if (!updated) throw userError('ROLLOUT_CHANGED', `Rollout ${r.id} changed meanwhile; try again.`);
    await this.deps.routingChanged(`rollout ${r.id} ${cmd}`);
    return updated;
  }
}
