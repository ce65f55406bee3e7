/**
 * Operator JSON API for rollouts and runtime lifecycle, mounted on the platform's HTTP port:
 *
 *   GET  /api/rollouts/current          status, decision history, live gate evaluation
 *   GET  /api/rollouts                  recent rollouts
 *   POST /api/rollouts                  {version, stages, minInterval, minRuns, maxRegressionRate, maxErrorRateDelta, latencyFactor, autoRollback}
 *   POST /api/rollouts/current/{pause|resume|abort|rollback}
 *   POST /api/runtimes                  a runtime manifest (runtime.json content)
 *   POST /api/runtimes/:version/restart rolling replacement of its drivers
 *   DELETE /api/runtimes/:version       refused while workloads are pinned to it
 *
 * Platform-wide operations: when auth is on they need an operator token (or, with no operator
 * tokens configured, any valid token).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { PerennialError } from '../core/errors.js';
import type { RuntimeLifecycle } from '../lifecycle/runtimes.js';
import type { Command } from './machine.js';
import type { RolloutService, StartRolloutRequest } from './service.js';

export interface OperatorRoutesDeps {
  rollouts: RolloutService;
  lifecycle: RuntimeLifecycle;
  tokens: ReadonlyMap<string, string>;
  operatorTokens: ReadonlyMap<string, string>;
}

export function registerOperatorRoutes(app: FastifyInstance, deps: OperatorRoutesDeps): void {
  const authorize = (req: FastifyRequest): string => {
    if (deps.tokens.size === 0 && deps.operatorTokens.size === 0) return 'api';
    const m = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
    const token = m?.[1];
    const allowed = deps.operatorTokens.size > 0 ? deps.operatorTokens : deps.tokens;
    const who = token ? allowed.get(token) : undefined;
    if (!who) throw new PerennialError('UNAUTHENTICATED', 'An operator bearer token is required.', { kind: 'auth', sqlState: '28000' });
    return who;
  };
  const body = (req: FastifyRequest) => (req.body ?? {}) as Record<string, unknown>;
  const version = (req: FastifyRequest) => {
    const v = (req.params as Record<string, unknown>).version;
    if (typeof v !== 'string' || !v || v.length > 64) {
      throw new PerennialError('INVALID_PARAMETER_VALUE', '"version" is required', { kind: 'user', sqlState: '22023' });
    }
    return v;
  };

  app.get('/api/rollouts/current', async (req) => {
    authorize(req);
    return deps.rollouts.status({ withGates: true });
  });
  app.get('/api/rollouts/:id', async (req) => {
    authorize(req);
    const id = Number((req.params as Record<string, unknown>).id);
    if (!Number.isInteger(id)) throw new PerennialError('INVALID_PARAMETER_VALUE', 'id must be an integer', { kind: 'user', sqlState: '22023' });
    return deps.rollouts.status({ id, withGates: true });
  });
  app.post('/api/rollouts', async (req) => {
    const actor = authorize(req);
    const b = body(req);
    if (typeof b.version !== 'string' || !b.version) {
      throw new PerennialError('INVALID_PARAMETER_VALUE', '"version" is required', { kind: 'user', sqlState: '22023' });
    }
    return deps.rollouts.start({ ...(b as unknown as StartRolloutRequest), actor: typeof b.actor === 'string' ? b.actor : actor });
  });
  for (const cmd of ['pause', 'resume', 'abort', 'rollback'] as Command[]) {
    app.post(`/api/rollouts/current/${cmd}`, async (req) => {
      const actor = authorize(req);
      const b = body(req);
      return deps.rollouts.command(cmd, {
        actor: typeof b.actor === 'string' ? b.actor : actor,
        ...(typeof b.reason === 'string' ? { reason: b.reason } : {}),
      });
    });
  }

  app.post('/api/runtimes', async (req) => {
    authorize(req);
    const m = await deps.lifecycle.add(req.body);
    return { version: m.version, kind: m.kind, sparkVersion: m.sparkVersion, processes: m.processes };
  });
  app.post('/api/runtimes/:version/restart', async (req) => {
    authorize(req);
    const b = body(req);
    const handles = await deps.lifecycle.restart(version(req), typeof b.graceMs === 'number' ? { graceMs: b.graceMs } : {});
    return { version: version(req), drivers: handles.map((h) => ({ id: h.id, pid: h.pid ?? null, generation: h.generation, state: h.state })) };
  });
  app.delete('/api/runtimes/:version', async (req) => {
    authorize(req);
    await deps.lifecycle.remove(version(req));
    return { version: version(req), removed: true };
  });
}
