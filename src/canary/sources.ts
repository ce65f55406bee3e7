/** Captured plans (Postgres rows) as replayable plans, with optional sampling. */
import { fromBinary } from '@bufbuild/protobuf';
import { ExecutePlanRequestSchema } from '../protocol/index.js';
import type { CapturedPlanRecord } from '../store/index.js';
import { planRelation, topIsSort } from './plan-tree.js';
import { decodeSetupLog } from './setup-log.js';
import type { ReplayablePlan } from './types.js';

export function fromCaptured(rec: CapturedPlanRecord): ReplayablePlan {
  const req = fromBinary(ExecutePlanRequestSchema, rec.request);
  return {
    name: `${rec.workload}/${rec.fingerprint}`,
    source: 'captured',
    tenant: rec.tenant,
    workload: rec.workload,
    fingerprint: rec.fingerprint,
    plan: req.plan,
    setup: decodeSetupLog(rec.setup),
    hasWrite: rec.hasWrite,
    ordered: topIsSort(planRelation(req.plan)),
    sqlText: rec.sqlText ?? undefined,
    redacted: rec.redacted,
    capturedPlanId: rec.id,
  };
}

/** `n` items chosen uniformly (a seeded shuffle when `seed` is given, for reproducible CI runs). */
export function sample<T>(items: readonly T[], n: number | undefined, seed?: number): T[] {
  if (n === undefined || n >= items.length) return [...items];
  let s = seed ?? Math.floor(Math.random() * 2 ** 31);
  const rand = () => {
    s = (s * 1_103_515_245 + 12_345) % 2 ** 31;
    return s / 2 ** 31;
  };
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [a[i], a[j]] = [a[j] as T, a[i] as T];
  }
  return a.slice(0, Math.max(0, n));
}
