export * from './generated/spark/connect/base_pb.js';
export * from './generated/spark/connect/commands_pb.js';
export * from './generated/spark/connect/common_pb.js';
export * from './generated/spark/connect/expressions_pb.js';
export * from './generated/spark/connect/relations_pb.js';
export * from './generated/spark/connect/types_pb.js';
export { fromGrpcError, grpcCodeFor, type ReceivedError, toGrpcStatus, toPerennialFromGrpc } from './error-status.js';
export {
  grpcChannelOptions,
  MAX_MESSAGE_BYTES,
  type Outgoing,
  type SparkConnectMethod,
  sparkConnectServiceDefinition,
  type Wire,
} from './service.js';
export { listenInsecure, shutdownGracefully } from './grpc-server.js';
