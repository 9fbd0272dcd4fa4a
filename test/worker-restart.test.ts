// Layout workers that fill their heap cap over a long history are replaced in the same run: the
// commits in flight are laid out again by new workers, and the database ends up identical to an
// uninterrupted run's. The workers fill their heap for real (a V8 out-of-memory under the cap)
// after a set number of commits (ABI_BLAME_TEST_FILL_HEAP_AT, src/indexer/layout-worker.ts).

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SHARED, missing } from './support/linux.js';
import { cloneBundle, dump, indexCli, LAYOUTS, layoutFile } from './support/index-cli.js';

const skip = missing([join(SHARED, 'corpus')], 'shared/corpus');
// Two ABIs: one per worker thread (a single ABI runs in the main thread, without a cap).
const ABIS = 'x86_64,i386';

describe.skipIf(skip)('workers that fill their heap cap', () => {
  if (skip) it.skip(skip, () => {});
  it('are replaced mid-run, and the index equals an uninterrupted one', { timeout: 10 * 60_000 }, async () => {
    const layout = layoutFile(LAYOUTS['kvmtool-uapi']);
    const reference = cloneBundle('kvmtool-uapi');
    const ok = indexCli([reference, '--layout', layout, '--abi', ABIS, '--worker-heap', '128', '--json']);
    expect(ok.status, ok.stderr).toBe(0);
    const uninterrupted = JSON.parse(ok.stdout);
    expect(uninterrupted.workerRestarts).toBeUndefined();

    const repo = cloneBundle('kvmtool-uapi');
    // Every worker fills its heap on its 4th commit: 3 commits per set of workers, then new ones.
    const out = indexCli([repo, '--layout', layout, '--abi', ABIS, '--worker-heap', '128'], { ABI_BLAME_TEST_FILL_HEAP_AT: '4' });
    expect(out.status, out.stderr).toBe(0);
    const notices = out.stderr.split('\n').filter((l) => l.startsWith('abi-blame:'));
    const expectedRestarts = Math.ceil(uninterrupted.commits / 3) - 1;
    expect(notices).toEqual(Array(expectedRestarts).fill('abi-blame: a layout worker filled its 128 MiB heap; new workers go on under the same cap'));
    expect(out.stdout).toContain(`indexed ${uninterrupted.commits} commits, ${uninterrupted.events} change events`);

    const normalize = (d: string, dir: string): string => d.replaceAll(dir, '<repo>');
    const expected = normalize(await dump({ pgliteDir: join(reference, 'abi-blame', 'pglite') }), reference);
    const got = normalize(await dump({ pgliteDir: join(repo, 'abi-blame', 'pglite') }), repo);
    expect(got === expected, 'the same rows as the uninterrupted run').toBe(true);
  });
});
