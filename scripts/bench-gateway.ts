/**
 * Gateway overhead: the same small query (`spark.range(10)` collected, a pre-built relation) sent
 * through the gateway and straight to a driver of the same runtime, at several concurrencies for a
 * fixed time each. Prints p50 / p99 latency and throughput per path, and the gateway's p50 overhead
 * and throughput ratio. Goal: p50 overhead ≤ 1 ms, gateway throughput ≥ 70 % of direct.
 *
 *   npm run bench:gateway [-- --duration=5000 --warmup=1000 --concurrency=1,16,64 --runtime=1.0]
 *
 * The platform (gateway + drivers) runs in this process's main thread; the load generator runs in a
 * worker thread so that client work does not compete with the gateway for its event loop. Each request
 * behaves like pyspark: reattachable ExecutePlan with a fresh operation id, then ReleaseExecute
 * (asynchronous, not timed). Uses DATABASE_URL / REDIS_URL when set, else embedded servers.
 */
import { randomUUID } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, Worker } from 'node:worker_threads';
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { type Client, credentials, makeGenericClientConstructor, Metadata, type ServiceDefinition } from '@grpc/grpc-js';
import {
  ExecutePlanRequestSchema,
  ExecutePlanResponseSchema,
  grpcChannelOptions,
  RelationSchema,
  ReleaseExecuteRequestSchema,
} from '../src/protocol/index.js';

interface Job {
  label: string;
  target: string;
  concurrency: number;
  durationMs: number;
  warmupMs: number;
}

interface JobResult {
  label: string;
  concurrency: number;
  latenciesMs: number[];
  elapsedMs: number;
  errors: number;
  firstError?: string;
}

const ROWS = 10;

// ------------------------------------------------------------------ load generator (worker thread)

function bytesCodec() {
  return {
    serialize: (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength),
    deserialize: (b: Buffer) => b,
  };
}

/** ExecutePlan and ReleaseExecute with bytes in and out: the client does only what pyspark must. */
function rawDefinition(): ServiceDefinition {
  const c = bytesCodec();
  const method = (name: string, responseStream: boolean) => ({
    path: `/spark.connect.SparkConnectService/${name}`,
    requestStream: false,
    responseStream,
    requestSerialize: c.serialize,
    requestDeserialize: c.deserialize,
    responseSerialize: c.serialize,
    responseDeserialize: c.deserialize,
  });
  return { ExecutePlan: method('ExecutePlan', true), ReleaseExecute: method('ReleaseExecute', false) } as ServiceDefinition;
}

