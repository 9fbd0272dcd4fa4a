// Progress of a long run: a bar redrawn in place on a terminal, a plain line every few seconds
// otherwise (cron mail, CI logs), nothing with --quiet.

export interface Progress {
  start(total: number): void;
  tick(what: string): void;
  done(): void;
}

export const silent: Progress = { start() {}, tick() {}, done() {} };

export function progressFor(stream: NodeJS.WriteStream, label: string): Progress {
  let total = 0;
  let n = 0;
  let started = 0;
  let lastDraw = 0;
  const tty = stream.isTTY === true;
  const line = (what: string): string => {
    const secs = (performance.now() - started) / 1000;
    const rate = n / Math.max(secs, 0.001);
    const eta = rate > 0 ? (total - n) / rate : 0;
    return `${label} ${n}/${total} commits, ${rate.toFixed(1)}/s, ${formatSeconds(eta)} left${what ? `: ${what}` : ''}`;
  };
  return {
    start(t) {
      total = t;
      started = performance.now();
      if (!tty && t > 0) stream.write(`${label} ${t} commits to index\n`);
    },
    tick(what) {
      n++;
      const now = performance.now();
      if (tty && now - lastDraw > 100) {
        const width = 30;
        const filled = Math.round((width * n) / Math.max(total, 1));
        const text = `[${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${line(what)}`;
        stream.write(`\r${text.slice(0, (stream.columns ?? 100) - 1).padEnd((stream.columns ?? 100) - 1)}`);
        lastDraw = now;
      } else if (!tty && now - lastDraw > 5_000) {
        stream.write(`${line('')}\n`);
        lastDraw = now;
      }
    },
    done() {
      if (tty && total > 0) stream.write('\n');
    },
  };
}

function formatSeconds(s: number): string {
  if (s < 90) return `${Math.round(s)} s`;
  if (s < 5400) return `${Math.round(s / 60)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}
