/**
 * Replays a stored plan on one runtime version, off the request path: a fresh Spark Connect session on
 * a ready driver of that version, the plan executed once, the outcome and an order-insensitive digest
 * of the Arrow rows returned.
 */
import { createHash, randomUUID } from 'node:crypto';
import { fromBinary } from '@bufbuild/protobuf';
import type { Table } from 'apache-arrow';
import { SparkConnectClient, tableOf } from '../client/index.js';
import type { DriverPool } from '../driver-pool/index.js';
import { fromGrpcError, type Plan, PlanSchema } from '../protocol/index.js';

export interface ReplayResult {
  version: string;
  ok: boolean;
  /** Order-insensitive digest of schema + rows (success only). */
  digest?: string;
  rows?: number;
  errorClass?: string;
  message?: string;
}

/** sha256 over the column names/types and the sorted per-row hashes: row order does not matter. */
export function tableDigest(t: Table): string {
  const schema = t.schema.fields.map((f) => `${f.name}:${String(f.type)}`).join(',');
  const rows: string[] = [];
  for (const r of t.toArray()) {
    const json = JSON.stringify(r?.toJSON() ?? null, (_k, v) =>
      typeof v === 'bigint' ? `${v}n` : v instanceof Uint8Array ? Buffer.from(v).toString('base64') : v,
    );
    rows.push(createHash('sha256').update(json).digest('hex'));
  }
  rows.sort();
  const h = createHash('sha256').update(schema);
  for (const r of rows) h.update(r);
  return h.digest('hex');
}

export function decodePlan(bytes: Uint8Array): Plan {
  return fromBinary(PlanSchema, bytes);
}

export async function replayPlan(pool: DriverPool, version: string, plan: Plan, timeoutMs = 60_000): Promise<ReplayResult> {
  const [driver] = await pool.waitReady(version, 15_000);
  if (!driver) return { version, ok: false, errorClass: 'RUNTIME_UNAVAILABLE', message: `no ready driver of ${version}` };
  const client = new SparkConnectClient(`sc://${driver.address}/;user_id=perennial-replay`, { sessionId: randomUUID() });
  let timer: NodeJS.Timeout | undefined;
  try {
    const responses = await Promise.race([
      client.executePlan(plan as never),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`replay timed out after ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    const table = tableOf(responses);
    return { version, ok: true, digest: tableDigest(table), rows: table.numRows };
  } catch (err) {
    const e = fromGrpcError(err);
    return { version, ok: false, ...(e.errorClass ? { errorClass: e.errorClass } : {}), message: e.message };
  } finally {
    clearTimeout(timer);
    await client.close().catch(() => undefined);
  }
}
