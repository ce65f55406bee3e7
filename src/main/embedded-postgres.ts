/**
 * A real PostgreSQL server started from the machine's own binaries, for development, tests and
 * `npm start` without a `DATABASE_URL`.
 *
 * - Binaries: `initdb`/`pg_ctl` from PATH, else the newest `/usr/lib/postgresql/<ver>/bin`.
 * - The cluster is initialised once into `dataDir` and reused on later starts.
 * - Postgres refuses to run as root, so as root the server runs as the `postgres` OS user.
 * - Listens on 127.0.0.1 only (password auth, generated once and kept in `dataDir`); the unix socket
 *   lives inside `dataDir`, so nothing is written to /var/run.
 * - A `postmaster.pid` left by a crash is detected and cleared; a server still running on the same
 *   folder (e.g. after the parent process died) is reused.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, constants, existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { chmod, chown, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { delimiter, dirname, join, resolve } from 'node:path';
import pg from 'pg';

export interface EmbeddedPostgresOptions {
  /** Folder holding the cluster; created and initialised on first start, reused afterwards. */
  dataDir: string;
  /** TCP port on 127.0.0.1; a free one is picked when omitted. */
  port?: number;
  /** Database created (if missing) and named in `url`. Default `perennial`. */
  database?: string;
  /** How long to wait for the server to accept connections. Default 60 s. */
  startTimeoutMs?: number;
}

export interface EmbeddedPostgres {
  /** `postgres://postgres:<password>@127.0.0.1:<port>/<database>` */
  url: string;
  port: number;
  /** Fast shutdown (`pg_ctl stop -m fast`): open sessions are rolled back, data stays. */
  stop(): Promise<void>;
}

const INSTALL_HINT = 'apt-get install -y postgresql';
const SUPERUSER = 'postgres';
const PASSWORD_FILE = '.perennial-password';
const CONF_FILE = 'perennial.conf';
/** Unix socket paths are limited to 107 bytes; `/.s.PGSQL.65535.lock` is the longest suffix. */
const MAX_SOCKET_DIR_LEN = 107 - '/.s.PGSQL.65535.lock'.length;

export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const dataDir = resolve(opts.dataDir);
  const database = opts.database ?? 'perennial';
  const timeoutS = Math.ceil((opts.startTimeoutMs ?? 60_000) / 1000);
  const bin = findPostgresBin();
  const asUser = runAsUser();

  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  if (asUser !== undefined) {
    await ensureTraversable(dataDir, asUser);
    await chownRecursive(dataDir, asUser);
  }
  await chmod(dataDir, 0o700);

  if (!existsSync(join(dataDir, 'PG_VERSION'))) await initCluster(bin, dataDir, asUser);
  const password = (await readFile(join(dataDir, PASSWORD_FILE), 'utf8')).trim();

  const running = await runningServerPort(bin, dataDir, asUser);
  let port: number;
  if (running !== undefined) {
    port = running;
  } else {
    port = opts.port ?? (await freePort());
    await writeServerConf(dataDir, port, asUser);
    const log = join(dataDir, 'server.log');
    try {
      await run(bin, 'pg_ctl', ['start', '-D', dataDir, '-w', '-t', String(timeoutS), '-l', log], asUser);
    } catch (e) {
      const tail = await readFile(log, 'utf8').then(
        (s) => s.split('\n').slice(-15).join('\n'),
        () => '',
      );
      throw new Error(`embedded postgres failed to start on port ${port}: ${errMessage(e)}\n${tail}`, { cause: e });
    }
  }

  const base = `postgres://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${port}`;
  await ensureDatabase(`${base}/postgres`, database, timeoutS * 1000);

  let stopped = false;
  return {
    url: `${base}/${database}`,
    port,
    async stop() {
      if (stopped) return;
      stopped = true;
      await run(bin, 'pg_ctl', ['stop', '-D', dataDir, '-m', 'fast', '-w', '-t', '60'], asUser);
    },
  };
}

// ---- binaries ------------------------------------------------------------------------------------

interface PgBin {
  dir: string;
}

