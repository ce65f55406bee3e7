/**
 * Who is calling: tenant (from the bearer token, when auth is on) and the workload name.
 *
 * Workload identity, in order: the `workload` connection parameter (pyspark sends unknown
 * `sc://...;workload=x` parameters as gRPC headers), else the session's `spark.app.name`, else the
 * user id. Pins, baselines and regressions hang on it.
 */
import type { Metadata } from '@grpc/grpc-js';
import { PerennialError } from '../core/errors.js';

export interface AuthConfig {
  /** token → tenant. Empty: auth is off and every caller is tenant `default`. */
  tokens: ReadonlyMap<string, string>;
}

export const DEFAULT_TENANT = 'default';

export function tenantOf(md: Metadata, auth: AuthConfig): string {
  if (auth.tokens.size === 0) return DEFAULT_TENANT;
  const header = md.get('authorization')[0];
  const value = typeof header === 'string' ? header : header?.toString();
  if (!value) throw unauthenticated('A bearer token is required: connect with sc://host:15002/;token=<your token>.');
  const m = /^Bearer\s+(.+)$/i.exec(value.trim());
  const tenant = m ? auth.tokens.get(m[1] as string) : undefined;
  if (!tenant) throw unauthenticated('The bearer token is not valid.');
  return tenant;
}

export function workloadHeader(md: Metadata): string | undefined {
  for (const key of ['workload', 'x-workload', 'x-perennial-workload']) {
    const v = md.get(key)[0];
    if (typeof v === 'string' && v.trim()) return v.trim().slice(0, 200);
  }
  return undefined;
}

function unauthenticated(message: string): PerennialError {
  return new PerennialError('UNAUTHENTICATED', message, {
    kind: 'auth',
    sqlState: '28000',
    classes: ['org.apache.spark.SparkSecurityException', 'java.lang.Exception', 'java.lang.Throwable'],
  });
}
