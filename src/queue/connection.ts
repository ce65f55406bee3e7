import { Redis, type RedisOptions } from 'ioredis';

export interface RedisConnectionOptions {
  url: string;
  /**
   * 'worker': commands wait for reconnects (BullMQ workers need that).
   * 'producer': commands fail at once while disconnected, so a caller on the request path can fall
   * back (e.g. spill to disk) instead of waiting. Default 'worker'.
   */
  role?: 'worker' | 'producer';
  /** Name shown in CLIENT LIST. */
  connectionName?: string;
  /** Called on connection errors (they repeat while Redis is down); default: ignored. */
  onError?: (err: Error) => void;
}

/**
 * An ioredis client ready for BullMQ: `maxRetriesPerRequest: null` (required by BullMQ workers, and
 * lets queued commands survive a reconnect) and reconnecting for ever with a capped delay.
 */
export function createRedisConnection(opts: RedisConnectionOptions): Redis {
  const producer = opts.role === 'producer';
  const options: RedisOptions = {
    maxRetriesPerRequest: null,
    enableOfflineQueue: !producer,
    enableReadyCheck: true,
    retryStrategy: (times) => Math.min(50 * 2 ** Math.min(times, 6), 2000),
    ...(opts.connectionName === undefined ? {} : { connectionName: opts.connectionName }),
  };
  const redis = new Redis(opts.url, options);
  // An 'error' event without a listener would crash the process; errors repeat while Redis is down.
  redis.on('error', (err: Error) => opts.onError?.(err));
  return redis;
}
