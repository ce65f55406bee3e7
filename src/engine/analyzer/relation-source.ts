/** What the analyzer needs from the session: relations by name, file schemas, SQL parsing. */
import type { TableEntry } from '../catalog/catalog.js';
import type { StructType } from '../plan/data-type.js';
import type { Expr, Plan } from '../plan/parsed-plan.js';

export type NamedRelation =
  | { kind: 'view'; plan: Plan; qualifier: string[] }
  | { kind: 'table'; entry: TableEntry };

export interface AnalyzerHost {
  lookupRelation(nameParts: string[]): NamedRelation | undefined;
  /** Schema of files read through a data source (infers when needed). */
  inferFileSchema(format: string, paths: string[], options: Record<string, string>, userSchema?: string): Promise<StructType>;
  parseQuery(sql: string): Promise<Plan>;
  /** Row count of the files when known (from Parquet footers read while inferring the schema). */
  estimateRows?(format: string, paths: string[]): number | undefined;
  /** Distinct-value bounds per column name when known (Parquet footer statistics). */
  estimateNdv?(format: string, paths: string[]): Record<string, number> | undefined;
  parseExpression(sql: string): Promise<Expr>;
  parseDataType(ddl: string): Promise<import('../plan/data-type.js').DataType>;
}
