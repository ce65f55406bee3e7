/** A Spark Connect gRPC client to one endpoint (a built-in driver or an external Spark Connect server). */
import { type ChannelCredentials, type Client, credentials, makeGenericClientConstructor } from '@grpc/grpc-js';
import { grpcChannelOptions, sparkConnectServiceDefinition } from '../protocol/index.js';

const SparkConnectClientCtor = makeGenericClientConstructor(sparkConnectServiceDefinition, 'SparkConnectService');

/** Methods are the upstream RPC names: `ExecutePlan`, `AnalyzePlan`, `Config`, ... */
export type SparkConnectGrpcClient = Client & Record<string, (...args: unknown[]) => unknown>;

export function connectSparkConnect(address: string, creds: ChannelCredentials = credentials.createInsecure()): SparkConnectGrpcClient {
  return new SparkConnectClientCtor(address, creds, grpcChannelOptions) as unknown as SparkConnectGrpcClient;
}
