/** What operators need at run time: expression settings, the memory cap, cancellation, file access. */
import { PerennialError } from '../../core/errors.js';
import type { Batch } from '../arrow/vec.js';
import type { CompileEnv } from '../expr/compile.js';
import type { EvalContext } from '../expr/eval-context.js';
import type { Attr } from '../plan/logical-plan.js';

export interface FileReader {
  read(format: string, paths: string[], options: Record<string, string>, output: Attr[]): AsyncIterable<Batch>;
}

export class MemoryTracker {
  private used = 0;
  constructor(private readonly limit: number | undefined) {}
  /** Accounts bytes held by a pipeline breaker; fails the query past the soft cap. */
  reserve(bytes: number): void {
    this.used += bytes;
    if (this.limit !== undefined && this.used > this.limit) {
      throw new PerennialError(
        'MEMORY_LIMIT_EXCEEDED',
        `[MEMORY_LIMIT_EXCEEDED] The query needs more than the ${this.limit} bytes of memory it may use (at least ${this.used} bytes held by sorts, joins and aggregations). Reduce the data processed or raise the limit. SQLSTATE: 53200`,
        { kind: 'resources-exhausted', messageParameters: { limit: String(this.limit), used: String(this.used) } },
      );
    }
  }
  release(bytes: number): void {
    this.used = Math.max(0, this.used - bytes);
  }
}

export interface ExecContext {
  ctx: EvalContext;
  env: CompileEnv;
  memory: MemoryTracker;
  files: FileReader;
  batchSize: number;
  signal?: AbortSignal;
}

/** Longest stretch of computation between two turns of the event loop. */
const YIELD_EVERY_MS = 25;
let lastYieldAt = performance.now();

/**
 * Gives the event loop a turn when the query has computed for a while. Leaf operators call it once
 * per batch: every pull bottoms out in a leaf, so the whole pipeline yields, and the process keeps
 * answering health probes, interrupts and other sessions during a long query.
 */
export async function yieldIfDue(): Promise<void> {
  const now = performance.now();
  if (now - lastYieldAt < YIELD_EVERY_MS) return;
  await new Promise<void>((resolve) => setImmediate(resolve));
  lastYieldAt = performance.now();
}

export function checkAbort(x: ExecContext): void {
  if (x.signal?.aborted) {
    throw new PerennialError('OPERATION_CANCELED', '[OPERATION_CANCELED] Operation has been canceled. SQLSTATE: HY008', { kind: 'user' });
  }
}

export function batchBytes(b: Batch): number {
  let s = 0;
  for (const c of b.cols) {
    const d = c.data as { byteLength?: number; length: number };
    s += d.byteLength ?? d.length * 24;
  }
  return s;
}

export type Stream = AsyncIterable<Batch>;
