import { randomUUID } from 'node:crypto';
import type { RunEvent } from '../../src/recorder/index.js';

/** A valid run event; override what the test cares about. */
export function runEvent(over: Partial<RunEvent> = {}): RunEvent {
  return {
    runId: randomUUID(),
    operationId: randomUUID(),
    tenant: 'tenant-a',
    workload: 'nightly-etl',
    sessionId: 'session-1',
    fingerprint: 'fp-1',
    runtimeVersion: '4.0.1',
    attempt: 1,
    outcome: 'success',
    durationMs: 12,
    rows: 10,
    bytes: 640,
    startedAt: new Date().toISOString(),
    ...over,
  };
}

/** A tenant name no other test uses, so assertions can count only their own rows. */
export function uniqueTenant(label: string): string {
  return `${label}-${randomUUID().slice(0, 8)}`;
}
