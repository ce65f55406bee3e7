import { Counter, register as defaultRegistry, Gauge, type Registry } from 'prom-client';
import { createLogger } from '../core/logger.js';
import type { RunEvent } from './events.js';
import { SpillStore } from './spill.js';

/**
 * Where the gateway reports every finished attempt.
 *
 * Contract:
 * - `record()` returns at once: it never awaits, never does I/O on the caller's turn, never throws.
 *   The request path must not slow down or fail because recording is slow or broken.
 * - Delivery is at-least-once up to documented bounds: an event may reach the store more than once
 *   (the store dedupes on `runId`), and is lost only when every bound is exceeded, which is counted
 *   (`perennial_recorder_dropped_total`) and logged.
 *
 * @example
 *   recorder.record({ runId: randomUUID(), operationId, tenant, workload, sessionId, fingerprint,
 *     runtimeVersion: '4.0.1', attempt: 1, outcome: 'success', durationMs: 12, rows: 10, bytes: 640,
 *     startedAt: new Date(t0).toISOString() });
 */
export interface RunRecorder {
  record(event: RunEvent): void;
}

/** Where batches go: satisfied by `queue`'s `RunsProducer`. */
export interface RunBatchSink {
  /** False while the broker is unreachable: batches then go straight to the spill. */
  isReady(): boolean;
  /** Enqueue one batch as one job. */
  addBatch(events: RunEvent[]): Promise<void>;
}

/** A pino-compatible subset. */
export interface RecorderLogger {
  warn(fields: Record<string, unknown>, msg: string): void;
}

export interface BufferedRecorderOptions {
  sink: RunBatchSink;
  /** Folder for the on-disk spill; one process per folder. */
  spillDir: string;
  /** Bound of the spill on disk. Default 256 MiB. */
  maxSpillBytes?: number;
  /** Bound of events held in memory (buffered + waiting to be sent). Default 50,000. */
  maxBufferedEvents?: number;
  /** Events per job. Default 500. */
  batchSize?: number;
  /** A partial batch is sent after at most this long. Default 50 ms. */
  flushIntervalMs?: number;
  /** Concurrent `addBatch` calls. Default 4. */
  maxInFlight?: number;
  /** An `addBatch` slower than this counts as failed and its batch is spilled. Default 2,000 ms. */
  addTimeoutMs?: number;
  /** prom-client registry for the recorder's metrics. Default: prom-client's global registry. */
  registry?: Registry;
  logger?: RecorderLogger;
  /** Minimum time between two "dropped" log lines. Default 10 s. */
  dropLogIntervalMs?: number;
}

export type DropReason = 'buffer-full' | 'spill-full' | 'spill-error' | 'spill-corrupt' | 'closed';

export interface RecorderStats {
  recorded: number;
  /** Events acknowledged by the sink (including spilled events drained later). */
  sent: number;
  /** Events written to the spill (before any drain). */
  spilled: number;
  dropped: number;
  /** Events in memory: buffered or waiting for a send slot. */
  depth: number;
  spillBytes: number;
}

interface Metrics {
  dropped: Counter<'reason'>;
  spilled: Counter;
  depth: Gauge;
  spillBytes: Gauge;
}

/**
 * `RunRecorder` over a bounded in-memory buffer feeding BullMQ in batches.
 *
 * Every `flushIntervalMs`, or as soon as `batchSize` events are buffered, events are cut into batches
 * and handed to the sink (one job each), at most `maxInFlight` at a time. When the sink is not ready,
 * fails, or is slower than `addTimeoutMs`, batches are appended to the spill folder instead, and the
 * spill is drained back into the sink once it is ready again. An event is dropped only when memory
 * is full (`maxBufferedEvents`) or the spill is full (`maxSpillBytes`). `close()` sends or spills
 * everything still in memory.
 */
export class BufferedRecorder implements RunRecorder {
  private readonly sink: RunBatchSink;
  private readonly spill: SpillStore;
  private readonly batchSize: number;
  private readonly maxBuffered: number;
  private readonly maxInFlight: number;
  private readonly addTimeoutMs: number;
  private readonly dropLogIntervalMs: number;
  private readonly logger: RecorderLogger;
  private readonly metrics: Metrics;
  private readonly timer: NodeJS.Timeout;

