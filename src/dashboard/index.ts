/**
 * The regression report dashboard: a browser app at `/` on the platform's HTTP port and the JSON
 * endpoints it reads (`/api/dashboard/*`). Read-only over the store except three operator actions
 * (regression status, unpin one workload, unpin a regression's workloads). See access.ts for who may
 * do what, assets.ts for what the browser loads.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { PerennialError, toPerennialError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { HourVersionRow, RegressionKind, RegressionSort, RegressionStatus, Repositories } from '../store/index.js';
import { type Access, AccessControl } from './access.js';
import { type Assets, loadAssets } from './assets.js';
import { decodePlanTree } from './plan-tree.js';

export { type Access, AccessControl, CSRF_HEADER, checkCsrf, type Role } from './access.js';
export { decodePlanTree, type PlanNode, planTreeText } from './plan-tree.js';

export interface DashboardDeps {
  repos: Repositories;
  log: Logger;
  /** Viewer tokens → tenants (PERENNIAL_TOKENS). */
  viewerTokens: ReadonlyMap<string, string>;
  /** Operator tokens → tenants (PERENNIAL_OPERATOR_TOKENS). */
  operatorTokens: ReadonlyMap<string, string>;
  /** After a pin change: refresh this gateway's routing and tell the others. */
  routingChanged(reason: string): Promise<void>;
}

const STATUSES: readonly RegressionStatus[] = ['open', 'acknowledged', 'fixed', 'verified'];
const KINDS: readonly RegressionKind[] = ['error', 'performance', 'wrong-result'];
const SORTS: readonly RegressionSort[] = ['lastSeen', 'firstSeen', 'occurrences', 'workloads', 'id'];
const HOUR_MS = 3_600_000;
/** Aggregates are shared between pollers for this long. */
const CACHE_MS = 2_000;
/** How long a finished hour's run counts are reused before being read again. */
const HOUR_KEEP_MS = 10 * 60_000;

function badRequest(message: string): PerennialError {
  return new PerennialError('INVALID_PARAMETER_VALUE', message, { kind: 'user', sqlState: '22023' });
}

function notFound(what: string): PerennialError {
  return new PerennialError(`${what.toUpperCase()}_NOT_FOUND`, `${what} not found.`, { kind: 'user', sqlState: '42704' });
}

function optStr(v: unknown, name: string, max = 256): string | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string' || v.length > max) throw badRequest(`"${name}" must be a string of at most ${max} characters`);
  return v;
}

function oneOf<T extends string>(v: unknown, name: string, allowed: readonly T[]): T | undefined {
  const s = optStr(v, name);
  if (s === undefined) return undefined;
  if (!allowed.includes(s as T)) throw badRequest(`"${name}" must be one of ${allowed.join(', ')}`);
  return s as T;
}

function intParam(v: unknown, name: string, def: number, min: number, max: number): number {
  if (v === undefined || v === '') return def;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw badRequest(`"${name}" must be an integer from ${min} to ${max}`);
  return n;
}

/** A tiny per-key cache of promises, so many open dashboards cost one query per interval. */
function cached<T>(ttlMs: number) {
  const entries = new Map<string, { at: number; value: Promise<T> }>();
  return (key: string, load: () => Promise<T>): Promise<T> => {
    const now = Date.now();
    const hit = entries.get(key);
    if (hit && now - hit.at < ttlMs) return hit.value;
    if (entries.size > 1_000) entries.clear();
    const value = load();
    entries.set(key, { at: now, value });
    value.catch(() => entries.delete(key));
    return value;
  };
}

