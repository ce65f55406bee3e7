/**
 * Real Postgres and Redis for integration tests: embedded servers in a temp folder, or the servers
 * named by DATABASE_URL / REDIS_URL when set. Either way the schema is migrated.
 */
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type EmbeddedPostgres, startEmbeddedPostgres } from '../../src/main/embedded-postgres.js';
import { type EmbeddedRedis, startEmbeddedRedis } from '../../src/main/embedded-redis.js';
import { migrateDb } from '../../src/store/index.js';

export interface TestInfra {
  databaseUrl: string;
  redisUrl: string;
  stop(): Promise<void>;
}

/** Infra a test can break: always embedded, with servers that stop and restart on the same ports and data. */
export interface ControlledInfra extends TestInfra {
  /** A private temp folder (removed by stop()), e.g. for a recorder's spill. */
  tmpDir: string;
  stopPostgres(): Promise<void>;
  startPostgres(): Promise<void>;
  stopRedis(): Promise<void>;
  startRedis(): Promise<void>;
}

async function makeTmpDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'perennial-test-'));
  // Postgres runs as the 'postgres' user when we are root: it must be able to enter the folder.
  await chmod(dir, 0o755);
  return dir;
}

export async function startTestInfra(): Promise<TestInfra> {
  const envDb = process.env.DATABASE_URL;
  const envRedis = process.env.REDIS_URL;
  if (envDb && envRedis) {
    await migrateDb(envDb);
    return { databaseUrl: envDb, redisUrl: envRedis, stop: async () => undefined };
  }
  const tmp = await makeTmpDir();
  let pgServer: EmbeddedPostgres | undefined;
  let redis: EmbeddedRedis | undefined;
  try {
    [pgServer, redis] = await Promise.all([
      envDb ? undefined : startEmbeddedPostgres({ dataDir: join(tmp, 'pg') }),
      envRedis ? undefined : startEmbeddedRedis({ dataDir: join(tmp, 'redis') }),
    ]);
    const databaseUrl = envDb ?? pgServer?.url ?? '';
    await migrateDb(databaseUrl);
    return {
      databaseUrl,
      redisUrl: envRedis ?? redis?.url ?? '',
      async stop() {
        await Promise.allSettled([pgServer?.stop(), redis?.stop()]);
        await rm(tmp, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await Promise.allSettled([pgServer?.stop(), redis?.stop()]);
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
}

export async function startControlledInfra(): Promise<ControlledInfra> {
  const tmpDir = await makeTmpDir();
  const pgDir = join(tmpDir, 'pg');
  const redisDir = join(tmpDir, 'redis');
  let pgServer: EmbeddedPostgres | undefined = await startEmbeddedPostgres({ dataDir: pgDir });
  let redis: EmbeddedRedis | undefined = await startEmbeddedRedis({ dataDir: redisDir });
  const pgPort = pgServer.port;
  const redisPort = redis.port;
  await migrateDb(pgServer.url);
  return {
    tmpDir,
    databaseUrl: pgServer.url,
    redisUrl: redis.url,
    async stopPostgres() {
      await pgServer?.stop();
      pgServer = undefined;
    },
    async startPostgres() {
      pgServer ??= await startEmbeddedPostgres({ dataDir: pgDir, port: pgPort });
    },
    async stopRedis() {
      await redis?.stop();
      redis = undefined;
    },
    async startRedis() {
      redis ??= await startEmbeddedRedis({ dataDir: redisDir, port: redisPort });
    },
    async stop() {
      await Promise.allSettled([pgServer?.stop(), redis?.stop()]);
      await rm(tmpDir, { recursive: true, force: true });
    },
  };
}
