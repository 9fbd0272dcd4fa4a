// Killed at any moment (SIGKILL), the next run resumes, and the database ends up identical to one
// an uninterrupted run made. 20 kills at random points of a run over kvmtool's history, with small
// batches so that kills land between, inside and after transactions.

import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SHARED, missing } from './support/linux.js';
import { cloneBundle, dump, indexCli, LAYOUTS, layoutFile } from './support/index-cli.js';

const CLI = join(import.meta.dirname, '..', 'dist', 'cli', 'main.js');
const skip = missing([join(SHARED, 'corpus')], 'shared/corpus');
const KILLS = 20;
const ABIS = 'x86_64,i386,aarch64';

/** Starts an index run and kills it with SIGKILL after `ms`; resolves with whether it had finished. */
function runAndKill(args: string[], ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn('node', [CLI, 'index', ...args], {
      stdio: 'ignore', env: { ...process.env, DATABASE_URL: '', ABI_BLAME_BATCH_COMMITS: '2' },
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), ms);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve(signal === null && code === 0);
    });
  });
}

describe.skipIf(skip)('kill -9 and resume', () => {
  if (skip) it.skip(skip, () => {});
  it(`${KILLS} kills at random points, each followed by a resume, give the uninterrupted database`, { timeout: 40 * 60_000 }, async () => {
    const layout = layoutFile(LAYOUTS['kvmtool-uapi']);
    const reference = cloneBundle('kvmtool-uapi');
    const started = performance.now();
    const ok = indexCli([reference, '--layout', layout, '--abi', ABIS]);
    // How long a whole run takes on this machine: the kills land across it, however fast it is
    // (a fixed window of 6 s saw more than half of the runs finish on a fast machine).
    const runMs = performance.now() - started;
    expect(ok.status).toBe(0);
    const expected = await dump({ pgliteDir: join(reference, 'abi-blame', 'pglite') });
    const normalize = (d: string, repo: string): string => d.replaceAll(repo, '<repo>');

    // A seeded generator: the kill points are random but the same on every run of the test.
    let seed = 20261121;
    const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);

    const repo = cloneBundle('kvmtool-uapi');
    const args = [repo, '--layout', layout, '--abi', ABIS, '--wait'];
    let killedMidway = 0;
    for (let i = 0; i < KILLS; i++) {
      // Anywhere in a run: opening the database, the first commit, a batch, the end.
      const finished = await runAndKill(args, 300 + Math.floor(random() * runMs));
      if (!finished) killedMidway++;
      // Resume after every other kill; the others are killed again mid-resume.
      if (i % 2 === 1) {
        const resumed = indexCli(args);
        expect(resumed.status, resumed.stderr).toBe(0);
        const got = await dump({ pgliteDir: join(repo, 'abi-blame', 'pglite') });
        expect(normalize(got, repo) === normalize(expected, reference), `after kill ${i + 1}`).toBe(true);
        if (i < KILLS - 1) {
          // Start over for the next pair, so later kills hit early points of a run too.
          rmSync(join(repo, 'abi-blame'), { recursive: true, force: true });
        }
      }
    }
    expect(killedMidway).toBeGreaterThanOrEqual(KILLS / 2);
  });
});
