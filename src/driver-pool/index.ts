export { connectSparkConnect, type SparkConnectGrpcClient } from './channel.js';
export { type DriverHandle, DriverPool, type DriverPoolOptions, type DriverState } from './pool.js';
