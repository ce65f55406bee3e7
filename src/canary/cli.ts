/** The `perennial canary` command (commander), registered by src/cli. docs/CANARY.md. */
import { type Command, Option } from 'commander';
import { runCanaryCommand } from './command.js';

const list = (v: string, prev: string[] = []) => [...prev, ...v.split(',').map((s) => s.trim()).filter(Boolean)];
const int = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got "${v}"`);
  return n;
};

export function registerCanaryCommand(program: Command, json: () => boolean = () => false): Command {
  return program
    .command('canary')
    .description('replay captured plans and/or a catalogue on a candidate runtime and a baseline; exit 1 on any regression')
    .requiredOption('--candidate <version|manifest>', 'runtime version, or path to a runtime.json (need not be registered)')
    .option('--baseline <version|manifest>', 'baseline runtime (default: the platform default, else the newest older version)')
    .option('--workloads <a,b>', 'only captured plans of these workloads', list)
    .option('--sample <n>', 'replay at most n captured plans, chosen at random', int('--sample'))
    .option('--seed <n>', 'seed for --sample (reproducible runs)', int('--seed'))
    .option('--catalogue <name>', 'built-in catalogue to replay too: tpch (repeatable)', list)
    .option('--junit <file>', 'write JUnit XML (one testcase per replayed plan)')
    .option('--markdown <file>', 'write a Markdown summary')
    .option('--repeat <n>', 'runs per side and plan; latencies compare medians', int('--repeat'), 3)
    .option('--latency-ratio <x>', 'candidate/baseline median ratio that counts as a performance regression', Number, 1.5)
    .option('--latency-min-ms <ms>', '...and the minimum absolute slowdown', Number, 50)
    .option('--no-minimize', 'do not shrink regressions to minimal plans')
    .option('--max-tests <n>', 'replays the minimizer may spend per regression', int('--max-tests'))
    .addOption(new Option('--database-url <url>', 'Postgres with captured plans; results are stored there').env('DATABASE_URL'))
    .option('--no-store', 'do not store results in Postgres')
    .option('--runtimes-dir <dir>', 'folder of runtime manifests', 'runtimes')
    .addOption(
      new Option('--allowed-root <dir>', 'folder the canary drivers may read (repeatable)').env('PERENNIAL_ALLOWED_ROOTS').argParser(list),
    )
    .option('--warehouse <dir>', 'copy this warehouse into each side\'s scratch warehouse first (plans reading managed tables)')
    .option('--tpch-scale <sf>', 'TPC-H scale factor for --catalogue tpch', '0.01')
    .option('--timeout <s>', 'per-query timeout in seconds', int('--timeout'), 300)
    .option('--quiet', 'no progress bar and no summary on stdout', false)
    .action(async (o: Record<string, unknown>) => {
      const r = await runCanaryCommand({
        candidate: o.candidate as string,
        baseline: o.baseline as string | undefined,
        workloads: o.workloads as string[] | undefined,
        sample: o.sample as number | undefined,
        seed: o.seed as number | undefined,
        catalogue: o.catalogue as string[] | undefined,
        junit: o.junit as string | undefined,
        markdown: o.markdown as string | undefined,
        repeat: o.repeat as number,
        latency: { ratio: o.latencyRatio as number, minDeltaMs: o.latencyMinMs as number },
        minimize: o.minimize as boolean,
        maxTests: o.maxTests as number | undefined,
        databaseUrl: o.databaseUrl as string | undefined,
        store: o.store as boolean,
        runtimesDir: o.runtimesDir as string,
        allowedRoots: (o.allowedRoot as string[] | undefined) ?? [],
        warehouse: o.warehouse as string | undefined,
        tpchScale: o.tpchScale as string,
        timeoutMs: (o.timeout as number) * 1000,
        quiet: (o.quiet as boolean) || json(),
      });
      if (json()) {
        const { report } = r;
        process.stdout.write(
          `${JSON.stringify(
            {
              runId: report.runId ?? null,
              baseline: report.baseline,
              candidate: report.candidate,
              passed: report.passed,
              regressions: report.regressions,
              skipped: report.skipped,
              outcomes: report.outcomes.map((x) => ({
                name: x.plan.name,
                workload: x.plan.workload,
                verdict: x.verdict,
                kind: x.kind ?? null,
                detail: x.detail,
                minimized: x.repro?.text ?? null,
              })),
            },
            null,
            2,
          )}\n`,
        );
      }
      process.exitCode = r.exitCode;
    });
}
