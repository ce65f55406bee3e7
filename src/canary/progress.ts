/** A one-line progress bar on a TTY (plain lines every 10% otherwise, so CI logs stay short). */
export class Progress {
  private lastPct = -1;
  private readonly started = Date.now();

  constructor(
    private readonly out: NodeJS.WriteStream = process.stderr,
    private readonly label = 'canary',
  ) {}

  update(done: number, total: number, current: string, regressions: number): void {
    const pct = total ? Math.floor((done / total) * 100) : 100;
    const elapsed = ((Date.now() - this.started) / 1000).toFixed(0);
    if (this.out.isTTY) {
      const width = 28;
      const fill = Math.round((pct / 100) * width);
      const bar = `${'█'.repeat(fill)}${'░'.repeat(width - fill)}`;
      const line = `${this.label} ${bar} ${done}/${total} ${String(pct).padStart(3)}% · ${regressions} regression${regressions === 1 ? '' : 's'} · ${elapsed}s ${current}`;
      const cols = this.out.columns || 100;
      this.out.write(`\r${line.slice(0, cols - 1).padEnd(cols - 1)}`);
      if (done === total) this.out.write('\n');
    } else if (pct >= this.lastPct + 10 || done === total) {
      this.lastPct = pct;
      this.out.write(`${this.label}: ${done}/${total} plans (${pct}%), ${regressions} regression${regressions === 1 ? '' : 's'}, ${elapsed}s\n`);
    }
  }
}