export function registerDashboard(app: FastifyInstance, deps: DashboardDeps): void {
  const assets: Assets = loadAssets();
  const access = new AccessControl(deps.viewerTokens, deps.operatorTokens);
  const { repos } = deps;
  const overviewCache = cached<unknown>(CACHE_MS);
  const traffic = new TrafficCache(repos);
  const signatureCache = cached<unknown>(1_000);

  void app.register(async (scope: FastifyInstance) => {
    scope.addHook('onSend', async (_req, reply, payload) => {
      reply.header('content-security-policy', assets.csp);
      reply.header('x-content-type-options', 'nosniff');
      reply.header('referrer-policy', 'no-referrer');
      reply.header('x-frame-options', 'DENY');
      return payload;
    });
    scope.setErrorHandler((err: unknown, _req: FastifyRequest, reply: FastifyReply) => {
      const e = toPerennialError(err);
      const code =
        e.errorClass === 'PERMISSION_DENIED'
          ? 403
          : e.kind === 'auth'
            ? 401
            : e.errorClass.endsWith('NOT_FOUND')
              ? 404
              : e.kind === 'user'
                ? 400
                : 500;
      if (code === 500) deps.log.error({ err: e.message }, 'dashboard request failed');
      void reply.code(code).send({ error: { errorClass: e.errorClass, message: e.message } });
    });

    // ---- the app shell and its files (public: they hold no data)
    scope.get('/', async (_req, reply) => {
      reply.header('cache-control', 'no-cache').type('text/html; charset=utf-8');
      return assets.html;
    });
    scope.get('/assets/:name', async (req, reply) => {
      const name = (req.params as { name: string }).name;
      const a = assets.files.get(name);
      if (!a) throw notFound('Asset');
      reply.header('cache-control', 'no-cache').header('etag', a.etag).type(a.type);
      if (req.headers['if-none-match'] === a.etag) return reply.code(304).send();
      return a.body;
    });

    // ---- reads
    scope.get('/api/dashboard/session', async (req) => {
      const a = access.resolve(req);
      return { authOn: access.authOn, tenant: a.tenant, role: a.role };
    });

    scope.get('/api/dashboard/changes', async (req) => {
      access.resolve(req);
      return signatureCache('sig', () => repos.insights.changeSignature());
    });

    scope.get('/api/dashboard/overview', async (req) => {
      const a = access.resolve(req);
      const hours = intParam((req.query as Record<string, unknown>).hours, 'hours', 24, 1, 24 * 31);
      return overviewCache(`${a.tenant}\u0000${hours}`, () => overview(repos, traffic, a, hours));
    });

    scope.get('/api/dashboard/regressions', async (req) => {
      const a = access.resolve(req);
      const q = req.query as Record<string, unknown>;
      const status = oneOf(q.status, 'status', STATUSES);
      const kind = oneOf(q.kind, 'kind', KINDS);
      const failedVersion = optStr(q.failedVersion, 'failedVersion');
      const goodVersion = optStr(q.goodVersion, 'goodVersion');
      const errorClass = optStr(q.errorClass, 'errorClass');
      const workload = optStr(q.workload, 'workload');
      const search = optStr(q.q, 'q', 200);
      const page = await repos.insights.regressionTable({
        tenant: a.tenant,
        ...(status ? { status } : {}),
        ...(kind ? { kind } : {}),
        ...(failedVersion ? { failedVersion } : {}),
        ...(goodVersion ? { goodVersion } : {}),
        ...(errorClass ? { errorClass } : {}),
        ...(workload ? { workload } : {}),
        ...(search ? { search } : {}),
        sort: oneOf(q.sort, 'sort', SORTS) ?? 'lastSeen',
        dir: oneOf(q.dir, 'dir', ['asc', 'desc'] as const) ?? 'desc',
        limit: intParam(q.limit, 'limit', 25, 1, 200),
        cursor: optStr(q.cursor, 'cursor', 1_000) ?? null,
      });
      return page;
    });

    scope.get('/api/dashboard/regression-facets', async (req) => {
      const a = access.resolve(req);
      return repos.insights.regressionFacets({ tenant: a.tenant });
    });

    scope.get('/api/dashboard/regressions/:id', async (req) => {
      const a = access.resolve(req);
      const r = await regressionOf(req, a);
      const hours = intParam((req.query as Record<string, unknown>).hours, 'hours', 24 * 7, 1, 24 * 90);
      const [occurrences, pins] = await Promise.all([
        repos.insights.occurrencesByHour({
          fingerprint: r.fingerprint,
          failedVersion: r.failedVersion,
          errorClass: r.errorClass,
          tenant: a.tenant,
          since: new Date(Date.now() - hours * HOUR_MS),
        }),
        repos.pins.list({ tenant: a.tenant }).then((ps) => ps.filter((p) => r.workloads.includes(p.workload))),
      ]);
      const { plan, tenants: _tenants, ...rest } = r;
      return {
        ...rest,
        planBytes: plan?.length ?? 0,
        planTree: decodePlanTree(plan),
        occurrencesByHour: occurrences,
        pins,
      };
    });

    scope.get('/api/dashboard/pins', async (req) => {
      const a = access.resolve(req);
      return repos.pins.list({ tenant: a.tenant });
    });

    scope.get('/api/dashboard/workloads', async (req) => {
      const a = access.resolve(req);
      const q = req.query as Record<string, unknown>;
      const search = optStr(q.q, 'q', 200);
      return repos.insights.workloadTable({
        tenant: a.tenant,
        ...(search ? { search } : {}),
        limit: intParam(q.limit, 'limit', 50, 1, 200),
        after: optStr(q.cursor, 'cursor') ?? null,
      });
    });

    scope.get('/api/dashboard/workloads/:workload', async (req) => {
      const a = access.resolve(req);
      const workload = optStr((req.params as Record<string, unknown>).workload, 'workload');
      if (!workload) throw badRequest('"workload" is required');
      const hours = intParam((req.query as Record<string, unknown>).hours, 'hours', 24 * 7, 1, 24 * 90);
      const since = new Date(Date.now() - hours * HOUR_MS);
      const [info, pin, byVersion, latency] = await Promise.all([
        repos.workloads.get(a.tenant, workload),
        repos.pins.get(a.tenant, workload),
        repos.insights.workloadByVersion({ tenant: a.tenant, workload, since }),
        repos.insights.workloadLatencyByHour({ tenant: a.tenant, workload, since }),
      ]);
      if (!info && byVersion.length === 0 && !pin) throw notFound('Workload');
      return { workload, info, pin, byVersion, latencyByHour: latency };
    });

    scope.get('/api/dashboard/rollouts', async (req) => {
      access.resolve(req);
      const [rollouts, decisions] = await Promise.all([
        repos.insights.optionalTableRows('rollouts', 100),
        repos.insights.optionalTableRows('rollout_decisions', 200),
      ]);
      return { available: rollouts !== null, rollouts: rollouts ?? [], decisions: decisions ?? [] };
    });

    scope.get('/api/dashboard/canaries', async (req) => {
      access.resolve(req);
      const runs = await repos.insights.optionalTableRows('canary_runs', 100);
      return {
        available: runs !== null,
        // The full report text stays on the run page of the CLI; the list shows the figures.
        runs: (runs ?? []).map(({ markdown: _m, ...r }) => r),
      };
    });

    scope.get('/api/dashboard/canaries/:id', async (req) => {
      access.resolve(req);
      const id = intParam((req.params as Record<string, unknown>).id, 'id', 0, 1, Number.MAX_SAFE_INTEGER);
      const [run] = (await repos.insights.optionalTableRows('canary_runs', 1, { column: 'id', value: id })) ?? [];
      if (!run) throw notFound('Canary run');
      const results = (await repos.insights.optionalTableRows('canary_results', 1000, { column: 'run_id', value: id })) ?? [];
      return { run, results };
    });

    // ---- actions (operator, CSRF-checked)
    scope.post('/api/dashboard/regressions/:id/status', async (req) => {
      const a = access.requireOperator(req);
      const r = await regressionOf(req, a);
      const status = oneOf((req.body as Record<string, unknown> | undefined)?.status, 'status', STATUSES);
      if (!status) throw badRequest('"status" is required');
      const updated = await repos.regressions.setStatus(r.id, status);
      deps.log.info({ regression: r.id, status, tenant: a.tenant }, 'regression status changed from the dashboard');
      return { id: updated.id, status: updated.status };
    });

    scope.post('/api/dashboard/regressions/:id/unpin', async (req) => {
      const a = access.requireOperator(req);
      const r = await regressionOf(req, a);
      const removed: string[] = [];
      for (const workload of r.workloads) {
        const pin = await repos.pins.get(a.tenant, workload);
        // Only pins this regression (or one like it: same good version) put there.
        if (!pin || (pin.regressionId !== r.id && pin.version !== r.goodVersion)) continue;
        const gone = await repos.pins.remove({ tenant: a.tenant, workload, actor: 'dashboard', note: `unpinned from regression ${r.id}` });
        if (gone) removed.push(workload);
      }
      if (removed.length) await deps.routingChanged(`unpin ${removed.join(',')}`);
      return { unpinned: removed };
    });

    scope.post('/api/dashboard/pins/unpin', async (req) => {
      const a = access.requireOperator(req);
      const workload = optStr((req.body as Record<string, unknown> | undefined)?.workload, 'workload');
      if (!workload) throw badRequest('"workload" is required');
      const removed = await repos.pins.remove({ tenant: a.tenant, workload, actor: 'dashboard' });
      if (!removed) throw notFound('Pin');
      await deps.routingChanged(`unpin ${workload}`);
      return { unpinned: [workload] };
    });
  });

  /** The regression named by `:id`, if the caller's tenant may see it. */
  async function regressionOf(req: FastifyRequest, a: Access) {
    const id = intParam((req.params as Record<string, unknown>).id, 'id', 0, 1, Number.MAX_SAFE_INTEGER);
    const r = await repos.regressions.get(id);
    if (!r?.tenants.includes(a.tenant)) throw notFound('Regression');
    return r;
  }
}