function runWorker(): void {
  const Ctor = makeGenericClientConstructor(rawDefinition(), 'BenchSparkConnect');
  const clients = new Map<string, Client & Record<string, (...a: unknown[]) => unknown>>();
  const sessions = new Map<string, string>();
  const relation = create(RelationSchema, { relType: { case: 'range', value: { start: 0n, end: BigInt(ROWS), step: 1n } } });

  const clientFor = (target: string) => {
    let c = clients.get(target);
    if (!c) {
      c = new Ctor(target, credentials.createInsecure(), grpcChannelOptions) as never;
      clients.set(target, c);
    }
    return c;
  };
  const sessionFor = (target: string, slot: number) => {
    const k = `${target}#${slot}`;
    let s = sessions.get(k);
    if (!s) {
      s = randomUUID();
      sessions.set(k, s);
    }
    return s;
  };

  let pendingReleases = 0;
  let releasesDrained: (() => void) | undefined;

  const release = (c: Client & Record<string, (...a: unknown[]) => unknown>, sessionId: string, operationId: string) => {
    const req = toBinary(
      ReleaseExecuteRequestSchema,
      create(ReleaseExecuteRequestSchema, {
        sessionId,
        userContext: { userId: 'bench' },
        operationId,
        release: { case: 'releaseAll', value: {} },
      }),
    );
    pendingReleases++;
    (c.ReleaseExecute as (...a: unknown[]) => void).call(c, req, new Metadata(), () => {
      if (--pendingReleases === 0) releasesDrained?.();
    });
  };

  const execute = (target: string, sessionId: string): Promise<void> => {
    const c = clientFor(target);
    const operationId = randomUUID();
    const req = toBinary(
      ExecutePlanRequestSchema,
      create(ExecutePlanRequestSchema, {
        sessionId,
        userContext: { userId: 'bench' },
        clientType: 'perennial-bench',
        operationId,
        plan: { opType: { case: 'root', value: relation } },
        requestOptions: [{ requestOption: { case: 'reattachOptions', value: { reattachable: true } } }],
      }),
    );
    return new Promise((resolve, reject) => {
      const call = (c.ExecutePlan as (...a: unknown[]) => NodeJS.ReadableStream).call(c, req, new Metadata());
      let rows = 0;
      let complete = false;
      call.on('data', (b: Buffer) => {
        const m = fromBinary(ExecutePlanResponseSchema, b);
        if (m.responseType.case === 'arrowBatch') rows += Number(m.responseType.value.rowCount);
        else if (m.responseType.case === 'resultComplete') complete = true;
      });
      call.on('error', reject);
      call.on('end', () => {
        release(c, sessionId, operationId);
        if (rows !== ROWS || !complete) reject(new Error(`bad result: ${rows} rows, resultComplete=${complete}`));
        else resolve();
      });
    });
  };

  const run = async (job: Job): Promise<JobResult> => {
    const start = performance.now();
    const measureFrom = start + job.warmupMs;
    const stopAt = measureFrom + job.durationMs;
    const latencies: number[] = [];
    let lastEnd = measureFrom;
    let errors = 0;
    let firstError: string | undefined;
    const loop = async (slot: number) => {
      const sessionId = sessionFor(job.target, slot);
      while (performance.now() < stopAt) {
        const t0 = performance.now();
        try {
          await execute(job.target, sessionId);
          const t1 = performance.now();
          if (t0 >= measureFrom) {
            latencies.push(t1 - t0);
            if (t1 > lastEnd) lastEnd = t1;
          }
        } catch (err) {
          errors++;
          firstError ??= err instanceof Error ? err.message : String(err);
          await new Promise((r) => setTimeout(r, 10));
        }
      }
    };
    await Promise.all(Array.from({ length: job.concurrency }, (_, i) => loop(i)));
    if (pendingReleases > 0) await new Promise<void>((r) => (releasesDrained = r));
    releasesDrained = undefined;
    return {
      label: job.label,
      concurrency: job.concurrency,
      latenciesMs: latencies,
      elapsedMs: lastEnd - measureFrom,
      errors,
      ...(firstError ? { firstError } : {}),
    };
  };

  parentPort?.on('message', (msg: { type: 'run'; job: Job } | { type: 'exit' }) => {
    if (msg.type === 'exit') {
      for (const c of clients.values()) c.close();
      parentPort?.close();
      return;
    }
    run(msg.job).then(
      (r) => parentPort?.postMessage({ type: 'result', result: r }),
      (err: unknown) => parentPort?.postMessage({ type: 'error', error: String(err) }),
    );
  });
}

// ------------------------------------------------------------------ platform and report (main thread)

function arg(name: string, dflt: string): string {
  const a = process.argv.find((s) => s.startsWith(`--${name}=`));
  return a === undefined ? dflt : a.slice(name.length + 3);
}

function percentile(sorted: number[], q: number): number {
  if (!sorted.length) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i] as number;
}

interface Row {
  concurrency: number;
  path: string;
  p50: number;
  p99: number;
  qps: number;
  errors: number;
}

function summarize(r: JobResult): Row {
  const sorted = [...r.latenciesMs].sort((a, b) => a - b);
  return {
    concurrency: r.concurrency,
    path: r.label,
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    qps: r.elapsedMs > 0 ? (sorted.length * 1000) / r.elapsedMs : 0,
    errors: r.errors,
  };
}

