/** Calls to a driver with raw request bytes; responses come back as `Wire` (decoded + raw). */
import { type ClientReadableStream, Metadata } from '@grpc/grpc-js';
import type { DriverHandle } from '../driver-pool/index.js';
import type { Wire } from '../protocol/index.js';

export const SERVER_SESSION_HEADER = 'x-perennial-server-session-id';
export const TENANT_HEADER = 'x-perennial-tenant';
export const RELEASE_ON_COMPLETE_HEADER = 'x-perennial-release-on-complete';
export const SESSION_STATE_TRAILER = 'x-perennial-session-state';

export interface UpstreamSession {
  tenant: string;
  serverSideSessionId: string;
}

export function upstreamMetadata(s: UpstreamSession, extra?: Record<string, string>): Metadata {
  const md = new Metadata();
  md.set(SERVER_SESSION_HEADER, s.serverSideSessionId);
  md.set(TENANT_HEADER, s.tenant);
  if (extra) for (const [k, v] of Object.entries(extra)) md.set(k, v);
  return md;
}

export function callUnary<Res>(
  driver: DriverHandle,
  method: string,
  request: Uint8Array,
  md: Metadata,
  deadlineMs?: number,
): Promise<Wire<Res>> {
  return new Promise((resolve, reject) => {
    const fn = driver.client[method] as (...a: unknown[]) => unknown;
    const opts = deadlineMs ? { deadline: Date.now() + deadlineMs } : {};
    fn.call(driver.client, request, md, opts, (err: unknown, res: Wire<Res>) => (err ? reject(err) : resolve(res)));
  });
}

export function callStream<Res>(driver: DriverHandle, method: string, request: Uint8Array, md: Metadata): ClientReadableStream<Wire<Res>> {
  const fn = driver.client[method] as (...a: unknown[]) => ClientReadableStream<Wire<Res>>;
  return fn.call(driver.client, request, md);
}
