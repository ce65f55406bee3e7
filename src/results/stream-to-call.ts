/**
 * Streams an operation's buffered responses to a server call, honouring backpressure. A client that
 * goes away leaves the operation in its buffer, so it can reattach later.
 */
import type { OperationBuffer } from './operation-buffer.js';

/** The part of a grpc-js ServerWritableStream this needs (structural, so results stays gRPC-free). */
export interface ResponseCall<Trailers> {
  on(event: 'cancelled', listener: () => void): unknown;
  once(event: 'drain', listener: () => void): unknown;
  write(chunk: never): boolean;
  end(trailers?: Trailers): void;
  emit(event: 'error', status: unknown): boolean;
}

export async function streamToCall<Trailers>(
  call: ResponseCall<Trailers>,
  buffer: OperationBuffer,
  after: string | undefined,
  opts: { toStatus(err: unknown): unknown; trailers?: () => Trailers; onFailure?: () => void },
): Promise<void> {
  let cancelled = false;
  call.on('cancelled', () => {
    cancelled = true;
  });
  try {
    for await (const r of buffer.read(after)) {
      if (cancelled) return;
      if (!call.write(r.bytes as never)) await new Promise<void>((res) => call.once('drain', () => res()));
    }
    call.end(opts.trailers?.());
  } catch (err) {
    opts.onFailure?.();
    if (!cancelled) call.emit('error', opts.toStatus(err));
  }
}
