/**
 * route(): which runtime version runs a workload's queries. Pure and synchronous over a snapshot:
 * pin ▸ rollout cohort ▸ default.
 */
import { inCohort } from './cohort.js';
import { pinKey, type RoutingSnapshot } from './snapshot.js';

export type RouteReason = 'pin' | 'rollout' | 'default';

export interface Route {
  version: string;
  reason: RouteReason;
}

export function route(s: RoutingSnapshot, tenant: string, workload: string, now = Date.now()): Route {
  const pin = s.pins.get(pinKey(tenant, workload));
  if (pin && (pin.expiresAt === undefined || pin.expiresAt > now) && s.available.has(pin.version)) {
    return { version: pin.version, reason: 'pin' };
  }
  const r = s.rollout;
  if (r?.active && s.available.has(r.candidate) && inCohort(tenant, workload, r.fraction)) {
    return { version: r.candidate, reason: 'rollout' };
  }
  return { version: s.defaultVersion, reason: 'default' };
}

/** Holds the current snapshot; `swap` replaces it atomically (readers never see a half-built one). */
export class Router {
  constructor(private snapshot: RoutingSnapshot) {}

  current(): RoutingSnapshot {
    return this.snapshot;
  }

  swap(next: RoutingSnapshot): void {
    this.snapshot = next;
  }

  route(tenant: string, workload: string): Route {
    return route(this.snapshot, tenant, workload);
  }
}
