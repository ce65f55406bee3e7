import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { migrationsFolder } from './migrate.js';

describe('migrationsFolder', () => {
  it('finds the package root migrations from the source tree', () => {
    const dir = migrationsFolder();
    expect(existsSync(join(dir, 'meta', '_journal.json'))).toBe(true);
    expect(existsSync(join(dir, '..', 'package.json'))).toBe(true);
  });
});
