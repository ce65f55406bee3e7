import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decideRetry, type RetryInput } from './decide.js';

const input = fc.record<RetryInput>({
  transient: fc.boolean(),
  otherProcess: fc.boolean(),
  kind: fc.constantFrom(undefined, 'user', 'unsupported', 'internal', 'resources-exhausted', 'unavailable', 'auth', 'session'),
  hasWrite: fc.boolean(),
  failedVersion: fc.constantFrom('1.0', '2.0', '2.1'),
  lastGoodVersion: fc.constantFrom(undefined, '1.0', '2.0', '2.1'),
  transientRetries: fc.nat(3),
  blinked: fc.boolean(),
});

describe('decideRetry', () => {
  it('never retries auth or session errors', () => {
    fc.assert(fc.property(input, (i) => (i.kind === 'auth' || i.kind === 'session' ? decideRetry(i).action === 'fail' : true)));
  });

  it('retries a transient failure at most once, and never a write', () => {
    fc.assert(
      fc.property(input, (i) => {
        const d = decideRetry(i);
        if (d.action !== 'retry-transient') return true;
        return i.transient && i.otherProcess && !i.hasWrite && i.transientRetries === 0;
      }),
    );
  });

  it('blinks only to a different, known good version, once', () => {
    fc.assert(
      fc.property(input, (i) => {
        const d = decideRetry(i);
        if (d.action !== 'retry-on-version') return true;
        return !i.transient && !i.blinked && d.version === i.lastGoodVersion && d.version !== i.failedVersion;
      }),
    );
  });

  it('blinks for every deterministic failure with a different last good version', () => {
    fc.assert(
      fc.property(input, (i) => {
        const eligible =
          !i.transient && i.kind !== 'auth' && i.kind !== 'session' && !i.blinked && i.lastGoodVersion !== undefined && i.lastGoodVersion !== i.failedVersion;
        return !eligible || decideRetry(i).action === 'retry-on-version';
      }),
    );
  });

  it('a workload whose only version is the failing one gets its own error', () => {
    expect(
      decideRetry({ transient: false, otherProcess: true, kind: 'user', hasWrite: false, failedVersion: '2.0', lastGoodVersion: '2.0', transientRetries: 0, blinked: false }),
    ).toEqual({ action: 'fail' });
  });
});
