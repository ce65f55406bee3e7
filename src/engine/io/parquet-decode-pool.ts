/**
 * Decodes Parquet column chunks on worker threads so scans use the second core: the reader asks for
 * the chunks of the next row groups while the query works on the current one.
 *
 * Workers run compiled JavaScript: next to this module in the build, or — when this module runs from
 * TypeScript source (the test runner) — the copy `npm run build` put under dist/. Without either, and
 * whenever a worker fails, decoding happens on the calling thread (same code, same result).
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Vec, VecData } from '../arrow/vec.js';
import type { DataType } from '../plan/data-type.js';
import { type FlatChunk, type TextCodes, textFromCodes } from './parquet-pages.js';

export interface DecodeTask {
  id: number;
  file: string;
  start: number;
  length: number;
  chunk: FlatChunk;
  type: DataType;
}

export type DecodeReply =
  | { id: number; data: VecData; valid: Uint8Array | null; length: number }
  | { id: number; text: TextCodes }
  | { id: number; declined: true }
  | { id: number; error: string };

interface Pending {
  resolve: (v: Vec | undefined) => void;
  reject: (e: Error) => void;
  type: DataType;
}

function workerScript(): string | undefined {
  const here = fileURLToPath(new URL('./parquet-decode-worker.js', import.meta.url));
  if (existsSync(here)) return here;
  const built = here.replace(/([/\\])src([/\\]engine[/\\]io[/\\])/, '$1dist$1src$2');
  return built !== here && existsSync(built) ? built : undefined;
}

class DecodePool {
  private readonly workers: { w: Worker; busy: number }[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private broken = false;

  constructor(
    private readonly script: string,
    private readonly size: number,
  ) {}

  decode(task: Omit<DecodeTask, 'id'>): Promise<Vec | undefined> {
    const slot = this.pick();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, type: task.type });
      slot.busy++;
      slot.w.ref();
      slot.w.postMessage({ ...task, id });
    });
  }

  get usable(): boolean {
    return !this.broken;
  }

  private pick(): { w: Worker; busy: number } {
    if (this.workers.length < this.size && (this.workers.length === 0 || this.workers.every((s) => s.busy > 0))) this.workers.push(this.spawn());
    let best = this.workers[0]!;
    for (const s of this.workers) if (s.busy < best.busy) best = s;
    return best;
  }

  private spawn(): { w: Worker; busy: number } {
    const w = new Worker(this.script);
    const slot = { w, busy: 0 };
    w.unref();
    w.on('message', (r: DecodeReply) => {
      const p = this.pending.get(r.id);
      if (!p) return;
      this.pending.delete(r.id);
      // An idle worker must not keep the process alive.
      if (--slot.busy === 0) w.unref();
      if ('error' in r) p.reject(new Error(r.error));
      else if ('declined' in r) p.resolve(undefined);
      else if ('text' in r) p.resolve(textFromCodes(p.type, r.text));
      else p.resolve({ type: p.type, length: r.length, data: r.data, valid: r.valid });
    });
    w.on('error', (e) => this.fail(slot, e));
    w.on('exit', (code) => {
      if (code !== 0) this.fail(slot, new Error(`parquet decode worker exited with code ${code}`));
    });
    return slot;
  }

  /** A crashed worker: its callers get an error (and decode on their own thread); no new workers. */
  private fail(slot: { w: Worker; busy: number }, e: Error): void {
    this.broken = true;
    const i = this.workers.indexOf(slot);
    if (i >= 0) this.workers.splice(i, 1);
    for (const [id, p] of this.pending) {
      this.pending.delete(id);
      p.reject(e);
    }
  }
}

let pool: DecodePool | null | undefined;

/** The process-wide pool, or null when workers are unavailable (no compiled worker, one core). */
export function decodePool(): DecodePool | null {
  if (pool === undefined) {
    const script = workerScript();
    const cores = availableParallelism();
    pool = script && cores > 1 && process.env.PERENNIAL_SCAN_WORKERS !== '0' ? new DecodePool(script, Math.min(cores, 4)) : null;
  }
  return pool !== null && pool.usable ? pool : null;
}
