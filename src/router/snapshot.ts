/**
 * The immutable read model the router decides from. Built off the hot path (from Postgres, refreshed
 * on change notifications) and swapped atomically; routing itself never awaits anything.
 */
export interface Pin {
  tenant: string;
  workload: string;
  version: string;
  reason: 'manual' | 'regression';
  expiresAt?: number;
}

export interface RolloutStage {
  /** The version being rolled out. */
  candidate: string;
  /** Share of workloads (0..1) admitted to the candidate at the current stage. */
  fraction: number;
  /** Paused or halted rollouts admit nobody new but keep no one either: fraction applies only when active. */
  active: boolean;
}

export interface RoutingSnapshot {
  defaultVersion: string;
  /** key: `${tenant}\u0000${workload}` */
  pins: ReadonlyMap<string, Pin>;
  rollout?: RolloutStage;
  /** Versions that can take traffic; a pin to a removed version falls through to the default. */
  available: ReadonlySet<string>;
}

export function pinKey(tenant: string, workload: string): string {
  return `${tenant}\u0000${workload}`;
}
