/**
 * Deterministic cohorts: a workload's bucket is a hash of its id in [0, 1). A stage admits every
 * workload whose bucket is below the stage's fraction, so raising the fraction only ever adds
 * workloads (no flapping), and every gateway computes the same answer without coordination.
 */
import { createHash } from 'node:crypto';

const cache = new Map<string, number>();

export function bucketOf(tenant: string, workload: string): number {
  const key = `${tenant}\u0000${workload}`;
  let b = cache.get(key);
  if (b === undefined) {
    const h = createHash('sha256').update(key).digest();
    b = h.readUInt32BE(0) / 2 ** 32;
    if (cache.size > 100_000) cache.clear();
    cache.set(key, b);
  }
  return b;
}

export function inCohort(tenant: string, workload: string, fraction: number): boolean {
  return bucketOf(tenant, workload) < fraction;
}
