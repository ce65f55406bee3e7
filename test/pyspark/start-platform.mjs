#!/usr/bin/env node
/**
 * Starts a whole Perennial platform for the pyspark suite (compiled code: `npm run build` first) and
 * prints one JSON line to stdout: {"perennialTestPlatform":true,"port":<gateway>,"httpPort":<http>}.
 * Logs go to stderr. Stops (and removes its temp data folder) when stdin closes or on SIGTERM/SIGINT.
 *
 *   node test/pyspark/start-platform.mjs [--tokens tok=tenant,...] [--pin workload=version ...]
 *                                        [--default-runtime 1.0] [--log-level warn]
 *                                        [--allowed-root <folder> ...]   (files drivers may read)
 *
 * Postgres and Redis are embedded unless DATABASE_URL / REDIS_URL are set.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    tokens: { type: 'string', default: '' },
    pin: { type: 'string', multiple: true, default: [] },
    'default-runtime': { type: 'string', default: '1.0' },
    'log-level': { type: 'string', default: 'warn' },
    'allowed-root': { type: 'string', multiple: true, default: [] },
  },
});

let startPlatform;
let loadConfig;
try {
  ({ startPlatform } = await import('../../dist/src/main/start-platform.js'));
  ({ loadConfig } = await import('../../dist/src/core/config.js'));
} catch (err) {
  process.stderr.write(`Cannot load the compiled platform (run \`npm run build\` first): ${err?.stack ?? err}\n`);
  process.exit(2);
}

const dataDir = mkdtempSync(join(tmpdir(), 'perennial-pyspark-'));
// Postgres runs as the 'postgres' user when we are root: it must be able to enter the folder.
chmodSync(dataDir, 0o755);

const config = loadConfig(
  {
    DATABASE_URL: process.env.DATABASE_URL,
    REDIS_URL: process.env.REDIS_URL,
    PERENNIAL_TOKENS: values.tokens,
    PERENNIAL_DEFAULT_RUNTIME: values['default-runtime'],
    PERENNIAL_LOG_LEVEL: values['log-level'],
    PERENNIAL_ALLOWED_ROOTS: values['allowed-root'].join(','),
  },
  { host: 'localhost', port: 0, httpPort: 0, dataDir },
);

let platform;
try {
  platform = await startPlatform(config);
  for (const p of values.pin) {
    const eq = p.lastIndexOf('=');
    if (eq <= 0) throw new Error(`--pin expects workload=version, got "${p}"`);
    await platform.repos.pins.add({
      tenant: 'default',
      workload: p.slice(0, eq),
      version: p.slice(eq + 1),
      reason: 'manual',
      actor: 'pyspark-suite',
    });
  }
  if (values.pin.length) await platform.refreshRouting();
} catch (err) {
  process.stderr.write(`platform failed to start: ${err?.stack ?? err}\n`);
  await platform?.stop().catch(() => undefined);
  rmSync(dataDir, { recursive: true, force: true });
  process.exit(1);
}

process.stdout.write(
  `${JSON.stringify({ perennialTestPlatform: true, port: platform.gatewayPort, httpPort: platform.httpPort })}\n`,
);

let stopping = false;
async function stop(code) {
  if (stopping) return;
  stopping = true;
  try {
    await platform.stop();
  } catch (err) {
    process.stderr.write(`platform stop failed: ${err?.stack ?? err}\n`);
    code = 1;
  }
  rmSync(dataDir, { recursive: true, force: true });
  process.exit(code);
}

process.on('SIGTERM', () => void stop(0));
process.on('SIGINT', () => void stop(0));
process.stdin.on('end', () => void stop(0));
process.stdin.on('close', () => void stop(0));
process.stdin.on('error', () => void stop(0));
process.stdin.resume();
