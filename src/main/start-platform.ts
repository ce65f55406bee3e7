/**
 * Composition root of a platform process: databases (embedded when no URLs are given), migrations,
 * runtime registry, driver pool, router, gateway and HTTP endpoints. Returns a handle that stops
 * everything in reverse order.
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { PlatformConfig } from '../core/config.js';
import { createLogger, type Logger } from '../core/logger.js';
import { loadRuntimeManifests, parseRuntimeManifest, type RuntimeManifest } from '../core/runtime.js';
import { DriverPool } from '../driver-pool/index.js';
import { RuntimeLifecycle } from '../lifecycle/runtimes.js';
import { UnpinVerifier } from '../lifecycle/unpin.js';
import { Gateway } from '../gateway/index.js';
import { startPersistRunsWorker } from '../jobs/index.js';
import { createRoutingChannel, createRunsProducer, type RoutingChannel } from '../queue/index.js';
import { BufferedRecorder } from '../recorder/index.js';
import { BlinkTwicePolicy } from '../retry/index.js';
import { RolloutController } from '../rollout/controller.js';
import { routingStage } from '../rollout/machine.js';
import { PerformanceRegressionDetector } from '../rollout/perf.js';
import { registerOperatorRoutes } from '../rollout/routes.js';
import { RolloutService } from '../rollout/service.js';
import { pinKey, Router, type RoutingSnapshot } from '../router/index.js';
import { createDb, createRepositories, type Db, migrateDb, type Repositories } from '../store/index.js';
import { type CanaryPlatformOptions, canaryOptionsFromEnv, PlanCapture, ShadowRunner } from '../canary/index.js';
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
  /** Staged rollouts: operator actions, and the controller (gates, perf regressions, unpin checks). */
  rollouts: RolloutService;
  controller: RolloutController;
  perf: PerformanceRegressionDetector;
  unpin: UnpinVerifier;
  /** Runtime add / rolling restart / remove without a platform restart. */
  lifecycle: RuntimeLifecycle;
  stop(): Promise<void>;
}

