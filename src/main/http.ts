/** The platform's HTTP port: health, Prometheus metrics, and (later) the JSON API and dashboard. */
import Fastify from 'fastify';
import { collectDefaultMetrics, Gauge, register } from 'prom-client';
import type { Logger } from '../core/logger.js';
import type { DriverPool } from '../driver-pool/index.js';
import type { Gateway } from '../gateway/index.js';

export interface HttpOptions {
  port: number;
  pool: DriverPool;
  gateway: Gateway;
  log: Logger;
}

let metricsRegistered = false;

export async function startHttp(opts: HttpOptions): Promise<{ port: number; close(): Promise<void> }> {
  if (!metricsRegistered) {
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
  }
  const app = Fastify({ logger: false });
  app.get('/healthz', async (_req, reply) => {
    const drivers = opts.pool.all().map((d) => ({ id: d.id, version: d.version, state: d.state, pid: d.pid ?? null, restarts: d.restarts }));
    const ok = opts.pool.runtimes().every((m) => drivers.some((d) => d.version === m.version && d.state === 'ready'));
    reply.code(ok ? 200 : 503);
    return { ok, drivers, sessions: opts.gateway.sessions.size };
  });
  app.get('/metrics', async (_req, reply) => {
    reply.header('content-type', register.contentType);
    return register.metrics();
  });
  await app.listen({ port: opts.port, host: '127.0.0.1' });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : opts.port;
  return { port, close: () => app.close() };
}
