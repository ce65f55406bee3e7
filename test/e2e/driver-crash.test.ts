/**
 * A driver process killed with SIGKILL while sessions are open: the pool restarts it, the gateway
 * replays each session's state (temp views, confs) into the new process, a query that was running
 * fails with UNAVAILABLE, and nothing else is disturbed.
 */
import { status as Status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SparkConnectClient } from '../../src/client/index.js';
import { Aggregate_GroupType } from '../../src/protocol/index.js';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';
import { errorOf } from './raw-calls.js';

let p: TestPlatform;
const clients: SparkConnectClient[] = [];

beforeAll(async () => {
  p = await startTestPlatform();
});

afterAll(async () => {
  for (const c of clients) await c.close().catch(() => undefined);
  await p?.stop();
});

function client(params: Record<string, string>): SparkConnectClient {
  const c = new SparkConnectClient(p.url(params));
  clients.push(c);
  return c;
}

function cell(res: { table: { getChild(n: string): { get(i: number): unknown } | null } }, col: string, row = 0): unknown {
  const v = res.table.getChild(col)?.get(row);
  return typeof v === 'bigint' ? Number(v) : v;
}

/** `spark.range(0, end).agg(sum('id'))`, as pyspark encodes it. */
function longSum(end: bigint) {
  return {
    relType: {
      case: 'aggregate' as const,
      value: {
        input: { relType: { case: 'range' as const, value: { start: 0n, end, step: 1n } } },
        groupType: Aggregate_GroupType.GROUPBY,
        aggregateExpressions: [
          {
            exprType: {
              case: 'unresolvedFunction' as const,
              value: {
                functionName: 'sum',
                arguments: [{ exprType: { case: 'unresolvedAttribute' as const, value: { unparsedIdentifier: 'id' } } }],
              },
            },
          },
        ],
      },
    },
  };
}

async function confGet(c: SparkConnectClient, key: string): Promise<string | undefined> {
  const r = await c.config({ opType: { case: 'get', value: { keys: [key] } } });
  return r.pairs[0]?.value;
}

describe('driver killed with SIGKILL', () => {
  it('restarts, replays session state, and fails only the query in flight (UNAVAILABLE)', async () => {
    const [victim] = p.pool.ready('1.0');
    expect(victim).toBeDefined();
    if (!victim) return;
    const victimId = victim.id;
    const oldPid = victim.pid;
    const oldGeneration = victim.generation;
    const othersBefore = ['2.0', '2.1'].map((v) => p.pool.ready(v)[0]?.pid);

    // Two open sessions on 1.0, each with state that lives only in the driver.
    const a = client({ workload: 'crash-a' });
    const b = client({ workload: 'crash-b' });
    await a.sql('create or replace temp view crash_view as select 42 as answer');
    await a.executePlan({
      opType: {
        case: 'command',
        value: {
          commandType: {
            case: 'createDataframeView',
            value: {
              input: { relType: { case: 'range', value: { start: 0n, end: 5n, step: 1n } } },
              name: 'crash_df_view',
              isGlobal: false,
              replace: true,
            },
          },
        },
      },
    } as never);
    await a.config({ opType: { case: 'set', value: { pairs: [{ key: 'spark.sql.shuffle.partitions', value: '7' }] } } });
    await b.sql('create or replace temp view crash_view as select 99 as answer');
    expect(cell(await a.sql('select answer from crash_view'), 'answer')).toBe(42);
    expect(cell(await b.sql('select answer from crash_view'), 'answer')).toBe(99);

    // A long query in flight on session a.
    let settled = false;
    const inFlight = a
      .collect(longSum(20_000_000_000n))
      .finally(() => {
        settled = true;
      });
    const outcome = errorOf(inFlight);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(settled, 'the long query finished before the kill; make it longer').toBe(false);

    expect(p.pool.kill(victimId)).toBe(true);
    const err = await outcome;
    expect(err.code).toBe(Status.UNAVAILABLE);

    // The pool brings a new process up in the same slot.
    const restarted = await vi.waitFor(
      () => {
        const d = p.pool.ready('1.0').find((h) => h.id === victimId && h.generation > oldGeneration);
        if (!d) throw new Error('driver 1.0 not restarted yet');
        return d;
      },
      { timeout: 30_000, interval: 100 },
    );
    expect(restarted.pid).not.toBe(oldPid);
    expect(restarted.restarts).toBeGreaterThanOrEqual(1);

    // Same sessions, new process: their state was replayed.
    expect(cell(await a.sql('select answer from crash_view'), 'answer')).toBe(42);
    expect(cell(await a.sql('select count(*) as n from crash_df_view'), 'n')).toBe(5);
    expect(await confGet(a, 'spark.sql.shuffle.partitions')).toBe('7');
    expect(cell(await b.sql('select answer from crash_view'), 'answer')).toBe(99);
    expect(cell(await a.sql('select 1 + 1 as two'), 'two')).toBe(2);

    // The other runtimes' drivers were not touched.
    expect(['2.0', '2.1'].map((v) => p.pool.ready(v)[0]?.pid)).toEqual(othersBefore);
  });

  it('a session opened after the restart works too', async () => {
    const c = client({ workload: 'after-crash' });
    expect(cell(await c.sql('select 6 * 7 as x'), 'x')).toBe(42);
  });
});
