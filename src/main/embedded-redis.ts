/**
 * A real `redis-server` child process for development, tests and `npm start` without a `REDIS_URL`.
 * Binds 127.0.0.1 only, persists with an append-only file in `dataDir`, and is ready when it answers PING.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { connect } from 'node:net';
import { delimiter, join, resolve } from 'node:path';
import { freePort } from './embedded-postgres.js';

export interface EmbeddedRedisOptions {
  /** Folder for the append-only file; reused across restarts. */
  dataDir: string;
  /** TCP port on 127.0.0.1; a free one is picked when omitted. */
  port?: number;
  /** How long to wait for PING to succeed. Default 20 s. */
  startTimeoutMs?: number;
}

export interface EmbeddedRedis {
  /** `redis://127.0.0.1:<port>` */
  url: string;
  port: number;
  /** SIGTERM (redis flushes the AOF and exits), then waits for the process to end. */
  stop(): Promise<void>;
}

const INSTALL_CMD = 'apt-get install -y redis-server';

export async function startEmbeddedRedis(opts: EmbeddedRedisOptions): Promise<EmbeddedRedis> {
  const dataDir = resolve(opts.dataDir);
  await mkdir(dataDir, { recursive: true });
  const exe = await findRedisServer();
  const port = opts.port ?? (await freePort());
  const child = spawn(
    exe,
    [
      '--bind',
      '127.0.0.1',
      '--port',
      String(port),
      '--dir',
      dataDir,
      '--appendonly',
      'yes',
      '--save',
      '',
      '--daemonize',
      'no',
      '--protected-mode',
      'yes',
      '--loglevel',
      'warning',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const keep = (b: Buffer) => {
    output = (output + b.toString('utf8')).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((res) => child.once('exit', () => res()));

  try {
    await waitForPing(port, child, opts.startTimeoutMs ?? 20_000);
  } catch (e) {
    child.kill('SIGKILL');
    throw new Error(`embedded redis failed to start on port ${port}: ${(e as Error).message}\n${output}`, { cause: e });
  }

  let stopped = false;
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    async stop() {
      if (stopped) return;
      stopped = true;
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}

function findOnPath(name: string): string | undefined {
  for (const d of (process.env.PATH ?? '').split(delimiter)) {
    if (d === '') continue;
    const p = join(d, name);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // keep looking
    }
  }
  for (const d of ['/usr/bin', '/usr/local/bin', '/usr/sbin']) {
    const p = join(d, name);
    if (existsSync(p)) return p;
  }
  return undefined;
}

/** Finds redis-server; as root on Debian/Ubuntu installs it with apt-get when missing. */
async function findRedisServer(): Promise<string> {
  const found = findOnPath('redis-server');
  if (found !== undefined) return found;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot && existsSync('/etc/debian_version')) {
    try {
      await execFileP('apt-get', ['install', '-y', 'redis-server']);
    } catch {
      // The package lists may be missing on a fresh image: refresh once and retry.
      await execFileP('apt-get', ['update']);
      await execFileP('apt-get', ['install', '-y', 'redis-server']);
    }
    const installed = findOnPath('redis-server');
    if (installed !== undefined) return installed;
  }
  throw new Error(`redis-server was not found on PATH. Install it with: ${INSTALL_CMD}  (or set REDIS_URL)`);
}

function execFileP(file: string, args: string[]): Promise<void> {
  return new Promise((res, rej) => {
    execFile(
      file,
      args,
      { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, maxBuffer: 64 << 20 },
      (err, _out, stderr) => {
        if (err) rej(new Error(`${file} ${args.join(' ')} failed: ${`${stderr}`.trim() || err.message}`));
        else res();
      },
    );
  });
}

async function waitForPing(port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`redis-server exited (${child.exitCode ?? child.signalCode})`);
    }
    if (await ping(port)) return;
    if (Date.now() > deadline) throw new Error('timed out waiting for PING');
    await new Promise((r) => setTimeout(r, 50));
  }
}

function ping(port: number): Promise<boolean> {
  return new Promise((res) => {
    const sock = connect({ host: '127.0.0.1', port });
    let buf = '';
    const done = (ok: boolean) => {
      sock.destroy();
      res(ok);
    };
    sock.setTimeout(1000, () => done(false));
    sock.on('error', () => done(false));
    sock.on('connect', () => sock.write('PING\r\n'));
    sock.on('data', (d) => {
      buf += d.toString('utf8');
      // While loading the AOF, redis answers -LOADING; only +PONG means ready.
      if (buf.includes('\r\n')) done(buf.startsWith('+PONG'));
    });
  });
}
