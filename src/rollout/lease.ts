/**
 * Leadership by Postgres advisory lock: the gateway whose session holds the lock decides; the lock
 * goes with the connection, so a crashed or partitioned leader loses it and another gateway takes over
 * on its next tick. Session-level locks need one dedicated connection, not the pool.
 */
import pg from 'pg';

export const ROLLOUT_LEASE_KEY = 7_041_977_101;

export class AdvisoryLease {
  private client: pg.Client | undefined;
  private held = false;

  constructor(
    private readonly url: string,
    private readonly key = ROLLOUT_LEASE_KEY,
  ) {}

  /** True when this process holds the lease (acquiring it if free). Never throws. */
  async hold(): Promise<boolean> {
    try {
      if (!this.client) {
        const c = new pg.Client({ connectionString: this.url, connectionTimeoutMillis: 5_000 });
        c.on('error', () => this.drop());
        c.on('end', () => this.drop());
        await c.connect();
        this.client = c;
      }
      if (this.held) {
        await this.client.query('select 1');
        return this.held;
      }
      const r = await this.client.query<{ ok: boolean }>('select pg_try_advisory_lock($1) as ok', [this.key]);
      this.held = r.rows[0]?.ok === true;
      return this.held;
    } catch {
      this.drop();
      return false;
    }
  }

  get isHeld(): boolean {
    return this.held;
  }

  private drop(): void {
    this.held = false;
    const c = this.client;
    this.client = undefined;
    c?.end().catch(() => undefined);
  }

  async release(): Promise<void> {
    const c = this.client;
    this.client = undefined;
    this.held = false;
    if (c) await c.end().catch(() => undefined);
  }
}
