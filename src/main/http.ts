/**
 * The platform's HTTP port: health, Prometheus metrics and the operator JSON API (used by the CLI,
 * the dashboard and scripts). Every query is parameterized in the store; inputs are validated here.
 */
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { collectDefaultMetrics, Gauge, register } from 'prom-client';
import { PerennialError, toPerennialError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { registerDashboard } from '../dashboard/index.js';
import type { DriverPool } from '../driver-pool/index.js';
import type { Gateway } from '../gateway/index.js';
import type { RoutingChannel } from '../queue/index.js';
import type { Router } from '../router/index.js';
import type { RegressionStatus, Repositories } from '../store/index.js';

export interface HttpOptions {
  port: number;
  pool: DriverPool;
  gateway: Gateway;
  log: Logger;
  repos: Repositories;
  router: Router;
  routing: RoutingChannel;
  refreshRouting(): Promise<void>;
  /** token → tenant; empty: the API is open (loopback only). */
  tokens?: ReadonlyMap<string, string>;
  /** Operator token → tenant: also valid on the API; the dashboard's actions need one. */
  operatorTokens?: ReadonlyMap<string, string>;
  /** Further API routes registered by the composition root (rollouts, runtime lifecycle). */
  routes?: (app: FastifyInstance) => void;
}

let metricsRegistered = false;

function registerGauges(opts: HttpOptions): void {
  if (metricsRegistered) return;
  metricsRegistered = true;
  collectDefaultMetrics({ prefix: 'perennial_' });
  new Gauge({
    name: 'perennial_sessions',
    help: 'Open Spark Connect sessions on this gateway',
    collect() {
      this.set(opts.gateway.sessions.size);
    },
  });
  new Gauge({
    name: 'perennial_drivers_ready',
    help: 'Driver processes ready, by runtime version',
    labelNames: ['version'],
    collect() {
      this.reset();
      for (const d of opts.pool.all()) if (d.state === 'ready') this.inc({ version: d.version });
    },
  });
  new Gauge({
    name: 'perennial_pins',
    help: 'Pinned workloads in the routing snapshot',
    collect() {
      this.set(opts.router.current().pins.size);
    },
  });
}

const STATUSES: RegressionStatus[] = ['open', 'acknowledged', 'fixed', 'verified'];

function badRequest(message: string): PerennialError {
  return new PerennialError('INVALID_PARAMETER_VALUE', message, { kind: 'user', sqlState: '22023' });
}

function str(v: unknown, name: string, required = true): string | undefined {
  if (v === undefined || v === null || v === '') {
    if (required) throw badRequest(`"${name}" is required`);
    return undefined;
  }
  if (typeof v !== 'string' || v.length > 256) throw badRequest(`"${name}" must be a string of at most 256 characters`);
  return v;
}

export async function startHttp(opts: HttpOptions): Promise<{ port: number; close(): Promise<void> }> {
  registerGauges(opts);
  const app = Fastify({ logger: false });
  const tokens = new Map<string, string>([...(opts.tokens ?? []), ...(opts.operatorTokens ?? [])]);

  /** The caller's tenant: from the bearer token when auth is on, else the `tenant` parameter or `default`. */
  const tenantOf = (req: FastifyRequest): string => {
    if (tokens.size === 0) {
      const q = (req.query as Record<string, unknown>).tenant;
      return typeof q === 'string' && q ? q : 'default';
    }
    const m = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
    const t = m ? tokens.get(m[1] as string) : undefined;
    if (!t) throw new PerennialError('UNAUTHENTICATED', 'A valid bearer token is required.', { kind: 'auth', sqlState: '28000' });
    return t;
  };

  app.setErrorHandler((err: unknown, _req: FastifyRequest, reply: FastifyReply) => {
    const e = toPerennialError(err);
    const code = e.kind === 'auth' ? 401 : e.kind === 'user' ? 400 : e.errorClass.endsWith('NOT_FOUND') ? 404 : 500;
    void reply.code(code).send({ error: { errorClass: e.errorClass, message: e.message } });
  });

  app.get('/healthz', async (_req, reply) => {
    const drivers = opts.pool
      .all()
      .map((d) => ({ id: d.id, version: d.version, state: d.state, pid: d.pid ?? null, restarts: d.restarts }));
    const ok = opts.pool.runtimes().every((m) => drivers.some((d) => d.version === m.version && d.state === 'ready'));
    reply.code(ok ? 200 : 503);
    return { ok, drivers, sessions: opts.gateway.sessions.size };
  });

  app.get('/metrics', async (_req, reply) => {
    reply.header('content-type', register.contentType);
    return register.metrics();
  });

  // ---- runtimes
  app.get('/api/runtimes', async () => {
    const rows = await opts.repos.runtimes.list();
    return rows.map((r) => ({
      version: r.version,
      kind: r.kind,
      sparkVersion: r.sparkVersion,
      isDefault: r.isDefault,
      drivers: opts.pool
        .all()
        .filter((d) => d.version === r.version)
        .map((d) => ({ id: d.id, state: d.state, pid: d.pid ?? null, sessions: d.sessions })),
    }));
  });
  app.post('/api/runtimes/default', async (req) => {
    const version = str((req.body as Record<string, unknown> | undefined)?.version, 'version') as string;
    if (!opts.pool.manifest(version)) throw badRequest(`runtime ${version} is not registered`);
    const r = await opts.repos.runtimes.setDefault(version);
    await opts.refreshRouting();
    await opts.routing.publish(`default ${version}`);
    return { version: r.version, isDefault: true };
  });

  // ---- pins
  app.get('/api/pins', async (req) => opts.repos.pins.list({ tenant: tenantOf(req) }));
  app.post('/api/pins', async (req) => {
    const b = (req.body ?? {}) as Record<string, unknown>;
    const tenant = tenantOf(req);
    const workload = str(b.workload, 'workload') as string;
    const version = str(b.version, 'version') as string;
    if (!opts.pool.manifest(version)) throw badRequest(`runtime ${version} is not registered`);
    const pin = await opts.repos.pins.add({
      tenant,
      workload,
      version,
      reason: 'manual',
      actor: str(b.actor, 'actor', false) ?? 'api',
      note: str(b.note, 'note', false) ?? null,
    });
    await opts.refreshRouting();
    await opts.routing.publish(`pin ${workload}`);
    return pin;
  });
  app.delete('/api/pins/:workload', async (req) => {
    const tenant = tenantOf(req);
    const workload = str((req.params as Record<string, unknown>).workload, 'workload') as string;
    const removed = await opts.repos.pins.remove({ tenant, workload, actor: 'api' });
    if (!removed) throw new PerennialError('PIN_NOT_FOUND', `Workload ${workload} is not pinned.`, { kind: 'user', sqlState: '42704' });
    await opts.refreshRouting();
    await opts.routing.publish(`unpin ${workload}`);
    return removed;
  });

  // ---- regressions
  app.get('/api/regressions', async (req) => {
    const q = req.query as Record<string, unknown>;
    const status = str(q.status, 'status', false) as RegressionStatus | undefined;
    if (status && !STATUSES.includes(status)) throw badRequest(`status must be one of ${STATUSES.join(', ')}`);
    const limit = q.limit === undefined ? 50 : Number(q.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw badRequest('limit must be an integer from 1 to 500');
    return opts.repos.regressions.list({
      tenant: tenantOf(req),
      ...(status ? { status } : {}),
      limit,
      cursor: str(q.cursor, 'cursor', false) ?? null,
    });
  });
  app.get('/api/regressions/:id', async (req) => {
    const id = Number((req.params as Record<string, unknown>).id);
    if (!Number.isInteger(id)) throw badRequest('id must be an integer');
    const r = await opts.repos.regressions.get(id);
    if (!r) throw new PerennialError('REGRESSION_NOT_FOUND', `Regression ${id} does not exist.`, { kind: 'user', sqlState: '42704' });
    return { ...r, plan: r.plan ? Buffer.from(r.plan).toString('base64') : null };
  });
  app.post('/api/regressions/:id/status', async (req) => {
    const id = Number((req.params as Record<string, unknown>).id);
    const status = str((req.body as Record<string, unknown> | undefined)?.status, 'status') as RegressionStatus;
    if (!Number.isInteger(id)) throw badRequest('id must be an integer');
    if (!STATUSES.includes(status)) throw badRequest(`status must be one of ${STATUSES.join(', ')}`);
    return opts.repos.regressions.setStatus(id, status);
  });

  // ---- runs
  app.get('/api/runs', async (req) => {
    const q = req.query as Record<string, unknown>;
    const limit = q.limit === undefined ? 100 : Number(q.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw badRequest('limit must be an integer from 1 to 1000');
    const workload = str(q.workload, 'workload', false);
    return opts.repos.runs.list({ tenant: tenantOf(req), ...(workload ? { workload } : {}), limit });
  });

  registerDashboard(app, {
    repos: opts.repos,
    log: opts.log,
    viewerTokens: opts.tokens ?? new Map(),
    operatorTokens: opts.operatorTokens ?? new Map(),
    routingChanged: async (reason) => {
      await opts.refreshRouting();
      await opts.routing.publish(reason);
    },
  });

  opts.routes?.(app);

  await app.listen({ port: opts.port, host: '127.0.0.1' });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : opts.port;
  return { port, close: () => app.close() };
}
