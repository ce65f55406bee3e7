/**
 * Responses of one execution, retained for reattachable execution.
 *
 * The producer pushes encoded `ExecutePlanResponse`s; any number of readers stream them from the
 * start or from after a given response id (ReattachExecute), waiting for more while the execution
 * runs. ReleaseExecute drops what the client has acknowledged. A reader that asks for a position
 * already released gets INVALID_CURSOR.POSITION_NOT_FOUND, as Spark answers.
 */
import { PerennialError } from '../core/errors.js';

export interface BufferedResponse {
  responseId: string;
  bytes: Uint8Array;
}

export class OperationBuffer {
  private readonly items: BufferedResponse[] = [];
  /** Responses released from the front; `items[0]` has absolute index `released`. */
  private released = 0;
  private readonly releasedIds = new Set<string>();
  private finished = false;
  private failure: unknown;
  private wake: (() => void)[] = [];
  /** Last time anything happened; the registry evicts idle finished buffers. */
  touchedAt = Date.now();

  constructor(readonly operationId: string) {}

  get done(): boolean {
    return this.finished;
  }

  push(r: BufferedResponse): void {
    this.items.push(r);
    this.signal();
  }

  finish(): void {
    this.finished = true;
    this.signal();
  }

  fail(err: unknown): void {
    this.failure = err;
    this.finished = true;
    this.signal();
  }

  releaseUntil(responseId: string): void {
    const i = this.items.findIndex((r) => r.responseId === responseId);
    if (i < 0) return;
    for (const r of this.items.splice(0, i + 1)) this.releasedIds.add(r.responseId);
    this.released += i + 1;
    this.touchedAt = Date.now();
  }

  /** Streams responses after `afterResponseId` (from the start when undefined); throws the execution's error at the end. */
  async *read(afterResponseId?: string): AsyncGenerator<BufferedResponse> {
    let next: number;
    if (afterResponseId === undefined) {
      if (this.released > 0) throw positionNotAvailable(this.operationId);
      next = 0;
    } else {
      const i = this.items.findIndex((r) => r.responseId === afterResponseId);
      if (i >= 0) next = this.released + i + 1;
      else if (this.releasedIds.has(afterResponseId)) next = this.released;
      else throw positionNotFound(afterResponseId);
    }
    for (;;) {
      this.touchedAt = Date.now();
      const idx = next - this.released;
      if (idx < 0) throw positionNotAvailable(this.operationId);
      if (idx < this.items.length) {
        next++;
        yield this.items[idx] as BufferedResponse;
        continue;
      }
      if (this.finished) {
        if (this.failure !== undefined) throw this.failure;
        return;
      }
      await new Promise<void>((resolve) => this.wake.push(resolve));
    }
  }

  private signal(): void {
    this.touchedAt = Date.now();
    const w = this.wake;
    this.wake = [];
    for (const f of w) f();
  }
}

function positionNotFound(responseId: string): PerennialError {
  return new PerennialError(
    'INVALID_CURSOR.POSITION_NOT_FOUND',
    `[INVALID_CURSOR.POSITION_NOT_FOUND] The cursor is invalid. The cursor position id ${responseId} is not found.`,
    { kind: 'session', sqlState: 'HY109' },
  );
}

function positionNotAvailable(operationId: string): PerennialError {
  return new PerennialError(
    'INVALID_CURSOR.POSITION_NOT_AVAILABLE',
    `[INVALID_CURSOR.POSITION_NOT_AVAILABLE] The cursor is invalid. The cursor position for operation ${operationId} has already been released.`,
    { kind: 'session', sqlState: 'HY109' },
  );
}
