import type { Executor } from '../db.js';
import { CanaryRepository } from './canary.js';
import { InsightsRepository } from './insights.js';
import { PinsRepository } from './pins.js';
import { RegressionsRepository } from './regressions.js';
import { RolloutEvidenceRepository } from './rollout-evidence.js';
import { RolloutsRepository } from './rollouts.js';
import { RunsRepository } from './runs.js';
import { RuntimesRepository } from './runtimes.js';
import { SessionsRepository } from './sessions.js';
import { WorkloadsRepository } from './workloads.js';

export * from './canary.js';
export * from './insights.js';
export * from './pins.js';
export * from './regressions.js';
export * from './rollout-evidence.js';
export * from './rollouts.js';
export * from './runs.js';
export * from './runtimes.js';
export * from './sessions.js';
export * from './workloads.js';

export interface Repositories {
  runtimes: RuntimesRepository;
  workloads: WorkloadsRepository;
  sessions: SessionsRepository;
  pins: PinsRepository;
  runs: RunsRepository;
  regressions: RegressionsRepository;
  /** Read-only aggregates for the dashboard. */
  insights: InsightsRepository;
  canary: CanaryRepository;
  rollouts: RolloutsRepository;
  /** Read-side run aggregates for rollout gates and performance regressions. */
  rolloutEvidence: RolloutEvidenceRepository;
}

/** All repositories over one executor: the database, or an open transaction. */
export function createRepositories(db: Executor): Repositories {
  return {
    runtimes: new RuntimesRepository(db),
    workloads: new WorkloadsRepository(db),
    sessions: new SessionsRepository(db),
    pins: new PinsRepository(db),
    runs: new RunsRepository(db),
    regressions: new RegressionsRepository(db),
    insights: new InsightsRepository(db),
    canary: new CanaryRepository(db),
    rollouts: new RolloutsRepository(db),
    rolloutEvidence: new RolloutEvidenceRepository(db),
  };
}

/** Runs `fn` with repositories bound to one transaction: committed if it resolves, rolled back if it throws. */
export function withTransaction<T>(db: Executor, fn: (repos: Repositories) => Promise<T>): Promise<T> {
  return db.transaction((tx) => fn(createRepositories(tx)));
}
