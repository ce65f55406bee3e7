/**
 * A whole platform for end-to-end tests: embedded Postgres and Redis (or DATABASE_URL / REDIS_URL when
 * set), a driver process per runtime in runtimes/, the gateway and the HTTP port — all on free ports,
 * with a private temp data folder. Each call starts an independent platform, so several vitest files
 * may each start their own; every platform costs one driver process per runtime, so start one per
 * file (in beforeAll) and stop it in afterAll.
 *
 * Drivers run compiled JS: `npm run build` first.
 */
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type PlatformConfig } from '../../src/core/config.js';
import { driverEntry } from '../../src/main/paths.js';
import { type Platform, startPlatform } from '../../src/main/start-platform.js';

export interface TestPlatform extends Platform {
  /** The platform's private temp folder (removed by stop()). */
  dataDir: string;
  /** `sc://localhost:<gateway port>/;k=v;...` — values are URL-encoded as pyspark expects. */
  url(params?: Record<string, string>): string;
}

export async function startTestPlatform(overrides: Partial<PlatformConfig> = {}): Promise<TestPlatform> {
  if (!existsSync(driverEntry)) {
    throw new Error(`Compiled driver not found at ${driverEntry}: run \`npm run build\` before the end-to-end suites.`);
  }
  const dataDir = await mkdtemp(join(tmpdir(), 'perennial-platform-'));
  // Postgres runs as the 'postgres' user when we are root: it must be able to enter the folder.
  await chmod(dataDir, 0o755);
  // Only the database URLs come from the environment: everything else is fixed, so a developer's
  // PERENNIAL_* variables cannot change what the tests see.
  const config = loadConfig(
    {
      DATABASE_URL: process.env.DATABASE_URL,
      REDIS_URL: process.env.REDIS_URL,
      PERENNIAL_LOG_LEVEL: process.env.PERENNIAL_TEST_LOG_LEVEL ?? 'warn',
    },
    { host: 'localhost', port: 0, httpPort: 0, dataDir, ...overrides },
  );
  let platform: Platform;
  try {
    platform = await startPlatform(config);
  } catch (err) {
    await rm(dataDir, { recursive: true, force: true }).catch(() => undefined);
    throw err;
  }
  let stopped: Promise<void> | undefined;
  return {
    ...platform,
    dataDir,
    url(params: Record<string, string> = {}) {
      const parts = Object.entries(params).map(([k, v]) => `;${k}=${encodeURIComponent(v)}`);
      return `sc://localhost:${platform.gatewayPort}/${parts.join('')}`;
    },
    stop() {
      stopped ??= (async () => {
        try {
          await platform.stop();
        } finally {
          await rm(dataDir, { recursive: true, force: true }).catch(() => undefined);
        }
      })();
      return stopped;
    },
  };
}