function isExecutable(p: string): boolean {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function findPostgresBin(): PgBin {
  for (const d of (process.env.PATH ?? '').split(delimiter)) {
    if (d === '') continue;
    const initdb = join(d, 'initdb');
    if (isExecutable(initdb)) {
      // Follow symlinks (e.g. /usr/local/bin/initdb → /usr/lib/postgresql/15/bin/initdb) so pg_ctl
      // and postgres come from the same installation.
      const real = dirname(realpathSync(initdb));
      if (isExecutable(join(real, 'pg_ctl'))) return { dir: real };
      if (isExecutable(join(d, 'pg_ctl'))) return { dir: d };
    }
  }
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => isExecutable(join(root, v, 'bin', 'initdb')) && isExecutable(join(root, v, 'bin', 'pg_ctl')))
        .sort((a, b) => Number.parseFloat(b) - Number.parseFloat(a))
    : [];
  const newest = versions[0];
  if (newest !== undefined) return { dir: join(root, newest, 'bin') };
  throw new Error(
    `PostgreSQL server binaries (initdb, pg_ctl) were not found on PATH or under ${root}/*/bin. ` +
      `Install them with: ${INSTALL_HINT}  (or set DATABASE_URL to an existing server)`,
  );
}

// ---- running as the postgres user when we are root -----------------------------------------------

interface OsUser {
  name: string;
  uid: number;
  gid: number;
}

function runAsUser(): OsUser | undefined {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return undefined;
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${SUPERUSER}:`));
  const parts = line?.split(':');
  if (parts === undefined || parts.length < 4) {
    throw new Error(
      `Running as root, and PostgreSQL refuses to run as root, but there is no '${SUPERUSER}' OS user to run it as. ` +
        `Create one with: ${INSTALL_HINT}  (the package creates the user)`,
    );
  }
  return { name: SUPERUSER, uid: Number(parts[2]), gid: Number(parts[3]) };
}

/** The server user must be able to reach dataDir: every ancestor needs the execute bit for it. */
async function ensureTraversable(dir: string, user: OsUser): Promise<void> {
  try {
    await execFileP(...asUserCommand(user, ['test', '-x', dirname(dir)]));
  } catch {
    throw new Error(
      `The '${user.name}' user cannot reach ${dirname(dir)} (a parent folder is not traversable). ` +
        `Choose a data folder under a world-traversable path, or run: chmod o+x <each parent folder>`,
    );
  }
}

async function chownRecursive(dir: string, user: OsUser): Promise<void> {
  await chown(dir, user.uid, user.gid);
  for (const ent of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, ent.name);
    if (ent.isDirectory()) await chownRecursive(p, user);
    else await chown(p, user.uid, user.gid).catch(() => undefined);
  }
}

// ---- cluster lifecycle ---------------------------------------------------------------------------

async function initCluster(bin: PgBin, dataDir: string, asUser: OsUser | undefined): Promise<void> {
  if (readdirSync(dataDir).length > 0) {
    throw new Error(`${dataDir} is not empty and holds no PostgreSQL cluster (no PG_VERSION); use an empty folder`);
  }
  const password = randomBytes(18).toString('base64url');
  // initdb needs an empty target, so the password file goes next to it first and moves in afterwards.
  const pwTmp = `${dataDir}.pw-${process.pid}`;
  await writeFile(pwTmp, `${password}\n`, { mode: 0o600 });
  if (asUser !== undefined) await chown(pwTmp, asUser.uid, asUser.gid);
  try {
    await run(
      bin,
      'initdb',
      [
        '-D',
        dataDir,
        '-U',
        SUPERUSER,
        `--pwfile=${pwTmp}`,
        '--auth-host=scram-sha-256',
        '--auth-local=peer',
        '--encoding=UTF8',
        '--locale=C',
      ],
      asUser,
    );
  } catch (e) {
    await rm(pwTmp, { force: true });
    throw e;
  }
  await rm(pwTmp, { force: true });
  const pwFile = join(dataDir, PASSWORD_FILE);
  await writeFile(pwFile, `${password}\n`, { mode: 0o600 });
  if (asUser !== undefined) await chown(pwFile, asUser.uid, asUser.gid);
  const conf = join(dataDir, 'postgresql.conf');
  const text = await readFile(conf, 'utf8');
  await writeFile(
    conf,
    `${text}\n# Written per start by Perennial's embedded launcher.\ninclude_if_exists = '${CONF_FILE}'\n`,
  );
}

