/**
 * CLI commands for operators: `rollout start|status|pause|resume|abort|rollback` and
 * `runtimes add|restart|remove`. They call the platform's JSON API (src/rollout/routes.ts).
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { ApiClient } from '../cli/api-client.js';
import { printRows } from '../cli/print.js';
import { pctOf } from './machine.js';

interface StatusView {
  rollout: null | {
    id: number;
    candidate: string;
    baseline: string;
    status: string;
    stageIndex: number;
    stages: number[];
    fraction: number;
    reason: string | null;
    stageStartedAt: string;
    config: Record<string, unknown>;
  };
  decisions: { at: string; action: string; fraction: number | null; status: string; reason: string; actor: string }[];
  gates?: { verdict: string; reason: string; gates: { gate: string; verdict: string; detail: string }[] };
}

export function registerOperatorCommands(program: Command, runtimes: Command, api: () => ApiClient, json: () => boolean): void {
  const out = (s: string) => process.stdout.write(`${s}\n`);
  const rollout = program.command('rollout').description('staged rollouts of a runtime version');
  rollout
    .command('start')
    .description('roll <version> out in stages; gates decide when to advance or halt')
    .argument('<version>')
    .option('--stages <percentages>', 'cohort stages in percent of workloads', '1,5,25,50,100')
    .option('--min-interval <duration>', 'least time per stage (e.g. 30s, 10m, 1h)', '10m')
    .option('--min-runs <n>', 'candidate runs a stage needs before it can pass', '20')
    .option('--max-regression-rate <x>', 'largest share of candidate workloads that may regress', '0.02')
    .option('--max-error-rate-delta <x>', 'largest candidate − baseline error rate', '0.02')
    .option('--latency-factor <f>', 'median latency ratio (Mann-Whitney confirmed) that fails the stage', '1.5')
    .option('--auto-rollback', 'roll back instead of halting when a gate fails', false)
    .action(async (version: string, o: Record<string, string | boolean>) => {
      const r = await api().call<{ id: number; stages: number[] }>('POST', '/api/rollouts', {
        version,
        stages: o.stages,
        minInterval: o.minInterval,
        minRuns: Number(o.minRuns),
        maxRegressionRate: Number(o.maxRegressionRate),
        maxErrorRateDelta: Number(o.maxErrorRateDelta),
        latencyFactor: Number(o.latencyFactor),
        autoRollback: o.autoRollback === true,
        actor: process.env.USER ?? 'cli',
      });
      if (json()) out(JSON.stringify(r, null, 2));
      else out(`Rollout ${r.id} of ${version} started: ${r.stages.map(pctOf).join(' → ')}.`);
    });
  rollout
    .command('status')
    .description('the open (or latest) rollout, its gates and decision history')
    .action(async () => {
      const v = await api().call<StatusView>('GET', '/api/rollouts/current');
      if (json()) {
        out(JSON.stringify(v, null, 2));
        return;
      }
      const r = v.rollout;
      if (!r) {
        out('No rollout.');
        return;
      }
      out(`rollout ${r.id}: ${r.baseline} → ${r.candidate}  status ${r.status}  stage ${r.stageIndex + 1}/${r.stages.length} (${pctOf(r.fraction)} of workloads)`);
      out(`stages  ${r.stages.map((f, i) => (i === r.stageIndex ? `[${pctOf(f)}]` : pctOf(f))).join(' → ')}`);
      if (r.reason) out(`reason  ${r.reason}`);
      if (v.gates) {
        out(`\ngates (${v.gates.verdict}):`);
        for (const g of v.gates.gates) out(`  ${g.verdict.padEnd(5)} ${g.gate.padEnd(17)} ${g.detail}`);
      }
      out('\ndecisions:');
      printRows(
        v.decisions.map((d) => ({ ...d, fraction: d.fraction === null ? '' : pctOf(d.fraction) })),
        ['at', 'action', 'fraction', 'status', 'actor', 'reason'],
        false,
      );
    });
  for (const cmd of ['pause', 'resume', 'abort', 'rollback'] as const) {
    rollout
      .command(cmd)
      .option('--reason <text>')
      .action(async (o: { reason?: string }) => {
        const r = await api().call<{ id: number; candidate: string; status: string }>('POST', `/api/rollouts/current/${cmd}`, {
          actor: process.env.USER ?? 'cli',
          ...(o.reason ? { reason: o.reason } : {}),
        });
        if (json()) out(JSON.stringify(r, null, 2));
        else out(`Rollout ${r.id} of ${r.candidate} is now ${r.status}.`);
      });
  }

  runtimes
    .command('add')
    .description('register and start a runtime from its manifest, without restarting the platform')
    .argument('<manifest.json>')
    .action(async (file: string) => {
      const manifest = JSON.parse(readFileSync(file, 'utf8')) as unknown;
      const r = await api().call<{ version: string }>('POST', '/api/runtimes', manifest);
      out(json() ? JSON.stringify(r, null, 2) : `Runtime ${r.version} added.`);
    });
  runtimes
    .command('restart')
    .description('rolling replacement of a runtime’s driver processes (sessions move, nothing fails)')
    .argument('<version>')
    .action(async (version: string) => {
      const r = await api().call<{ drivers: { id: string; pid: number | null; generation: number }[] }>(
        'POST',
        `/api/runtimes/${encodeURIComponent(version)}/restart`,
        {},
      );
      out(json() ? JSON.stringify(r, null, 2) : `Runtime ${version} restarted: ${r.drivers.map((d) => `${d.id} (pid ${d.pid}, generation ${d.generation})`).join(', ')}.`);
    });
  runtimes
    .command('remove')
    .description('stop and unregister a runtime (refused while workloads are pinned to it)')
    .argument('<version>')
    .action(async (version: string) => {
      await api().call('DELETE', `/api/runtimes/${encodeURIComponent(version)}`);
      out(`Runtime ${version} removed.`);
    });
}
