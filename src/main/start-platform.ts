/**
 * Composition root of a platform process: databases (embedded when no URLs are given), migrations,
 * runtime registry, driver pool, router, gateway and HTTP endpoints. Returns a handle that stops
 * everything in reverse order.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { PlatformConfig } from '../core/config.js';
import { createLogger, type Logger } from '../core/logger.js';
import { loadRuntimeManifests, type RuntimeManifest } from '../core/runtime.js';
import { DriverPool } from '../driver-pool/index.js';
import { Gateway } from '../gateway/index.js';
import { startPersistRunsWorker } from '../jobs/index.js';
import { createRoutingChannel, createRunsProducer, type RoutingChannel } from '../queue/index.js';
import { BufferedRecorder } from '../recorder/index.js';
import { BlinkTwicePolicy } from '../retry/index.js';
import { pinKey, Router, type RoutingSnapshot } from '../router/index.js';
import { createDb, createRepositories, type Db, migrateDb, type Repositories } from '../store/index.js';
import { startEmbeddedPostgres } from './embedded-postgres.js';
import { startEmbeddedRedis } from './embedded-redis.js';
import { startHttp } from './http.js';
import { meteredRecorder, regressionsFound } from './metrics.js';
import { driverEntry, packageRoot } from './paths.js';

export interface Platform {
  config: Readonly<PlatformConfig>;
  gatewayPort: number;
  httpPort: number;
  databaseUrl: string;
  redisUrl: string;
  pool: DriverPool;
  gateway: Gateway;
  router: Router;
  repos: Repositories;
  recorder: BufferedRecorder;
  routing: RoutingChannel;
  db: Db;
  log: Logger;
  /** Re-reads defaults and pins from Postgres into the router. */
  refreshRouting(): Promise<void>;
  stop(): Promise<void>;
}

