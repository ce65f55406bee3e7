#!/usr/bin/env node
/**
 * `perennial`: the operator's command line. Queries go through the gateway as a real Spark Connect
 * client; admin commands go through the platform's JSON API.
 */
import { Command, Option } from 'commander';
import { formatTable, SparkConnectClient } from '../client/index.js';
import { fromGrpcError } from '../protocol/index.js';
import { ApiClient } from './api-client.js';
import { discover } from './discovery.js';
import { printRows } from './print.js';
import { registerCanaryCommand } from '../canary/cli.js';
import { registerOperatorCommands } from '../rollout/cli.js';

const program = new Command();
program
  .name('perennial')
  .description('Versionless runtime platform for Spark Connect workloads')
  .addOption(new Option('--api <url>', 'platform HTTP API (default: the local platform)'))
  .addOption(new Option('--url <sc-url>', 'Spark Connect URL of the gateway (default: the local platform)'))
  .addOption(new Option('--token <token>', 'bearer token when auth is on').env('PERENNIAL_TOKEN'))
  .option('--json', 'machine-readable output', false);

const g = () => program.opts<{ api?: string; url?: string; token?: string; json: boolean }>();
const api = () => new ApiClient(discover(g(), process.env).api, g().token);

program
  .command('sql')
  .description('run a SQL statement through the gateway and print the result')
  .argument('<query>', 'Spark SQL text')
  .action(async (query: string) => {
    const url = discover(g(), process.env).url + (g().token ? `;token=${g().token}` : '');
    const client = new SparkConnectClient(url);
    try {
      const { table } = await client.sql(query);
      if (g().json) process.stdout.write(`${JSON.stringify(table.toArray().map((r) => r.toJSON()), (_k, v) => (typeof v === 'bigint' ? v.toString() : v), 2)}\n`);
      else process.stdout.write(`${formatTable(table)}\n`);
    } catch (err) {
      const e = fromGrpcError(err);
      throw new Error(e.message);
    } finally {
      await client.close().catch(() => undefined);
    }
  });

const runtimes = program.command('runtimes').description('runtime versions');
runtimes.command('list').action(async () => {
  const rows = await api().call<Record<string, unknown>[]>('GET', '/api/runtimes');
  printRows(
    rows.map((r) => ({
      ...r,
      default: r.isDefault ? 'yes' : '',
      drivers: (r.drivers as { id: string; state: string }[]).map((d) => `${d.id}:${d.state}`).join(' '),
    })),
    ['version', 'kind', 'sparkVersion', 'default', 'drivers'],
    g().json,
  );
});
runtimes
  .command('set-default')
  .argument('<version>')
  .action(async (version: string) => {
    await api().call('POST', '/api/runtimes/default', { version });
    process.stdout.write(`Default runtime is now ${version}.\n`);
  });

const pins = program.command('pins').description('workload → runtime pins');
pins.command('list').action(async () => {
  const rows = await api().call<Record<string, unknown>[]>('GET', '/api/pins');
  printRows(rows, ['tenant', 'workload', 'version', 'reason', 'regressionId', 'createdBy', 'createdAt', 'expiresAt'], g().json);
});
pins
  .command('add')
  .argument('<workload>')
  .argument('<version>')
  .option('--note <text>')
  .action(async (workload: string, version: string, o: { note?: string }) => {
    await api().call('POST', '/api/pins', { workload, version, actor: process.env.USER ?? 'cli', ...(o.note ? { note: o.note } : {}) });
    process.stdout.write(`Pinned ${workload} to ${version}.\n`);
  });
pins
  .command('remove')
  .argument('<workload>')
  .action(async (workload: string) => {
    await api().call('DELETE', `/api/pins/${encodeURIComponent(workload)}`);
    process.stdout.write(`Unpinned ${workload}.\n`);
  });

const regressions = program.command('regressions').description('regressions caught between runtime versions');
regressions
  .command('list')
  .option('--status <status>', 'open | acknowledged | fixed | verified')
  .option('--limit <n>', 'rows', '50')
  .action(async (o: { status?: string; limit: string }) => {
    const q = new URLSearchParams({ limit: o.limit, ...(o.status ? { status: o.status } : {}) });
    const page = await api().call<{ items: Record<string, unknown>[] }>('GET', `/api/regressions?${q}`);
    printRows(
      page.items,
      ['id', 'status', 'kind', 'failedVersion', 'goodVersion', 'errorClass', 'workloads', 'occurrences', 'lastSeen'],
      g().json,
    );
  });
regressions
  .command('show')
  .argument('<id>')
  .action(async (id: string) => {
    const r = await api().call<Record<string, unknown>>('GET', `/api/regressions/${encodeURIComponent(id)}`);
    if (g().json) process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
    else {
      for (const k of ['id', 'status', 'kind', 'fingerprint', 'failedVersion', 'goodVersion', 'errorClass', 'workloads', 'occurrences', 'firstSeen', 'lastSeen']) {
        process.stdout.write(`${k.padEnd(14)} ${Array.isArray(r[k]) ? (r[k] as unknown[]).join(', ') : String(r[k] ?? '')}\n`);
      }
      process.stdout.write(`\nerror:\n  ${String(r.errorMessage ?? '')}\n`);
      if (r.sqlText) process.stdout.write(`\nSQL:\n  ${String(r.sqlText)}\n`);
    }
  });
for (const [cmd, status] of [
  ['ack', 'acknowledged'],
  ['resolve', 'fixed'],
] as const) {
  regressions
    .command(cmd)
    .argument('<id>')
    .action(async (id: string) => {
      await api().call('POST', `/api/regressions/${encodeURIComponent(id)}/status`, { status });
      process.stdout.write(`Regression ${id} is now ${status}.\n`);
    });
}

program
  .command('runs')
  .description('recent query attempts')
  .option('--workload <name>')
  .option('--limit <n>', 'rows', '50')
  .action(async (o: { workload?: string; limit: string }) => {
    const q = new URLSearchParams({ limit: o.limit, ...(o.workload ? { workload: o.workload } : {}) });
    const rows = await api().call<Record<string, unknown>[]>('GET', `/api/runs?${q}`);
    printRows(rows, ['startedAt', 'workload', 'runtimeVersion', 'attempt', 'outcome', 'errorClass', 'durationMs', 'rows', 'fingerprint'], g().json);
  });

registerOperatorCommands(program, runtimes, api, () => g().json);

registerCanaryCommand(program, () => g().json);

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`perennial: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