async function main(): Promise<void> {
  const durationMs = Number(arg('duration', '5000'));
  const warmupMs = Number(arg('warmup', '1000'));
  const concurrencies = arg('concurrency', '1,16,64').split(',').map(Number);
  const runtime = arg('runtime', '1.0');

  const { loadConfig } = await import('../src/core/config.js');
  const { startPlatform } = await import('../src/main/start-platform.js');
  const dataDir = await mkdtemp(join(tmpdir(), 'perennial-bench-'));
  await chmod(dataDir, 0o755);
  const config = loadConfig(
    { DATABASE_URL: process.env.DATABASE_URL, REDIS_URL: process.env.REDIS_URL, PERENNIAL_LOG_LEVEL: 'warn' },
    { host: '127.0.0.1', port: 0, httpPort: 0, dataDir },
  );
  process.stderr.write('starting platform...\n');
  const platform = await startPlatform(config);
  const worker = new Worker(fileURLToPath(import.meta.url));
  try {
    const driver = platform.pool.ready(runtime)[0];
    if (!driver) throw new Error(`no ready driver of runtime ${runtime}`);
    const targets = { direct: driver.address, gateway: `127.0.0.1:${platform.gatewayPort}` };

    const runJob = (job: Job) =>
      new Promise<JobResult>((resolve, reject) => {
        const onMessage = (m: { type: 'result'; result: JobResult } | { type: 'error'; error: string }) => {
          worker.off('message', onMessage);
          if (m.type === 'result') resolve(m.result);
          else reject(new Error(m.error));
        };
        worker.on('message', onMessage);
        worker.postMessage({ type: 'run', job });
      });

    // JIT warm-up of both paths, not reported.
    for (const [label, target] of Object.entries(targets)) {
      await runJob({ label, target, concurrency: 16, durationMs: 1_000, warmupMs: 0 });
    }

    const rows: Row[] = [];
    const ratios: { concurrency: number; overheadMs: number; qpsRatio: number }[] = [];
    for (const concurrency of concurrencies) {
      const pair: Row[] = [];
      for (const [label, target] of Object.entries(targets)) {
        process.stderr.write(`  ${label} @ ${concurrency}...\n`);
        const r = await runJob({ label, target, concurrency, durationMs, warmupMs });
        if (r.errors) process.stderr.write(`  ${label} @ ${concurrency}: ${r.errors} errors (first: ${r.firstError})\n`);
        pair.push(summarize(r));
      }
      const [direct, gateway] = pair as [Row, Row];
      rows.push(direct, gateway);
      ratios.push({ concurrency, overheadMs: gateway.p50 - direct.p50, qpsRatio: gateway.qps / direct.qps });
    }

    const fmt = (n: number, d = 2) => (Number.isFinite(n) ? n.toFixed(d) : '-');
    const out: string[] = [];
    out.push(`gateway vs direct driver (runtime ${runtime}), spark.range(${ROWS}).collect(), ${durationMs} ms per run`);
    out.push('');
    out.push('concurrency | path    |   p50 ms |   p99 ms |      qps | errors');
    out.push('------------+---------+----------+----------+----------+-------');
    for (const r of rows) {
      out.push(
        `${String(r.concurrency).padStart(11)} | ${r.path.padEnd(7)} | ${fmt(r.p50, 3).padStart(8)} | ${fmt(r.p99, 3).padStart(8)} | ${fmt(r.qps, 0).padStart(8)} | ${String(r.errors).padStart(6)}`,
      );
      if (r.path === 'gateway') {
        const ratio = ratios.find((x) => x.concurrency === r.concurrency);
        if (ratio) {
          out.push(
            `${String(r.concurrency).padStart(11)} | ratio   | p50 overhead ${fmt(ratio.overheadMs, 3)} ms | gateway qps / direct qps ${fmt(ratio.qpsRatio * 100, 1)} %`,
          );
        }
      }
    }
    const worstOverhead = Math.max(...ratios.map((r) => r.overheadMs));
    const worstRatio = Math.min(...ratios.map((r) => r.qpsRatio));
    out.push('');
    out.push(
      `goal p50 overhead <= 1 ms: ${worstOverhead <= 1 ? 'met' : 'MISSED'} (worst ${fmt(worstOverhead, 3)} ms); ` +
        `goal throughput >= 70 %: ${worstRatio >= 0.7 ? 'met' : 'MISSED'} (worst ${fmt(worstRatio * 100, 1)} %)`,
    );
    process.stdout.write(`${out.join('\n')}\n`);
  } finally {
    worker.postMessage({ type: 'exit' });
    await worker.terminate().catch(() => undefined);
    await platform.stop();
    await rm(dataDir, { recursive: true, force: true }).catch(() => undefined);
  }
}

if (isMainThread) {
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
      process.exit(1);
    },
  );
} else {
  runWorker();
}
