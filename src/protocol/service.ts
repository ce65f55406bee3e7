/**
 * grpc-js service definition of `spark.connect.SparkConnectService`, built from the generated
 * protobuf-es descriptors.
 *
 * Every message crossing it is a `Wire<T>`: the decoded message plus the exact bytes it came from.
 * The gateway inspects the decoded request and forwards the original bytes to a driver (and a
 * driver's response bytes back to the client) without re-encoding — the gateway's cost per message
 * is one decode. Senders may pass either a message or raw bytes.
 */
import { fromBinary, toBinary } from '@bufbuild/protobuf';
import type { DescMessage, MessageShape } from '@bufbuild/protobuf';
import type { MethodDefinition, ServiceDefinition } from '@grpc/grpc-js';
import { SparkConnectService } from './generated/spark/connect/base_pb.js';

export interface Wire<T> {
  msg: T;
  raw: Uint8Array;
}

/** What may be written to a stream or passed as a request: a message, or bytes already encoded. */
export type Outgoing<T> = T | Uint8Array;

function codec<D extends DescMessage>(schema: D) {
  return {
    serialize(value: Outgoing<MessageShape<D>> | Wire<MessageShape<D>>): Buffer {
      if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
      if (isWire(value)) return Buffer.from(value.raw.buffer, value.raw.byteOffset, value.raw.byteLength);
      const bytes = toBinary(schema, value as MessageShape<D>);
      return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    },
    deserialize(buf: Buffer): Wire<MessageShape<D>> {
      return { msg: fromBinary(schema, buf), raw: buf };
    },
  };
}

function isWire(v: unknown): v is Wire<unknown> {
  return typeof v === 'object' && v !== null && 'raw' in v && 'msg' in v;
}

const methodNames = {
  executePlan: 'ExecutePlan',
  analyzePlan: 'AnalyzePlan',
  config: 'Config',
  addArtifacts: 'AddArtifacts',
  artifactStatus: 'ArtifactStatus',
  interrupt: 'Interrupt',
  reattachExecute: 'ReattachExecute',
  releaseExecute: 'ReleaseExecute',
  releaseSession: 'ReleaseSession',
  fetchErrorDetails: 'FetchErrorDetails',
} as const;

export type SparkConnectMethod = keyof typeof methodNames;

function buildDefinition(): ServiceDefinition {
  const def: Record<string, MethodDefinition<unknown, unknown>> = {};
  for (const [local, method] of Object.entries(SparkConnectService.method)) {
    const name = methodNames[local as SparkConnectMethod];
    if (!name) continue;
    const req = codec(method.input);
    const res = codec(method.output);
    def[name] = {
      path: `/spark.connect.SparkConnectService/${name}`,
      requestStream: method.methodKind === 'client_streaming',
      responseStream: method.methodKind === 'server_streaming',
      requestSerialize: req.serialize as (v: unknown) => Buffer,
      requestDeserialize: req.deserialize,
      responseSerialize: res.serialize as (v: unknown) => Buffer,
      responseDeserialize: res.deserialize,
      originalName: local,
    };
  }
  return def;
}

/** Method names are the upstream RPC names (`ExecutePlan`, ...), as grpc-js server handlers and clients use them. */
export const sparkConnectServiceDefinition: ServiceDefinition = buildDefinition();

/** Largest message either side accepts; inline local relations can be tens of MiB. */
export const MAX_MESSAGE_BYTES = 256 * 1024 * 1024;

export const grpcChannelOptions = {
  'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
  'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
  'grpc.keepalive_time_ms': 30_000,
  'grpc.keepalive_timeout_ms': 10_000,
} as const;