/** Settings that change per start (port) live in their own file, included from postgresql.conf. */
async function writeServerConf(dataDir: string, port: number, asUser: OsUser | undefined): Promise<void> {
  const socketDir = dataDir.length <= MAX_SOCKET_DIR_LEN ? dataDir : '';
  const file = join(dataDir, CONF_FILE);
  await writeFile(
    file,
    [
      `port = ${port}`,
      `listen_addresses = '127.0.0.1'`,
      `unix_socket_directories = '${socketDir.replace(/'/g, "''")}'`,
      'max_connections = 200',
      'logging_collector = off',
      '',
    ].join('\n'),
  );
  if (asUser !== undefined) await chown(file, asUser.uid, asUser.gid);
}

/**
 * Looks at postmaster.pid. Returns the port of a live server on this folder (to reuse it), or
 * removes the file when the process it names is gone or is not a postgres (PID reused after a crash).
 */
async function runningServerPort(bin: PgBin, dataDir: string, asUser: OsUser | undefined): Promise<number | undefined> {
  const pidFile = join(dataDir, 'postmaster.pid');
  let lines: string[];
  try {
    lines = (await readFile(pidFile, 'utf8')).split('\n');
  } catch {
    return undefined;
  }
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (Number.isInteger(pid) && pid > 0 && isPostgresProcess(pid)) {
    try {
      await run(bin, 'pg_ctl', ['status', '-D', dataDir], asUser);
      if (Number.isInteger(port) && port > 0) return port;
    } catch {
      // not running after all: fall through to the cleanup
    }
  }
  await rm(pidFile, { force: true });
  for (const f of readdirSync(dataDir)) {
    if (f.startsWith('.s.PGSQL.')) await rm(join(dataDir, f), { force: true });
  }
  return undefined;
}

function isPostgresProcess(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    // EPERM: alive but someone else's; treat as a live process and let the cmdline decide.
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    return /postgres/.test(readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
  } catch {
    return true; // no /proc: trust the kill(0) probe
  }
}

async function ensureDatabase(adminUrl: string, database: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const client = new pg.Client({ connectionString: adminUrl });
    client.on('error', () => undefined);
    try {
      await client.connect();
      const r = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
      if (r.rowCount === 0) {
        await client.query(`CREATE DATABASE ${quoteIdent(database)}`).catch((e: unknown) => {
          // 42P04 duplicate_database: a concurrent starter won the race.
          if ((e as { code?: string }).code !== '42P04') throw e;
        });
      }
      return;
    } catch (e) {
      if (Date.now() > deadline) throw new Error(`embedded postgres is not accepting connections: ${errMessage(e)}`);
      await new Promise((r) => setTimeout(r, 200));
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}

// ---- helpers -------------------------------------------------------------------------------------

function quoteIdent(s: string): string {
  return `"${s.replace(/"/g, '""')}"`;
}

function errMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function execFileP(file: string, args: string[]): Promise<{ stdout: string; stderr: string }> {
  return new Promise((res, rej) => {
    execFile(file, args, { encoding: 'utf8', maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      if (err) {
        const detail = `${stderr}`.trim() || `${stdout}`.trim();
        rej(new Error(`${file} ${args.join(' ')} failed: ${detail || err.message}`, { cause: err }));
      } else res({ stdout, stderr });
    });
  });
}

/** Runs a tool directly, or as `asUser` via runuser (util-linux) or, failing that, su. */
function run(bin: PgBin, tool: string, args: string[], asUser: OsUser | undefined) {
  const exe = join(bin.dir, tool);
  if (asUser === undefined) return execFileP(exe, args);
  return execFileP(...asUserCommand(asUser, [exe, ...args]));
}

function asUserCommand(user: OsUser, argv: string[]): [string, string[]] {
  const runuser = findRunuser();
  if (runuser !== undefined) return [runuser, ['-u', user.name, '--', ...argv]];
  const shellQuoted = argv.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  return ['su', [user.name, '-s', '/bin/sh', '-c', shellQuoted]];
}

let runuserPath: string | null | undefined;
function findRunuser(): string | undefined {
  if (runuserPath === undefined) {
    const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/sbin', '/usr/bin'].filter(
      (d) => d !== '',
    );
    runuserPath = dirs.map((d) => join(d, 'runuser')).find((p) => isExecutable(p)) ?? null;
  }
  return runuserPath ?? undefined;
}

/** A currently free TCP port on 127.0.0.1 (the kernel picks it). */
export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      srv.close(() => res(port));
    });
  });
}
