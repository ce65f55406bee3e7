/**
 * Runs SQL text through the engine facade the way a Spark client would (`spark.sql(text)` then
 * collect), and renders results in Spark's harness format. Shared by the golden runners.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RecordBatch } from 'apache-arrow';
import { isPerennialError } from '../../src/core/errors.js';
import type { Engine, EngineOptions, EngineSession, RuntimeProfile } from '../../src/engine/api.js';
import type { StructType } from '../../src/engine/plan/data-type.js';
import type { Plan } from '../../src/engine/plan/parsed-plan.js';
import { parseStatement } from '../../src/engine/sql/index.js';
import { batchRows } from './arrow-rows.js';
import { type FormatOptions, catalogString, formatRow } from './spark-format.js';

/** SQLQueryTestSuite runs with this session time zone; the function examples were produced with it too. */
export const GOLDEN_TIME_ZONE = 'America/Los_Angeles';

export function goldenProfile(ansi: boolean): RuntimeProfile {
  // Spark 4 defaults; sizeOfNull only applies without ANSI.
  return {
    ansiEnabled: ansi,
    stringNumberCoercion: 'lenient',
    legacySizeOfNull: !ansi,
    legacyStatisticalAggregate: false,
  };
}

type CreateEngine = (opts: EngineOptions) => Engine | Promise<Engine>;

/** The engine facade, or why it cannot be loaded (it is built in parallel with these runners). */
export async function loadCreateEngine(): Promise<{ createEngine?: CreateEngine; reason?: string }> {
  // A computed specifier keeps the type check independent of whether the module exists yet.
  const specifier = new URL('../../src/engine/index.js', import.meta.url).href;
  try {
    const mod = (await import(specifier)) as { createEngine?: CreateEngine };
    if (typeof mod.createEngine !== 'function') return { reason: 'src/engine/index.ts does not export createEngine' };
    return { createEngine: mod.createEngine };
  } catch (e) {
    return { reason: `cannot load src/engine/index.ts: ${e instanceof Error ? e.message : String(e)}` };
  }
}

export interface EngineHandle {
  session: EngineSession;
  dispose(): void;
}

export async function openSession(createEngine: CreateEngine, ansi: boolean): Promise<EngineHandle> {
  const warehouseDir = mkdtempSync(join(tmpdir(), 'perennial-golden-'));
  const engine = await createEngine({ profile: goldenProfile(ansi), warehouseDir, allowedRoots: [warehouseDir] });
  const session = engine.newSession();
  session.conf.set('spark.sql.session.timeZone', GOLDEN_TIME_ZONE);
  return {
    session,
    dispose: () => {
      session.close();
      rmSync(warehouseDir, { recursive: true, force: true });
    },
  };
}

export type RunOutcome =
  | { kind: 'rows'; schema: StructType; rows: string[] }
  | { kind: 'error'; errorClass: string; sqlState: string; message: string };

/** `spark.sql(text)` and, for queries, execution and collection; rows rendered as the harness prints them. */
export async function runSql(session: EngineSession, text: string, format: Partial<FormatOptions> = {}): Promise<RunOutcome> {
  try {
    const outcome = await session.sql(text);
    let schema: StructType;
    let batches: AsyncIterable<RecordBatch> | Iterable<RecordBatch>;
    if (outcome.kind === 'query') {
      const result = await session.execute(outcome.plan);
      schema = result.schema;
      batches = result.batches;
    } else {
      schema = outcome.result.schema;
      batches = outcome.result.batches;
    }
    const rows: string[] = [];
    for await (const b of batches) {
      for (const r of batchRows(b, schema)) rows.push(formatRow(r, schema, { timeZone: GOLDEN_TIME_ZONE, ...format }));
    }
    return { kind: 'rows', schema, rows };
  } catch (e) {
    if (isPerennialError(e))
      return { kind: 'error', errorClass: e.errorClass, sqlState: e.sqlState, message: e.message };
    return {
      kind: 'error',
      errorClass: 'INTERNAL_ERROR',
      sqlState: 'XX000',
      message: e instanceof Error ? e.message : String(e),
    };
  }
}

export function schemaString(schema: StructType): string {
  return catalogString(schema);
}

/**
 * SQLQueryTestSuite's `isSorted`: a global sort reachable without crossing a join, aggregate,
 * generator, sample or distinct means the output order is part of the answer.
 */
export function isSortedQuery(text: string): boolean {
  let plan: Plan;
  try {
    const stmt = parseStatement(text);
    if (stmt.kind !== 'query') return true;
    plan = stmt.plan;
  } catch {
    return false;
  }
  return isSorted(plan);
}

function isSorted(p: Plan): boolean {
  switch (p.kind) {
    case 'join':
    case 'aggregate':
    case 'generate':
    case 'sample':
    case 'deduplicate':
      return false;
    case 'sort':
      return p.isGlobal || isSorted(p.input);
    case 'with':
      return isSorted(p.root);
    case 'setOp':
      return isSorted(p.left) || isSorted(p.right);
    default:
      return 'input' in p ? isSorted(p.input) : false;
  }
}

/** Prints a left-aligned table (name, passed, total). */
export function printTable(title: string, rows: [string, number, number][]): void {
  const width = Math.max(title.length, ...rows.map((r) => r[0].length));
  const lines = [`${title.padEnd(width)}  passed  total`];
  for (const [name, passed, total] of rows)
    lines.push(`${name.padEnd(width)}  ${String(passed).padStart(6)}  ${String(total).padStart(5)}`);
  const p = rows.reduce((a, r) => a + r[1], 0);
  const t = rows.reduce((a, r) => a + r[2], 0);
  lines.push(`${'TOTAL'.padEnd(width)}  ${String(p).padStart(6)}  ${String(t).padStart(5)}`);
  console.log(lines.join('\n'));
}
