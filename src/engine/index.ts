/**
 * The engine's public surface: `createEngine` plus the contract and plan types.
 * One Engine per driver process (shared warehouse catalog); one session per Spark Connect session.
 */
import type { Engine, EngineOptions, EngineSession } from './api.js';
import { Catalog } from './catalog/catalog.js';
import { Files } from './io/file-reader.js';
import { EngineSessionImpl } from './session/engine-session.js';
import { runTableStatement, sessionWrite } from './session/writes.js';

export type * from './api.js';
export type * from './plan/parsed-plan.js';
export type * from './plan/data-type.js';

export function createEngine(opts: EngineOptions): Engine {
  const catalog = new Catalog();
  const roots = [...opts.allowedRoots, opts.warehouseDir];
  const files = new Files(roots);
  return {
    profile: opts.profile,
    newSession(): EngineSession {
      return new EngineSessionImpl({
        profile: opts.profile,
        catalog,
        warehouseDir: opts.warehouseDir,
        allowedRoots: roots,
        defaultConf: opts.defaultConf,
        memoryLimitBytes: opts.memoryLimitBytes,
        files,
        write: sessionWrite,
        runStatement: runTableStatement,
      });
    },
  };
}
