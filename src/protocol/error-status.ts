/**
 * The one place where a PerennialError becomes a gRPC status (and back).
 *
 * Shape follows the reference Spark Connect server: the status message is the error text, and the
 * `grpc-status-details-bin` trailer carries a `google.rpc.Status` whose `ErrorInfo` names the JVM
 * class chain, error class, SQL state and message parameters — what pyspark reads to raise
 * AnalysisException, ParseException, ArithmeticException, ...
 */
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { anyPack, anyUnpack } from '@bufbuild/protobuf/wkt';
import { Metadata, status as Status } from '@grpc/grpc-js';
import type { StatusObject } from '@grpc/grpc-js';
import { type ErrorKind, PerennialError } from '../core/errors.js';
import { ErrorInfoSchema, StatusSchema } from './generated/google/rpc/status_pb.js';

const DETAILS_KEY = 'grpc-status-details-bin';
/** Spark truncates long messages in the status text; full text stays available via FetchErrorDetails. */
const MAX_STATUS_MESSAGE = 2048;

export function grpcCodeFor(kind: ErrorKind): Status {
  switch (kind) {
    case 'user':
      return Status.INVALID_ARGUMENT;
    case 'unsupported':
      return Status.UNIMPLEMENTED;
    case 'resources-exhausted':
      return Status.RESOURCE_EXHAUSTED;
    case 'unavailable':
      return Status.UNAVAILABLE;
    case 'auth':
      return Status.UNAUTHENTICATED;
    case 'session':
    case 'internal':
      return Status.INTERNAL;
  }
}

/** Builds the status a handler emits for `err`. `errorId` lets the client call FetchErrorDetails. */
export function toGrpcStatus(err: PerennialError, errorId?: string): Partial<StatusObject> {
  const code = grpcCodeFor(err.kind);
  const message = err.message.length > MAX_STATUS_MESSAGE ? `${err.message.slice(0, MAX_STATUS_MESSAGE)}...` : err.message;
  const info = create(ErrorInfoSchema, {
    reason: err.classes[0] ?? 'org.apache.spark.SparkException',
    domain: 'org.apache.spark',
    metadata: {
      classes: JSON.stringify(err.classes),
      errorClass: err.errorClass,
      sqlState: err.sqlState,
      messageParameters: JSON.stringify(err.messageParameters),
      perennialKind: err.kind,
      ...(errorId ? { errorId } : {}),
    },
  });
  const details = create(StatusSchema, { code, message, details: [anyPack(ErrorInfoSchema, info)] });
  const metadata = new Metadata();
  metadata.set(DETAILS_KEY, Buffer.from(toBinary(StatusSchema, details)));
  return { code, details: message, metadata };
}

/** What a received gRPC error says, for retry decisions and recording. */
export interface ReceivedError {
  code: number;
  message: string;
  errorClass?: string;
  sqlState?: string;
  kind?: ErrorKind;
  classes?: string[];
  messageParameters?: Record<string, string>;
  /** The trailers to forward unchanged to our own client. */
  metadata?: Metadata;
}

export function fromGrpcError(e: unknown): ReceivedError {
  const err = e as { code?: number; details?: string; message?: string; metadata?: Metadata };
  const out: ReceivedError = {
    code: typeof err.code === 'number' ? err.code : Status.UNKNOWN,
    message: err.details ?? err.message ?? String(e),
  };
  if (err.metadata) out.metadata = err.metadata;
  const raw = err.metadata?.get(DETAILS_KEY)[0];
  if (raw instanceof Buffer) {
    try {
      const st = fromBinary(StatusSchema, raw);
      for (const any of st.details) {
        const info = anyUnpack(any, ErrorInfoSchema);
        if (!info) continue;
        const m = info.metadata;
        if (m.errorClass) out.errorClass = m.errorClass;
        if (m.sqlState) out.sqlState = m.sqlState;
        if (m.perennialKind) out.kind = m.perennialKind as ErrorKind;
        if (m.classes) out.classes = safeJson<string[]>(m.classes, []);
        if (m.messageParameters) out.messageParameters = safeJson<Record<string, string>>(m.messageParameters, {});
      }
    } catch {
      // Malformed details from a foreign server: keep the status code and text.
    }
  }
  return out;
}

/** Rebuilds a PerennialError from a received gRPC error (a driver's or an external Spark's). */
export function toPerennialFromGrpc(r: ReceivedError): PerennialError {
  const kind: ErrorKind =
    r.kind ??
    (r.code === Status.UNAVAILABLE || r.code === Status.DEADLINE_EXCEEDED || r.code === Status.CANCELLED
      ? 'unavailable'
      : r.code === Status.RESOURCE_EXHAUSTED
        ? 'resources-exhausted'
        : r.code === Status.UNAUTHENTICATED
          ? 'auth'
          : 'user');
  return new PerennialError(r.errorClass ?? (kind === 'unavailable' ? 'UNAVAILABLE' : 'INTERNAL_ERROR'), r.message, {
    kind,
    ...(r.sqlState ? { sqlState: r.sqlState } : {}),
    ...(r.classes?.length ? { classes: r.classes } : {}),
    ...(r.messageParameters ? { messageParameters: r.messageParameters } : {}),
  });
}

function safeJson<T>(s: string, fallback: T): T {
  try {
    return JSON.parse(s) as T;
  } catch {
    return fallback;
  }
}