/**
 * Runs by hour and version, per tenant, with finished hours kept in memory: a chart over a week then
 * reads only the last two hours from Postgres instead of aggregating every run again. Kept hours are
 * re-read after HOUR_KEEP_MS, so runs recorded late (spilled while Redis was away) still show up.
 */
class TrafficCache {
  private readonly tenants = new Map<string, Map<number, { at: number; rows: HourVersionRow[] }>>();
  constructor(private readonly repos: Repositories) {}

  async get(tenant: string, since: Date): Promise<HourVersionRow[]> {
    const now = Date.now();
    let hours = this.tenants.get(tenant);
    if (!hours) {
      if (this.tenants.size > 100) this.tenants.clear();
      hours = new Map();
      this.tenants.set(tenant, hours);
    }
    const first = Math.floor(since.getTime() / HOUR_MS) * HOUR_MS;
    const settled = Math.floor(now / HOUR_MS) * HOUR_MS - HOUR_MS;
    // The oldest hour we must read: the first hour not kept (or stale), else the live tail.
    let from = settled;
    for (let h = first; h < settled; h += HOUR_MS) {
      const kept = hours.get(h / 1000);
      if (!kept || now - kept.at > HOUR_KEEP_MS) {
        from = h;
        break;
      }
    }
    const fresh = await this.repos.insights.trafficByHour({ tenant, since: new Date(from) });
    const byHour = new Map<number, HourVersionRow[]>();
    for (const r of fresh) byHour.set(r.hour, [...(byHour.get(r.hour) ?? []), r]);
    for (let h = from; h < settled; h += HOUR_MS) hours.set(h / 1000, { at: now, rows: byHour.get(h / 1000) ?? [] });
    for (const h of hours.keys()) if (h * 1000 < first - 31 * 24 * HOUR_MS) hours.delete(h);
    const out: HourVersionRow[] = [];
    for (let h = first; h < from; h += HOUR_MS) out.push(...(hours.get(h / 1000)?.rows ?? []));
    out.push(...fresh);
    return out;
  }
}

