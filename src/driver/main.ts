/**
 * Driver process entry: serves one runtime version as a Spark Connect server on loopback.
 *
 *   node dist/src/driver/main.js --runtime runtimes/2.0/runtime.json --port 0 --warehouse .perennial/warehouse
 *
 * When started by the driver pool (an IPC channel exists), it reports `{type:'ready', port}` and
 * drains on `{type:'drain'}` or SIGTERM.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createLogger } from '../core/logger.js';
import { loadRuntimeManifest } from '../core/runtime.js';
import { createEngine } from '../engine/index.js';
import { DriverServer } from './server.js';

export type DriverToPool = { type: 'ready'; port: number; pid: number } | { type: 'stats'; sessions: number };
export type PoolToDriver = { type: 'drain'; graceMs: number };

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      runtime: { type: 'string' },
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '0' },
      warehouse: { type: 'string', default: '.perennial/warehouse' },
      'allowed-root': { type: 'string', multiple: true, default: [] },
      'memory-limit-mb': { type: 'string', default: '4096' },
    },
  });
  if (!values.runtime) throw new Error('--runtime <path to runtime.json> is required');
  const manifest = loadRuntimeManifest(values.runtime);
  const log = createLogger(`driver-${manifest.version}`);
  const warehouseDir = resolve(values.warehouse);
  const engine = createEngine({
    profile: manifest.profile,
    warehouseDir,
    allowedRoots: [warehouseDir, ...values['allowed-root'].map((r) => resolve(r))],
    defaultConf: manifest.defaultConf,
    memoryLimitBytes: Number(values['memory-limit-mb']) * 1024 * 1024,
  });
  const server = new DriverServer({ engine, sparkVersion: manifest.sparkVersion, runtimeVersion: manifest.version });
  const port = await server.listen(values.host, Number(values.port));
  log.info({ version: manifest.version, port }, 'driver listening');
  const ready: DriverToPool = { type: 'ready', port, pid: process.pid };
  if (process.send) process.send(ready);
  else process.stdout.write(`${JSON.stringify(ready)}\n`);

  let draining = false;
  const drain = async (graceMs: number) => {
    if (draining) return;
    draining = true;
    log.info({ graceMs }, 'driver draining');
    await server.shutdown(graceMs);
    process.exit(0);
  };
  process.on('SIGTERM', () => void drain(5_000));
  process.on('SIGINT', () => void drain(5_000));
  process.on('message', (m: PoolToDriver) => {
    if (m.type === 'drain') void drain(m.graceMs);
  });
  // The pool going away (gateway crash) must not leave orphans behind.
  process.on('disconnect', () => void drain(1_000));
}

main().catch((err: unknown) => {
  process.stderr.write(`driver failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
