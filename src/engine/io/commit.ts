/**
 * Atomic file commit for writes. Data is written into a staging folder created inside the target's
 * parent (same file system, so `rename` is atomic), then made visible by renames. A write that fails
 * while staging leaves the target untouched: nothing is committed.
 *
 * - new target: rename staging → target.
 * - overwrite: rename target aside, rename staging → target, delete the old copy.
 * - append: move each staged file into the target (file names are unique per write).
 */
import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { PerennialError } from '../../core/errors.js';
import type { WriteMode } from '../plan/parsed-plan.js';

export async function pathExists(p: string): Promise<boolean> {
  try {
    await fs.stat(p);
    return true;
  } catch {
    return false;
  }
}

export function pathAlreadyExists(p: string): PerennialError {
  return new PerennialError(
    'PATH_ALREADY_EXISTS',
    `[PATH_ALREADY_EXISTS] Path file:${p} already exists. Set mode as "overwrite" to overwrite the existing path. SQLSTATE: 42K04`,
    { kind: 'user', sqlState: '42K04', messageParameters: { outputPath: `file:${p}` } },
  );
}

async function moveInto(src: string, dst: string): Promise<void> {
  await fs.mkdir(dst, { recursive: true });
  for (const e of await fs.readdir(src, { withFileTypes: true })) {
    const from = path.join(src, e.name);
    const to = path.join(dst, e.name);
    if (e.isDirectory()) await moveInto(from, to);
    else await fs.rename(from, to);
  }
}

/**
 * Runs `stage(dir)` into a fresh staging folder and commits it to `target` per `mode`.
 * Returns false when nothing was written (`ignore` on an existing target).
 */
export async function commitWrite(target: string, mode: WriteMode, stage: (dir: string) => Promise<void>): Promise<boolean> {
  const exists = await pathExists(target);
  if (exists && mode === 'errorIfExists') throw pathAlreadyExists(target);
  if (exists && mode === 'ignore') return false;
  const parent = path.dirname(target);
  await fs.mkdir(parent, { recursive: true });
  const staging = await fs.mkdtemp(path.join(parent, `.${path.basename(target)}-staging-`));
  try {
    await stage(staging);
    if (!exists) await fs.rename(staging, target);
    else if (mode === 'overwrite') {
      const old = path.join(parent, `.${path.basename(target)}-old-${randomUUID()}`);
      await fs.rename(target, old);
      await fs.rename(staging, target);
      await fs.rm(old, { recursive: true, force: true });
    } else {
      if (!(await fs.stat(target)).isDirectory()) throw pathAlreadyExists(target);
      await moveInto(staging, target);
      await fs.rm(staging, { recursive: true, force: true });
    }
  } catch (e) {
    await fs.rm(staging, { recursive: true, force: true });
    throw e;
  }
  return true;
}