async function overview(repos: Repositories, trafficCache: TrafficCache, a: Access, hours: number) {
  const since = new Date(Math.floor((Date.now() - hours * HOUR_MS) / HOUR_MS) * HOUR_MS);
  const [runtimes, traffic, newRegressions, pins, rollouts, openRegressions] = await Promise.all([
    repos.runtimes.list(),
    trafficCache.get(a.tenant, since),
    repos.insights.newRegressionsByHour({ tenant: a.tenant, since }),
    repos.insights.pinsByVersion({ tenant: a.tenant }),
    repos.insights.optionalTableRows('rollouts', 20),
    repos.insights.regressionTable({ tenant: a.tenant, status: 'open', limit: 1 }).then((p) => p.total),
  ]);
  const open = (rollouts ?? []).find((r) => ['active', 'paused', 'halted'].includes(String(r.status)));
  return {
    since: since.toISOString(),
    hours,
    runtimes: runtimes.map((r) => ({
      version: r.version,
      kind: r.kind,
      sparkVersion: r.sparkVersion,
      isDefault: r.isDefault,
      rollout: open && open.candidate === r.version ? rolloutStage(open) : null,
    })),
    traffic,
    newRegressions,
    pins,
    openRegressions,
  };
}

function rolloutStage(r: Record<string, unknown>) {
  const stages = Array.isArray(r.stages) ? (r.stages as unknown[]).map(Number) : [];
  const index = Number(r.stage_index ?? 0);
  return { id: Number(r.id), status: String(r.status), stage: index + 1, stages: stages.length, fraction: stages[index] ?? null };
}
