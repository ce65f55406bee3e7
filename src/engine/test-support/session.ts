/** A throwaway engine session for unit tests: Spark 4 defaults, UTC, a warehouse in the OS temp folder. */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EngineSession } from '../api.js';
import { createEngine } from '../index.js';

export function testSession(ansi = true): EngineSession {
  const s = createEngine({
    profile: { ansiEnabled: ansi, stringNumberCoercion: 'lenient', legacySizeOfNull: false, legacyStatisticalAggregate: false },
    warehouseDir: join(tmpdir(), 'perennial-wh'),
    allowedRoots: [tmpdir()],
  }).newSession();
  s.conf.set('spark.sql.session.timeZone', 'UTC');
  return s;
}