  private buffer: RunEvent[] = [];
  private readonly pending: RunEvent[][] = [];
  private pendingEvents = 0;
  private inFlight = 0;
  private flushScheduled = false;
  private draining: Promise<void> | undefined;
  private closed = false;
  private releaseWaiters: (() => void)[] = [];
  private sendFailedWhileClosing = false;

  private readonly counts = { recorded: 0, sent: 0, spilled: 0, dropped: 0 };
  private unloggedDrops = 0;
  private lastDropLog = 0;

  constructor(opts: BufferedRecorderOptions) {
    this.sink = opts.sink;
    this.batchSize = opts.batchSize ?? 500;
    this.maxBuffered = opts.maxBufferedEvents ?? 50_000;
    this.maxInFlight = opts.maxInFlight ?? 4;
    this.addTimeoutMs = opts.addTimeoutMs ?? 2_000;
    this.dropLogIntervalMs = opts.dropLogIntervalMs ?? 10_000;
    this.logger = opts.logger ?? createLogger('perennial-recorder');
    this.spill = new SpillStore(opts.spillDir, opts.maxSpillBytes ?? 256 * 1024 * 1024);
    this.metrics = metricsFor(opts.registry ?? defaultRegistry);
    this.timer = setInterval(() => this.tick(), opts.flushIntervalMs ?? 50);
    this.timer.unref();
  }

  record(event: RunEvent): void {
    try {
      if (this.closed) {
        this.drop(1, 'closed');
        return;
      }
      if (this.buffer.length + this.pendingEvents >= this.maxBuffered) {
        this.drop(1, 'buffer-full');
        return;
      }
      this.buffer.push(event);
      this.counts.recorded++;
      if (this.buffer.length >= this.batchSize && !this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => {
          this.flushScheduled = false;
          this.cut(false);
          this.pump();
        });
      }
    } catch {
      // record() never throws; a failure here is as good as a drop.
      this.counts.dropped++;
    }
  }

  stats(): RecorderStats {
    return {
      ...this.counts,
      depth: this.buffer.length + this.pendingEvents,
      spillBytes: this.spill.size,
    };
  }

  /**
   * Stops the timer and sends every event still in memory, or spills it if the sink is down or
   * failing; resolves when all of it is acknowledged by the sink or on disk. Does not close the sink. Events recorded afterwards are
   * dropped (and counted).
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    this.cut(true);
    while (this.pending.length > 0 || this.inFlight > 0) {
      if (this.sendFailedWhileClosing || !this.sink.isReady()) {
        // The broker is down or failing: do not wait on it, put the rest on disk.
        while (this.pending.length > 0) this.spillBatch(this.takePending());
      } else {
        while (this.pending.length > 0 && this.inFlight < this.maxInFlight) this.send(this.takePending());
      }
      if (this.inFlight > 0) await new Promise<void>((r) => this.releaseWaiters.push(r));
    }
    await this.draining;
    await this.spill.flushed();
    this.updateGauges();
  }

  // ---- internals ---------------------------------------------------------------------------------

  private tick(): void {
    this.cut(true);
    this.pump();
    this.maybeDrain();
    this.updateGauges();
  }

  /** Moves buffered events into batches; partial batches too when `all`. */
  private cut(all: boolean): void {
    while (this.buffer.length >= this.batchSize || (all && this.buffer.length > 0)) {
      const batch = this.buffer.length <= this.batchSize ? this.buffer : this.buffer.slice(0, this.batchSize);
      this.buffer = this.buffer.length <= this.batchSize ? [] : this.buffer.slice(this.batchSize);
      this.pending.push(batch);
      this.pendingEvents += batch.length;
    }
  }

  private takePending(): RunEvent[] {
    const batch = this.pending.shift() ?? [];
    this.pendingEvents -= batch.length;
    return batch;
  }

  private pump(): void {
    const ready = this.sink.isReady();
    while (ready && this.pending.length > 0 && this.inFlight < this.maxInFlight) this.send(this.takePending());
    if (this.pending.length === 0) return;
    if (!ready) {
      while (this.pending.length > 0) this.spillBatch(this.takePending());
      return;
    }
    // The sink is up but slow: keep memory for new events by moving the oldest batches to disk.
    while (this.pending.length > 0 && this.pendingEvents > this.maxBuffered / 2) this.spillBatch(this.takePending());
  }

  private send(batch: RunEvent[]): void {
    this.inFlight++;
    withTimeout(this.sink.addBatch(batch), this.addTimeoutMs).then(
      () => {
        this.counts.sent += batch.length;
        this.release();
      },
      () => {
        // Failed or timed out: the batch may still arrive later; duplicates are harmless downstream.
        if (this.closed) this.sendFailedWhileClosing = true;
        this.spillBatch(batch);
        this.release();
      },
    );
  }

  private release(): void {
    this.inFlight--;
    if (!this.closed) this.pump();
    const waiters = this.releaseWaiters;
    this.releaseWaiters = [];
    for (const w of waiters) w();
  }

  private spillBatch(batch: RunEvent[]): void {
    if (batch.length === 0) return;
    const accepted = this.spill.append(batch, (err) => {
      this.counts.spilled -= batch.length;
      this.drop(batch.length, 'spill-error', err);
    });
    if (accepted) {
      this.counts.spilled += batch.length;
      this.metrics.spilled.inc(batch.length);
    } else {
      this.drop(batch.length, 'spill-full');
    }
  }

  private maybeDrain(): void {
    if (this.draining !== undefined || this.closed || this.spill.size === 0 || !this.sink.isReady()) return;
    this.draining = this.spill
      .drain(
        async (batch) => {
          await withTimeout(this.sink.addBatch(batch), this.addTimeoutMs);
          this.counts.sent += batch.length;
        },
        (line) => this.drop(countEvents(line), 'spill-corrupt'),
      )
      .then(
        () => undefined,
        (err: unknown) => this.logger.warn({ err: String(err) }, 'run event spill drain failed; will retry'),
      )
      .finally(() => {
        this.draining = undefined;
      });
  }

  private drop(n: number, reason: DropReason, err?: unknown): void {
    this.counts.dropped += n;
    this.metrics.dropped.inc({ reason }, n);
    this.unloggedDrops += n;
    const now = Date.now();
    if (now - this.lastDropLog >= this.dropLogIntervalMs) {
      this.lastDropLog = now;
      this.logger.warn(
        {
          dropped: this.unloggedDrops,
          droppedTotal: this.counts.dropped,
          reason,
          ...(err === undefined ? {} : { err: String(err) }),
        },
        'run events dropped',
      );
      this.unloggedDrops = 0;
    }
  }

  private updateGauges(): void {
    this.metrics.depth.set(this.buffer.length + this.pendingEvents);
    this.metrics.spillBytes.set(this.spill.size);
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(t);
        reject(e);
      },
    );
  });
}

