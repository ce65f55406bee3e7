import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { appendFile, readdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunEvent } from './events.js';

const SUFFIX = '.jsonl';

/**
 * A bounded on-disk overflow for event batches, one JSON array per line, in files of its own folder.
 * Appends go to an "active" file; draining rotates it first, so a file being drained is never
 * appended to. Files left by a previous process are picked up and drained too, so the folder must
 * belong to one process at a time.
 */
export class SpillStore {
  private bytes = 0;
  private active: string | undefined;
  private seq = 0;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly dir: string,
    private readonly maxBytes: number,
  ) {
    mkdirSync(dir, { recursive: true });
    for (const f of readdirSync(dir)) {
      if (f.endsWith(SUFFIX)) this.bytes += statSync(join(dir, f)).size;
    }
  }

  /** Bytes on disk plus bytes queued for writing. */
  get size(): number {
    return this.bytes;
  }

  /**
   * Queues a batch for appending. Returns false (and writes nothing) when it would exceed the bound.
   * `onError` is called if the write itself fails.
   */
  append(batch: readonly RunEvent[], onError: (err: unknown) => void): boolean {
    const line = `${JSON.stringify(batch)}\n`;
    const n = Buffer.byteLength(line);
    if (this.bytes + n > this.maxBytes) return false;
    this.bytes += n;
    this.chain = this.chain.then(async () => {
      try {
        if (this.active === undefined) {
          this.active = join(this.dir, `runs-${Date.now()}-${process.pid}-${this.seq++}${SUFFIX}`);
        }
        await appendFile(this.active, line);
      } catch (err) {
        this.bytes -= n;
        onError(err);
      }
    });
    return true;
  }

  /** Resolves when every queued append has reached the file system. */
  flushed(): Promise<void> {
    return this.chain;
  }

  /**
   * Feeds every spilled batch, oldest file first, to `send`. A batch is removed from disk once `send`
   * resolves; on the first rejection the rest is kept for the next drain. Lines that do not parse
   * (a torn write after a crash) are reported through `onCorrupt` and discarded.
   * Returns the number of events sent.
   */
  async drain(send: (batch: RunEvent[]) => Promise<void>, onCorrupt: (line: string) => void): Promise<number> {
    await this.chain;
    this.active = undefined; // rotate: appends from now on go to a new file
    const files = (await readdir(this.dir)).filter((f) => f.endsWith(SUFFIX)).sort(byAge);
    let sent = 0;
    for (const f of files) {
      const path = join(this.dir, f);
      if (path === this.active) continue;
      const size = (await stat(path)).size;
      const lines = (await readFile(path, 'utf8')).split('\n');
      for (let i = 0; i < lines.length; i++) {
        const line = lines[i] ?? '';
        if (line === '') continue;
        let batch: RunEvent[] | undefined;
        try {
          const parsed: unknown = JSON.parse(line);
          if (Array.isArray(parsed)) batch = parsed as RunEvent[];
        } catch {
          batch = undefined;
        }
        if (batch === undefined) onCorrupt(line);
        else {
          try {
            await send(batch);
          } catch {
            // Keep what is left (this line included) for the next drain.
            const rest = `${lines.slice(i).join('\n')}`;
            const tmp = `${path}.tmp`;
            await writeFile(tmp, rest);
            await rename(tmp, path);
            this.bytes -= size - Buffer.byteLength(rest);
            return sent;
          }
          sent += batch.length;
        }
      }
      await unlink(path);
      this.bytes -= size;
    }
    return sent;
  }
}

/** runs-<ms>-<pid>-<seq>.jsonl: oldest first. */
function byAge(a: string, b: string): number {
  const key = (f: string) =>
    f
      .split('-')
      .slice(1, 4)
      .map((s) => Number.parseInt(s, 10));
  const ka = key(a);
  const kb = key(b);
  for (let i = 0; i < 3; i++) {
    const d = (ka[i] ?? 0) - (kb[i] ?? 0);
    if (d !== 0 && !Number.isNaN(d)) return d;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}
