/** Where the compiled program lives, whether we run from dist/ or from sources under a test runner. */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(start: string): string {
  let dir = start;
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const up = dirname(dir);
    if (up === dir) return start;
    dir = up;
  }
}

export const packageRoot = findRoot(dirname(fileURLToPath(import.meta.url)));

/** Drivers always run compiled JS (`npm run build` first): a forked process has no TS loader. */
export const driverEntry = resolve(packageRoot, 'dist/src/driver/main.js');
