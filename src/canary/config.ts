/**
 * Canary settings of a platform process (capture and shadow mode), from the environment:
 *
 * | env | default | meaning |
 * |---|---|---|
 * | PERENNIAL_CAPTURE | on | capture distinct plans per workload for canaries (`off` disables) |
 * | PERENNIAL_CAPTURE_MAX_PER_WORKLOAD | 50 | distinct plans kept per workload |
 * | PERENNIAL_CAPTURE_REDACT | | workloads whose captured plans lose literal values (comma-separated, `*` = all) |
 * | PERENNIAL_CAPTURE_MAX_SETUP_MB | 16 | plans whose session setup log is larger are not captured |
 * | PERENNIAL_SHADOW_VERSION | | candidate version for shadow runs (off when empty) |
 * | PERENNIAL_SHADOW_FRACTION | 0.01 | fraction of successful queries shadowed |
 * | PERENNIAL_SHADOW_CONCURRENCY | 2 | shadow runs at once at most |
 */
export interface CanaryPlatformOptions {
  capture: {
    enabled: boolean;
    maxPlansPerWorkload: number;
    redactWorkloads: Set<string>;
    maxSetupBytes: number;
  };
  shadow?: { version: string; fraction: number; concurrency: number };
}

function num(env: Record<string, string | undefined>, key: string, def: number, max = Number.MAX_SAFE_INTEGER): number {
  const v = env[key];
  if (v === undefined || v === '') return def;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0 || n > max) throw new Error(`${key} must be a number between 0 and ${max}, got "${v}"`);
  return n;
}

export function canaryOptionsFromEnv(env: Record<string, string | undefined>): CanaryPlatformOptions {
  const shadowVersion = env.PERENNIAL_SHADOW_VERSION?.trim();
  return {
    capture: {
      enabled: !/^(off|false|0|no)$/i.test(env.PERENNIAL_CAPTURE ?? 'on'),
      maxPlansPerWorkload: num(env, 'PERENNIAL_CAPTURE_MAX_PER_WORKLOAD', 50),
      redactWorkloads: new Set((env.PERENNIAL_CAPTURE_REDACT ?? '').split(',').map((s) => s.trim()).filter(Boolean)),
      maxSetupBytes: num(env, 'PERENNIAL_CAPTURE_MAX_SETUP_MB', 16) * 1024 * 1024,
    },
    ...(shadowVersion
      ? {
          shadow: {
            version: shadowVersion,
            fraction: num(env, 'PERENNIAL_SHADOW_FRACTION', 0.01, 1),
            concurrency: Math.max(1, num(env, 'PERENNIAL_SHADOW_CONCURRENCY', 2)),
          },
        }
      : {}),
  };
}
