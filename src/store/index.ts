/**
 * Postgres via drizzle-orm. Repositories are the only place that builds queries; they return plain
 * domain objects. Nothing on the request path imports this folder.
 */
export { createDb, type Database, type Db, type DbOptions, type Executor, type Transaction } from './db.js';
export { migrateDb, migrationsFolder } from './migrate.js';
export * from './repositories/index.js';
export * as schema from './schema/index.js';
