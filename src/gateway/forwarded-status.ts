/** A driver's error status, kept whole so the client receives exactly what the driver said. */
import { type Metadata, status as Status } from '@grpc/grpc-js';
import { toPerennialError } from '../core/errors.js';
import { fromGrpcError, type ReceivedError, toGrpcStatus } from '../protocol/index.js';

export class ForwardedStatus extends Error {
  constructor(
    readonly code: number,
    readonly details: string,
    readonly metadata: Metadata | undefined,
    readonly received: ReceivedError,
  ) {
    super(details);
  }

  static from(e: unknown): ForwardedStatus {
    const r = fromGrpcError(e);
    return new ForwardedStatus(r.code, r.message, r.metadata, r);
  }
}

/** Transient: the driver process is gone or overloaded, not the query's fault. */
export function isTransient(r: ReceivedError): boolean {
  return (
    r.kind === 'unavailable' ||
    (r.kind === undefined &&
      (r.code === Status.UNAVAILABLE || r.code === Status.DEADLINE_EXCEEDED || r.code === Status.CANCELLED)) ||
    (r.kind === 'resources-exhausted' && r.code === Status.RESOURCE_EXHAUSTED)
  );
}

/** The status object grpc-js emits for any error we hold. */
export function statusOf(err: unknown) {
  if (err instanceof ForwardedStatus) {
    const out: { code: number; details: string; metadata?: Metadata } = { code: err.code, details: err.details };
    // Transport-level failures carry no useful trailers of ours.
    if (err.metadata && err.code !== Status.UNAVAILABLE) out.metadata = err.metadata;
    return out;
  }
  return toGrpcStatus(toPerennialError(err));
}
