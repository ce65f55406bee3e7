import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';

/** Serialises concurrent migrators (several processes starting at once). Arbitrary constant. */
const MIGRATION_LOCK_KEY = 7_041_977_002;

/**
 * The repository's `migrations/` folder, found by walking up from this file to the package root, so
 * it resolves the same from `src/store/` (vitest, tsx) and from compiled `dist/src/store/`.
 */
export function migrationsFolder(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'migrations', 'meta', '_journal.json'))) {
      return join(dir, 'migrations');
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no migrations folder found above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}

/** Applies every pending migration in `migrations/` under an advisory lock. Idempotent. */
export async function migrateDb(url: string, folder: string = migrationsFolder()): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      await migrate(drizzle(client), { migrationsFolder: folder });
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await client.end();
  }
}
