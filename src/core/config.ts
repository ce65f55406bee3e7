/**
 * Process configuration: every key declared once with its env var, default and meaning. `main/*`
 * loads it once, validates, freezes it and passes slices down; nothing below `main` reads the env.
 */
export interface PlatformConfig {
  /** Gateway bind host. */
  host: string;
  /** Gateway Spark Connect port. */
  port: number;
  /** HTTP port: /healthz, /metrics, JSON API. */
  httpPort: number;
  /** Postgres URL; empty → an embedded server in `<dataDir>/postgres`. */
  databaseUrl: string;
  /** Redis URL; empty → an embedded `redis-server` in `<dataDir>/redis`. */
  redisUrl: string;
  /** Everything the platform keeps on disk (embedded databases, warehouse, spill files). */
  dataDir: string;
  /** Folder of runtime manifests. */
  runtimesDir: string;
  /** Version new workloads run on until an operator sets another default. */
  defaultRuntime: string;
  /** Bearer tokens → tenants (`tok1=acme,tok2=globex`); empty turns auth off. */
  tokens: Map<string, string>;
  /** Operator bearer tokens → tenants (same format): may also act (acknowledge, unpin) in the dashboard. */
  operatorTokens: Map<string, string>;
  /** Extra folders drivers may read and write besides the warehouse. */
  allowedRoots: string[];
  /** Result bytes held back so a failed attempt can be retried invisibly. */
  holdBackBytes: number;
  /** Memory cap per driver process. */
  driverMemoryMb: number;
  logLevel: string;
}

interface Key<K extends keyof PlatformConfig> {
  key: K;
  env: string;
  default: string;
  doc: string;
  parse(v: string): PlatformConfig[K];
}

function key<K extends keyof PlatformConfig>(k: Key<K>): Key<K> {
  return k;
}

const int = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got "${v}"`);
  return n;
};

export const CONFIG_KEYS = [
  key({ key: 'host', env: 'PERENNIAL_HOST', default: 'localhost', doc: 'Gateway bind host', parse: (v) => v }),
  key({ key: 'port', env: 'PERENNIAL_PORT', default: '15002', doc: 'Gateway Spark Connect port', parse: int('PERENNIAL_PORT') }),
  key({ key: 'httpPort', env: 'PERENNIAL_HTTP_PORT', default: '15080', doc: 'HTTP port (health, metrics, API)', parse: int('PERENNIAL_HTTP_PORT') }),
  key({ key: 'databaseUrl', env: 'DATABASE_URL', default: '', doc: 'Postgres URL; empty starts an embedded server', parse: (v) => v }),
  key({ key: 'redisUrl', env: 'REDIS_URL', default: '', doc: 'Redis URL; empty starts an embedded redis-server', parse: (v) => v }),
  key({ key: 'dataDir', env: 'PERENNIAL_DATA_DIR', default: '.perennial', doc: 'Folder for embedded databases, warehouse, spill', parse: (v) => v }),
  key({ key: 'runtimesDir', env: 'PERENNIAL_RUNTIMES_DIR', default: 'runtimes', doc: 'Folder of runtime manifests', parse: (v) => v }),
  key({ key: 'defaultRuntime', env: 'PERENNIAL_DEFAULT_RUNTIME', default: '1.0', doc: 'Initial default runtime version', parse: (v) => v }),
  key({
    key: 'tokens',
    env: 'PERENNIAL_TOKENS',
    default: '',
    doc: 'token=tenant pairs, comma-separated; empty disables auth',
    parse: (v) =>
      new Map(
        v
          .split(',')
          .filter(Boolean)
          .map((p) => {
            const [t, tenant] = p.split('=');
            if (!t || !tenant) throw new Error(`PERENNIAL_TOKENS entries must be token=tenant, got "${p}"`);
            return [t.trim(), tenant.trim()] as [string, string];
          }),
      ),
  }),
  key({
    key: 'operatorTokens',
    env: 'PERENNIAL_OPERATOR_TOKENS',
    default: '',
    doc: 'operator token=tenant pairs, comma-separated: dashboard actions (acknowledge, resolve, unpin)',
    parse: (v) => tokenMap('PERENNIAL_OPERATOR_TOKENS', v),
  }),
  key({
    key: 'allowedRoots',
    env: 'PERENNIAL_ALLOWED_ROOTS',
    default: '',
    doc: 'Extra folders drivers may read/write, comma-separated',
    parse: (v) => v.split(',').filter(Boolean),
  }),
  key({ key: 'holdBackBytes', env: 'PERENNIAL_HOLD_BACK_MB', default: '64', doc: 'Result MiB held back for invisible retries', parse: (v) => int('PERENNIAL_HOLD_BACK_MB')(v) * 1024 * 1024 }),
  key({ key: 'driverMemoryMb', env: 'PERENNIAL_DRIVER_MEMORY_MB', default: '4096', doc: 'Memory cap per driver process', parse: int('PERENNIAL_DRIVER_MEMORY_MB') }),
  key({ key: 'logLevel', env: 'PERENNIAL_LOG_LEVEL', default: 'info', doc: 'Log level', parse: (v) => v }),
] as const;

function tokenMap(name: string, v: string): Map<string, string> {
  return new Map(
    v
      .split(',')
      .filter(Boolean)
      .map((p) => {
        const [t, tenant] = p.split('=');
        if (!t || !tenant) throw new Error(`${name} entries must be token=tenant, got "${p}"`);
        return [t.trim(), tenant.trim()] as [string, string];
      }),
  );
}

export function loadConfig(env: Record<string, string | undefined>, overrides: Partial<PlatformConfig> = {}): Readonly<PlatformConfig> {
  const out: Record<string, unknown> = {};
  for (const k of CONFIG_KEYS) out[k.key] = (k.parse as (v: string) => unknown)(env[k.env] ?? k.default);
  return Object.freeze({ ...(out as unknown as PlatformConfig), ...overrides });
}
