/**
 * Raw Spark Connect calls for end-to-end tests: what SparkConnectClient does not expose (ReattachExecute,
 * ReleaseExecute, streams cancelled mid-way, garbage bytes), plus decoding of error statuses.
 */
import { type Client, credentials, makeGenericClientConstructor, Metadata, status as Status } from '@grpc/grpc-js';
import {
  type ExecutePlanResponse,
  fromGrpcError,
  grpcChannelOptions,
  type ReceivedError,
  sparkConnectServiceDefinition,
  type Wire,
} from '../../src/protocol/index.js';

const Ctor = makeGenericClientConstructor(sparkConnectServiceDefinition, 'SparkConnectService');

export type RawClient = Client & Record<string, (...a: unknown[]) => unknown>;

export function rawClient(port: number): RawClient {
  return new Ctor(`localhost:${port}`, credentials.createInsecure(), grpcChannelOptions) as never;
}

export function metadata(headers: Record<string, string> = {}): Metadata {
  const md = new Metadata();
  for (const [k, v] of Object.entries(headers)) md.set(k, v);
  return md;
}

export interface StreamOutcome {
  responses: ExecutePlanResponse[];
  error?: (Error & { code: number; details: string; metadata: Metadata }) | undefined;
}

/**
 * A server-streaming call (ExecutePlan / ReattachExecute) run to its end. With `cancelAfter`, the
 * client cancels the call once that many responses arrived (a client that went away mid-stream).
 */
export function stream(
  client: RawClient,
  method: 'ExecutePlan' | 'ReattachExecute',
  request: unknown,
  md: Metadata = new Metadata(),
  opts: { cancelAfter?: number } = {},
): Promise<StreamOutcome> {
  return new Promise((resolve) => {
    const call = client[method]?.call(client, request, md) as NodeJS.ReadableStream & { cancel(): void };
    const responses: ExecutePlanResponse[] = [];
    let cancelled = false;
    call.on('data', (w: Wire<ExecutePlanResponse>) => {
      if (cancelled) return;
      responses.push(w.msg);
      if (opts.cancelAfter !== undefined && responses.length >= opts.cancelAfter) {
        cancelled = true;
        call.cancel();
      }
    });
    call.on('end', () => resolve({ responses }));
    call.on('error', (error: StreamOutcome['error']) => {
      if (cancelled && error?.code === Status.CANCELLED) resolve({ responses });
      else resolve({ responses, error });
    });
  });
}

export function unary<Res>(client: RawClient, method: string, request: unknown, md: Metadata = new Metadata()): Promise<Res> {
  return new Promise((resolve, reject) => {
    (client[method] as (...a: unknown[]) => void).call(client, request, md, (err: unknown, res: Wire<Res>) =>
      err ? reject(err) : resolve(res.msg),
    );
  });
}

/** Code, text and ErrorInfo (error class, SQL state, class chain) of a rejected call. */
export async function errorOf(p: Promise<unknown>): Promise<ReceivedError> {
  try {
    await p;
  } catch (err) {
    return fromGrpcError(err);
  }
  throw new Error('expected the call to fail, but it succeeded');
}

export function received(err: StreamOutcome['error']): ReceivedError {
  if (!err) throw new Error('expected the stream to fail, but it completed');
  return fromGrpcError(err);
}

/** Sends arbitrary bytes as the request of a method, bypassing protobuf encoding. */
export function garbageCall(
  port: number,
  method: string,
  bytes: Uint8Array,
  kind: 'unary' | 'server-stream',
): Promise<{ code: number; details: string }> {
  const client = new (makeGenericClientConstructor({}, 'Raw'))(`localhost:${port}`, credentials.createInsecure());
  const path = `/spark.connect.SparkConnectService/${method}`;
  const ser = (b: Buffer) => b;
  const de = (b: Buffer) => b;
  return new Promise((resolve) => {
    const done = (r: { code: number; details: string }) => {
      client.close();
      resolve(r);
    };
    if (kind === 'unary') {
      client.makeUnaryRequest(path, ser, de, Buffer.from(bytes), new Metadata(), (err) =>
        done(err ? { code: err.code, details: err.details } : { code: Status.OK, details: '' }),
      );
    } else {
      const call = client.makeServerStreamRequest(path, ser, de, Buffer.from(bytes), new Metadata());
      call.on('data', () => {});
      call.on('error', (err: { code: number; details: string }) => done({ code: err.code, details: err.details }));
      call.on('end', () => done({ code: Status.OK, details: '' }));
    }
  });
}
