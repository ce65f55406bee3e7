/**
 * Routing change notifications over Redis pub/sub: whoever changes pins, defaults or rollouts
 * publishes; every gateway re-reads its routing snapshot from Postgres when told. A missed message
 * (Redis down) is covered by the gateways' periodic refresh.
 */
import type { Redis } from 'ioredis';
import { createRedisConnection } from './connection.js';

export const ROUTING_CHANNEL = 'perennial:routing-changed';

export interface RoutingChannel {
  publish(reason: string): Promise<void>;
  close(): Promise<void>;
}

export function createRoutingChannel(redisUrl: string, onChange?: (reason: string) => void): RoutingChannel {
  const pub: Redis = createRedisConnection({ url: redisUrl, role: 'producer', connectionName: 'perennial-routing-pub' });
  let sub: Redis | undefined;
  if (onChange) {
    sub = createRedisConnection({ url: redisUrl, role: 'worker', connectionName: 'perennial-routing-sub' });
    sub.on('message', (_channel: string, message: string) => onChange(message));
    void sub.subscribe(ROUTING_CHANNEL).catch(() => undefined);
  }
  return {
    async publish(reason) {
      await pub.publish(ROUTING_CHANNEL, reason).catch(() => undefined);
    },
    async close() {
      pub.disconnect();
      sub?.disconnect();
    },
  };
}