/** `canary`: plan capture and shadow-mode settings (default: from the PERENNIAL_CAPTURE* / PERENNIAL_SHADOW_* env). */
export async function startPlatform(
  config: Readonly<PlatformConfig>,
  extras: { canary?: CanaryPlatformOptions } = {},
): Promise<Platform> {
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
    // Runtimes registered at run time (`perennial runtimes add`) live in the data folder.
    const addedRuntimesDir = join(dataDir, 'runtimes');
    const shipped = loadRuntimeManifests(runtimesDir);
    const added = existsSync(addedRuntimesDir)
      ? loadRuntimeManifests(addedRuntimesDir).filter((m) => !shipped.some((x) => x.version === m.version))
      : [];
    // ... or were registered through another gateway sharing this database: keep them installed.
    for (const r of await repos.runtimes.list()) {
      if (shipped.some((m) => m.version === r.version) || added.some((m) => m.version === r.version)) continue;
      try {
        const m = parseRuntimeManifest(r.manifest, `the stored manifest of ${r.version}`);
        mkdirSync(join(addedRuntimesDir, m.version), { recursive: true });
        writeFileSync(join(addedRuntimesDir, m.version, 'runtime.json'), `${JSON.stringify(r.manifest, null, 2)}\n`);
        added.push(m);
      } catch (err) {
        log.warn({ version: r.version, err: String(err) }, 'stored runtime manifest is invalid; not started');
      }
    }
    const manifests = [...shipped, ...added];
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
      manifestPath: (v) =>
        added.some((m) => m.version === v) ? join(addedRuntimesDir, v, 'runtime.json') : join(runtimesDir, v, 'runtime.json'),
      log,
      memoryLimitMb: config.driverMemoryMb,
    });
    stops.push(() => pool.shutdown());
    await Promise.all(manifests.map((m) => pool.addRuntime(m)));

    const router = new Router(await loadSnapshot(repos, manifests));
    const refreshRouting = async () => router.swap(await loadSnapshot(repos, pool.runtimes()));
    // Changes made anywhere (CLI, API, another gateway) arrive by pub/sub; the timer covers a lost message.
    let onRoutingMessage: (reason: string) => void = () => {};
    const routing = createRoutingChannel(redisUrl, (reason) => {
      refreshRouting().catch((err: unknown) => log.warn({ err: String(err) }, 'routing refresh failed'));
      onRoutingMessage(reason);
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

    // Canaries: capture distinct plans per workload, and shadow runs on a candidate (src/canary).
    const canaryOpts = extras.canary ?? canaryOptionsFromEnv(process.env);
    const capture = canaryOpts.capture.enabled
      ? new PlanCapture({
          sink: (input, max) => repos.canary.capture(input, max),
          maxPlansPerWorkload: canaryOpts.capture.maxPlansPerWorkload,
          redactWorkloads: canaryOpts.capture.redactWorkloads,
          maxSetupBytes: canaryOpts.capture.maxSetupBytes,
          log,
        })
      : undefined;
    if (capture) stops.push(() => capture.close());
    const shadow = canaryOpts.shadow
      ? new ShadowRunner({ ...canaryOpts.shadow, drivers: pool, record: (r) => repos.canary.recordRegression(r), log })
      : undefined;
    if (shadow) stops.push(() => shadow.close());

    const gateway = new Gateway({
      pool,
      router,
      auth: { tokens: config.tokens },
      log,
      policy,
      holdBackBytes: config.holdBackBytes,
      ...(capture || shadow
        ? {
            onCapture: (c) => {
              capture?.onExecution(c);
              shadow?.onExecution(c);
            },
          }
        : {}),
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
    // Rollouts, performance regressions, unpin-on-fix and runtime lifecycle (src/rollout, src/lifecycle).
    const routingChanged = async (reason: string) => {
      await refreshRouting();
      await routing.publish(reason);
    };
    const unpin = new UnpinVerifier({ repos, pool, router, log, routingChanged });
    const perf = new PerformanceRegressionDetector(repos, log);
    let controllerRef: RolloutController | undefined;
    const setDefault = async (version: string) => {
      await repos.runtimes.setDefault(version);
      controllerRef?.requestUnpinCheck();
    };
    const controller = new RolloutController({ repos, databaseUrl, log, routingChanged, setDefault, perf, unpin });
    controllerRef = controller;
    controller.start();
    stops.push(() => controller.stop());
    const rollouts = new RolloutService({ repos, pool, controller, routingChanged, setDefault });
    const lifecycle = new RuntimeLifecycle({
      repos,
      pool,
      log,
      manifestsDir: addedRuntimesDir,
      routingChanged,
      onRuntimeAdded: () => controller.requestUnpinCheck(),
    });
    // A new default or runtime anywhere: the leader re-checks pinned regressions; a runtime added or
    // removed through another gateway is started or stopped here too.
    onRoutingMessage = (reason) => {
      if (reason.startsWith('default ') || reason.startsWith('runtime-added ')) controller.requestUnpinCheck();
      if (reason.startsWith('runtime-added ') || reason.startsWith('runtime-removed ')) {
        lifecycle
          .syncFromStore()
          .then((changed) => (changed ? refreshRouting() : undefined))
          .catch((err: unknown) => log.warn({ err: String(err) }, 'runtime sync from the store failed'));
      }
    };
    const http = await startHttp({
      port: config.httpPort,
      pool,
      gateway,
      log,
      repos,
      router,
      routing,
      refreshRouting,
      tokens: config.tokens,
      operatorTokens: config.operatorTokens,
      routes: (app) => registerOperatorRoutes(app, { rollouts, lifecycle, tokens: config.tokens, operatorTokens: config.operatorTokens }),
    });
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
      rollouts,
      controller,
      perf,
      unpin,
      lifecycle,
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
  const rollout = await repos.rollouts.current();
  return {
    ...(rollout ? { rollout: routingStage(rollout) } : {}),
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