/** Best-effort event count of an unparsable spill line, for the drop counter. */
function countEvents(line: string): number {
  return Math.max(1, (line.match(/"runId"/g) ?? []).length);
}

function metricsFor(registry: Registry): Metrics {
  const get = <T>(name: string, make: () => T): T => (registry.getSingleMetric(name) as T | undefined) ?? make();
  return {
    dropped: get(
      'perennial_recorder_dropped_total',
      () =>
        new Counter({
          name: 'perennial_recorder_dropped_total',
          help: 'Run events lost by the recorder, by reason (memory or spill bound exceeded).',
          labelNames: ['reason'] as const,
          registers: [registry],
        }),
    ),
    spilled: get(
      'perennial_recorder_spilled_total',
      () =>
        new Counter({
          name: 'perennial_recorder_spilled_total',
          help: 'Run events written to the on-disk spill because Redis was unreachable or slow.',
          registers: [registry],
        }),
    ),
    depth: get(
      'perennial_recorder_buffer_depth',
      () =>
        new Gauge({
          name: 'perennial_recorder_buffer_depth',
          help: 'Run events held in memory by the recorder.',
          registers: [registry],
        }),
    ),
    spillBytes: get(
      'perennial_recorder_spill_bytes',
      () =>
        new Gauge({
          name: 'perennial_recorder_spill_bytes',
          help: 'Bytes of run events in the on-disk spill.',
          registers: [registry],
        }),
    ),
  };
}
