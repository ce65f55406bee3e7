/**
 * Runtime manifests: `runtimes/<version>/runtime.json`. A runtime is a versioned build of the engine
 * plus its behaviour flags (`kind: builtin`), or an external Spark Connect server (`kind: spark-connect`).
 * Data, not code: the driver pool launches them, routing and rollouts refer to them by version.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PerennialError } from './errors.js';

/**
 * Behaviour flags of a built-in runtime version. Each is a real code path in the engine, modelled on
 * Spark's migration guide.
 */
export interface RuntimeProfile {
  /** Default of `spark.sql.ansi.enabled`: invalid casts, overflow and division by zero raise instead of NULL. */
  ansiEnabled: boolean;
  /**
   * Implicit string↔number coercion in arithmetic and comparisons.
   * - `lenient`: the string is cast (NULL when it is not a number), as Spark 3.x without ANSI.
   * - `strict`: rejected at analysis with DATATYPE_MISMATCH unless an explicit CAST is written.
   */
  stringNumberCoercion: 'lenient' | 'strict';
  /** Default of `spark.sql.legacy.sizeOfNull`: `size(NULL)` returns -1 (true) or NULL (false). */
  legacySizeOfNull: boolean;
  /** Default of `spark.sql.legacy.statisticalAggregate`: stddev/variance of one row is NaN (true) or NULL (false). */
  legacyStatisticalAggregate: boolean;
}

export interface RuntimeManifest {
  version: string;
  kind: 'builtin' | 'spark-connect';
  /** What `spark.version` reports to clients. */
  sparkVersion: string;
  /** `host:port` of an external Spark Connect server (kind spark-connect only). */
  endpoint?: string;
  /** Driver processes to run for a built-in runtime. */
  processes: number;
  profile: RuntimeProfile;
  /** Session config defaults (`spark.sql.*`). */
  defaultConf: Record<string, string>;
  releaseNotes: string[];
}

const DEFAULT_PROFILE: RuntimeProfile = {
  ansiEnabled: true,
  stringNumberCoercion: 'lenient',
  legacySizeOfNull: false,
  legacyStatisticalAggregate: false,
};

function invalid(file: string, why: string): PerennialError {
  return new PerennialError('INVALID_RUNTIME_MANIFEST', `Runtime manifest ${file} is invalid: ${why}`, {
    kind: 'user',
    sqlState: '22023',
  });
}

/** Validates one parsed manifest; throws INVALID_RUNTIME_MANIFEST naming the file and the field. */
export function parseRuntimeManifest(json: unknown, file: string): RuntimeManifest {
  if (typeof json !== 'object' || json === null) throw invalid(file, 'not a JSON object');
  const m = json as Record<string, unknown>;
  if (typeof m.version !== 'string' || !/^[0-9A-Za-z][0-9A-Za-z._-]*$/.test(m.version)) {
    throw invalid(file, '"version" must be a string like "2.1"');
  }
  const kind = m.kind ?? 'builtin';
  if (kind !== 'builtin' && kind !== 'spark-connect') throw invalid(file, '"kind" must be "builtin" or "spark-connect"');
  if (kind === 'spark-connect' && (typeof m.endpoint !== 'string' || !/^[^:]+:\d+$/.test(m.endpoint))) {
    throw invalid(file, '"endpoint" must be "host:port" for kind spark-connect');
  }
  const profile = { ...DEFAULT_PROFILE, ...((m.profile as Partial<RuntimeProfile> | undefined) ?? {}) };
  if (typeof profile.ansiEnabled !== 'boolean') throw invalid(file, '"profile.ansiEnabled" must be a boolean');
  if (profile.stringNumberCoercion !== 'lenient' && profile.stringNumberCoercion !== 'strict') {
    throw invalid(file, '"profile.stringNumberCoercion" must be "lenient" or "strict"');
  }
  const processes = m.processes ?? 1;
  if (typeof processes !== 'number' || !Number.isInteger(processes) || processes < 1 || processes > 16) {
    throw invalid(file, '"processes" must be an integer between 1 and 16');
  }
  const defaultConf = (m.defaultConf ?? {}) as Record<string, unknown>;
  for (const [k, v] of Object.entries(defaultConf)) {
    if (typeof v !== 'string') throw invalid(file, `"defaultConf.${k}" must be a string`);
  }
  return {
    version: m.version,
    kind,
    sparkVersion: typeof m.sparkVersion === 'string' ? m.sparkVersion : '4.0.0',
    ...(typeof m.endpoint === 'string' ? { endpoint: m.endpoint } : {}),
    processes,
    profile,
    defaultConf: defaultConf as Record<string, string>,
    releaseNotes: Array.isArray(m.releaseNotes) ? m.releaseNotes.map(String) : [],
  };
}

export function loadRuntimeManifest(file: string): RuntimeManifest {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw invalid(file, `cannot be read (${(e as Error).message})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw invalid(file, `not valid JSON (${(e as Error).message})`);
  }
  return parseRuntimeManifest(json, file);
}

/** Every `<dir>/<version>/runtime.json`, sorted by version (numeric-aware). */
export function loadRuntimeManifests(dir: string): RuntimeManifest[] {
  const out: RuntimeManifest[] = [];
  for (const name of readdirSync(dir)) {
    const file = join(dir, name, 'runtime.json');
    try {
      if (!statSync(file).isFile()) continue;
    } catch {
      continue;
    }
    out.push(loadRuntimeManifest(file));
  }
  return out.sort((a, b) => compareVersions(a.version, b.version));
}

/** Numeric-aware version order: 1.10 > 1.9 > 1.0. */
export function compareVersions(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}
