/**
 * `npm start`: the whole platform in one process tree — embedded Postgres and Redis unless URLs are
 * given, a driver per runtime, the gateway on port 15002. Ctrl-C stops everything; data persists.
 */
import { loadConfig } from '../core/config.js';
import { startPlatform } from './start-platform.js';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const p = await startPlatform(config);
  const runtimes = p.pool.runtimes().map((m) => m.version).join(', ');
  const host = config.host === '0.0.0.0' ? 'localhost' : config.host;
  process.stdout.write(
    [
      '',
      `Perennial is running. Runtimes: ${runtimes}; default ${p.router.current().defaultVersion}.`,
      `  Spark Connect:  sc://${host}:${p.gatewayPort}/;workload=<name>`,
      `  Python:         SparkSession.builder.remote("sc://${host}:${p.gatewayPort}/;workload=demo").getOrCreate()`,
      `  CLI:            npm run cli -- sql "select 1"`,
      `  Health:         http://127.0.0.1:${p.httpPort}/healthz   Metrics: http://127.0.0.1:${p.httpPort}/metrics`,
      '  Ctrl-C stops everything; data stays in ' + config.dataDir,
      '',
    ].join('\n'),
  );
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    process.stdout.write('Stopping...\n');
    await p.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

main().catch((err: unknown) => {
  process.stderr.write(`perennial failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