export async function startPlatform(config: Readonly<PlatformConfig>): Promise<Platform> {
  const log = createLogger('perennial', config.logLevel);
  const dataDir = resolve(config.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const s of stops.reverse()) await s().catch((err: unknown) => log.error({ err: String(err) }, 'stop step failed'));
  };
  try {
    let databaseUrl = config.databaseUrl;
    if (!databaseUrl) {
      const pg = await startEmbeddedPostgres({ dataDir: join(dataDir, 'postgres') });
      stops.push(() => pg.stop());
      databaseUrl = pg.url;
      log.info({ port: pg.port }, 'embedded postgres started');
    }
    let redisUrl = config.redisUrl;
    if (!redisUrl) {
      const redis = await startEmbeddedRedis({ dataDir: join(dataDir, 'redis') });
      stops.push(() => redis.stop());
      redisUrl = redis.url;
      log.info({ port: redis.port }, 'embedded redis started');
    }
    await migrateDb(databaseUrl);
    const db = createDb(databaseUrl, { onIdleError: (err) => log.warn({ err: err.message }, 'postgres connection lost') });
    stops.push(() => db.close());
    const repos = createRepositories(db.db);

    const runtimesDir = resolve(packageRoot, config.runtimesDir);
    const manifests = loadRuntimeManifests(runtimesDir);
    if (manifests.length === 0) throw new Error(`No runtime manifests found in ${runtimesDir}`);
    await repos.runtimes.syncFromManifests(
      manifests.map((m) => ({ version: m.version, kind: m.kind, endpoint: m.endpoint ?? null, sparkVersion: m.sparkVersion, manifest: m })),
    );
    if (!(await repos.runtimes.getDefault())) {
      const initial = manifests.some((m) => m.version === config.defaultRuntime)
        ? config.defaultRuntime
        : (manifests[0] as RuntimeManifest).version;
      await repos.runtimes.setDefault(initial);
    }

    const warehouseDir = join(dataDir, 'warehouse');
    mkdirSync(warehouseDir, { recursive: true });
    const pool = new DriverPool({
      driverEntry,
      warehouseDir,
      allowedRoots: config.allowedRoots.map((r) => resolve(r)),
      manifestPath: (v) => join(runtimesDir, v, 'runtime.json'),
      log,
      memoryLimitMb: config.driverMemoryMb,
    });
    stops.push(() => pool.shutdown());
    await Promise.all(manifests.map((m) => pool.addRuntime(m)));

    const router = new Router(await loadSnapshot(repos, manifests));
    const refreshRouting = async () => router.swap(await loadSnapshot(repos, pool.runtimes()));
    // Changes made anywhere (CLI, API, another gateway) arrive by pub/sub; the timer covers a lost message.
    const routing = createRoutingChannel(redisUrl, () => {
      refreshRouting().catch((err: unknown) => log.warn({ err: String(err) }, 'routing refresh failed'));
    });
    stops.push(() => routing.close());
    const refreshTimer = setInterval(() => void refreshRouting().catch(() => undefined), 30_000);
    refreshTimer.unref();
    stops.push(async () => clearInterval(refreshTimer));

    // Run recording: bounded buffer → BullMQ → worker → Postgres; a disk spill while Redis is away.
    const producer = createRunsProducer({ redisUrl });
    stops.push(() => producer.close());
    const worker = startPersistRunsWorker({ redisUrl, db: db.db, logger: log });
    stops.push(() => worker.close());
    const recorder = new BufferedRecorder({ sink: producer, spillDir: join(dataDir, 'spill', `gateway-${process.pid}`), logger: log });
    stops.push(() => recorder.close());

    const policy = new BlinkTwicePolicy({
      recorder: meteredRecorder(recorder),
      log,
      loadLastGood: async (tenant, workload, failedVersion) => {
        const pin = await repos.pins.get(tenant, workload);
        if (pin && pin.version !== failedVersion) return pin.version;
        return (await repos.runs.lastSuccessfulVersion(tenant, workload, failedVersion)) ?? undefined;
      },
      commitRegression: async (c) => {
        await repos.regressions.recordRegressionAndPin({
          kind: 'error',
          fingerprint: c.fingerprint,
          failedVersion: c.failedVersion,
          goodVersion: c.goodVersion,
          errorClass: c.errorClass,
          errorMessage: c.errorMessage,
          plan: c.plan,
          sqlText: c.sqlText,
          tenant: c.tenant,
          workload: c.workload,
        });
      },
      onPinned: (tenant, workload, version) => {
        regressionsFound.inc({ failed: router.route(tenant, workload).version, good: version });
        const cur = router.current();
        const pins = new Map(cur.pins);
        pins.set(pinKey(tenant, workload), { tenant, workload, version, reason: 'regression' });
        router.swap({ ...cur, pins });
        void routing.publish(`pin ${workload}`);
      },
    });

    const gateway = new Gateway({
      pool,
      router,
      auth: { tokens: config.tokens },
      log,
      policy,
      holdBackBytes: config.holdBackBytes,
      onSessionStart: (s) => {
        repos.sessions
          .recordStart({
            sessionId: s.sessionId,
            tenant: s.tenant,
            workload: s.workload,
            runtimeVersion: s.version,
            userId: s.userId,
            clientType: s.clientType ?? null,
          })
          .catch((err: unknown) => log.warn({ err: String(err) }, 'could not record session start'));
      },
      onSessionEnd: (s) => {
        repos.sessions.recordEnd(s.sessionId).catch(() => {});
      },
    });
    const gatewayPort = await gateway.listen(config.host, config.port);
    stops.push(() => gateway.shutdown(5_000));
    const http = await startHttp({ port: config.httpPort, pool, gateway, log, repos, router, routing, refreshRouting, tokens: config.tokens, operatorTokens: config.operatorTokens });
    stops.push(() => http.close());
    log.info({ gatewayPort, httpPort: http.port }, 'perennial started');
    // How the CLI finds this platform when no URL is given.
    const discovery = join(dataDir, 'platform.json');
    writeFileSync(discovery, JSON.stringify({ pid: process.pid, gatewayPort, httpPort: http.port }, null, 2));
    stops.push(async () => rmSync(discovery, { force: true }));
    return {
      config,
      gatewayPort,
      httpPort: http.port,
      databaseUrl,
      redisUrl,
      pool,
      gateway,
      router,
      repos,
      recorder,
      routing,
      db,
      log,
      refreshRouting,
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

async function loadSnapshot(repos: Repositories, manifests: RuntimeManifest[]): Promise<RoutingSnapshot> {
  const def = await repos.runtimes.getDefault();
  const pins = await repos.pins.snapshot();
  return {
    defaultVersion: def?.version ?? (manifests[0] as RuntimeManifest).version,
    pins: new Map(
      pins.map((p) => [
        `${p.tenant}\u0000${p.workload}`,
        {
          tenant: p.tenant,
          workload: p.workload,
          version: p.version,
          reason: p.reason,
          ...(p.expiresAt ? { expiresAt: p.expiresAt.getTime() } : {}),
        },
      ]),
    ),
    available: new Set(manifests.map((m) => m.version)),
  };
}
