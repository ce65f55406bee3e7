/**
 * Built-in catalogues: plans the canary can replay without any captured workload. `tpch` is the 22
 * TPC-H queries (test/tpch/queries) over generated Parquet (scripts/tpch/generate.sh, SF 0.01 by
 * default), each in a session whose setup registers the eight tables as temp views with
 * `spark.read.parquet(...)`, as a pyspark job would.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { create, toBinary } from '@bufbuild/protobuf';
import type { SetupStep } from './types.js';
import { ExecutePlanRequestSchema, type Plan, PlanSchema } from '../protocol/index.js';
import { planFingerprint } from '../results/index.js';
import { sqlHasTopLevelOrderBy } from './plan-tree.js';
import type { ReplayablePlan } from './types.js';

export const TPCH_TABLES = ['region', 'nation', 'supplier', 'customer', 'part', 'partsupp', 'orders', 'lineitem'];

export function tpchDataDir(root: string, scale: string): string {
  return join(root, 'data', 'tpch', `sf${scale}`);
}

/** Generates the Parquet files when missing; returns their folder. */
export function ensureTpchData(root: string, scale = '0.01'): string {
  const dir = tpchDataDir(root, scale);
  if (TPCH_TABLES.every((t) => existsSync(join(dir, `${t}.parquet`)))) return dir;
  execFileSync('bash', [join(root, 'scripts', 'tpch', 'generate.sh'), scale], { stdio: ['ignore', 'ignore', 'inherit'] });
  return dir;
}

const SESSION = '00000000-0000-4000-8000-00000000c0de';

/** `spark.read.parquet(path).createOrReplaceTempView(name)` as a setup step. */
export function parquetViewStep(name: string, path: string): SetupStep {
  const req = create(ExecutePlanRequestSchema, {
    sessionId: SESSION,
    userContext: { userId: 'perennial-canary' },
    plan: {
      opType: {
        case: 'command',
        value: {
          commandType: {
            case: 'createDataframeView',
            value: {
              name,
              replace: true,
              isGlobal: false,
              input: { relType: { case: 'read', value: { readType: { case: 'dataSource', value: { format: 'parquet', paths: [path] } } } } },
            },
          },
        },
      },
    },
  });
  return { method: 'ExecutePlan', raw: toBinary(ExecutePlanRequestSchema, req) };
}

export function sqlPlan(query: string): Plan {
  return create(PlanSchema, { opType: { case: 'root', value: { relType: { case: 'sql', value: { query } } } } });
}

export function tpchCatalogue(root: string, dataDir: string): ReplayablePlan[] {
  const qdir = join(root, 'test', 'tpch', 'queries');
  const setup = TPCH_TABLES.map((t) => parquetViewStep(t, join(dataDir, `${t}.parquet`)));
  return readdirSync(qdir)
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .map((f) => {
      const sql = readFileSync(join(qdir, f), 'utf8');
      const plan = sqlPlan(sql);
      return {
        name: f.replace(/\.sql$/, ''),
        source: 'tpch' as const,
        tenant: 'default',
        workload: 'catalogue:tpch',
        fingerprint: planFingerprint(plan),
        plan,
        setup,
        hasWrite: false,
        ordered: sqlHasTopLevelOrderBy(sql),
        sqlText: sql,
      };
    });
}
