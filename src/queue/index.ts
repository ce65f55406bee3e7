/** BullMQ infrastructure only: connections, queue names, payload types, producers. */
export { createRedisConnection, type RedisConnectionOptions } from './connection.js';
export { createRunsProducer, type RunsProducer, type RunsProducerOptions } from './producers.js';
export {
  cappedExponentialBackoff,
  PERSIST_RUNS_JOB,
  type PersistRunsPayload,
  RUNS_BACKOFF_MAX_MS,
  RUNS_BACKOFF_TYPE,
  RUNS_JOB_OPTIONS,
  RUNS_QUEUE,
  type RunEventPayload,
  type RunOutcome,
} from './queues.js';
export { createRoutingChannel, ROUTING_CHANNEL, type RoutingChannel } from './routing-channel.js';
