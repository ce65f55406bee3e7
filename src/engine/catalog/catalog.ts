/** The engine-wide catalog of warehouse tables and global temp views (temp views live in each session). */
import type { StructType } from '../plan/data-type.js';
import type { Plan } from '../plan/parsed-plan.js';

export interface TableEntry {
  database: string;
  name: string;
  format: string;
  /** Folder holding the table's files. */
  path: string;
  schema: StructType;
  partitionBy: string[];
  options: Record<string, string>;
  /** Managed tables live in the warehouse and are deleted on DROP. */
  managed: boolean;
}

export class Catalog {
  private readonly tables = new Map<string, TableEntry>();
  readonly databases = new Set<string>(['default']);
  readonly globalViews = new Map<string, Plan>();

  private key(db: string, name: string): string {
    return `${db.toLowerCase()}.${name.toLowerCase()}`;
  }
  getTable(db: string, name: string): TableEntry | undefined {
    return this.tables.get(this.key(db, name));
  }
  putTable(t: TableEntry): void {
    this.tables.set(this.key(t.database, t.name), t);
  }
  dropTable(db: string, name: string): TableEntry | undefined {
    const k = this.key(db, name);
    const t = this.tables.get(k);
    this.tables.delete(k);
    return t;
  }
  listTables(db: string): TableEntry[] {
    return [...this.tables.values()].filter((t) => t.database.toLowerCase() === db.toLowerCase()).sort((a, b) => a.name.localeCompare(b.name));
  }
}
