// `abi-blame index [REPO] [--layout kernel|installed|FILE] [--abi LIST] [--ref REF ...] [--db URL] [--fetch] [--full]`

import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { GitInputError } from '../git/errors.js';
import { FsTree } from '../git/file-tree.js';
import { IndexInputError, runIndex, type IndexSummary } from '../indexer/run.js';
import { progressFor, silent } from '../indexer/progress.js';
import { WorkerMemoryError } from '../indexer/pool.js';
import { StoreInputError } from '../store/errors.js';
import { fail } from './errors.js';
import { parseAbiList } from './abi-list.js';
import { resolveLayoutSpec } from './layout-command.js';

export interface IndexCommandOptions {
  layout?: string;
  abi: string;
  ref?: string[];
  db?: string;
  fetch?: boolean;
  full?: boolean;
  wait?: boolean;
  jobs?: string;
  workerHeap?: string;
  json?: boolean;
  quiet?: boolean;
}

/**
 * MiB of JavaScript heap per layout worker unless --worker-heap says otherwise: V8 lets garbage
 * grow to gigabytes before collecting it. Twice the live set a kernel-scale history needs
 * (BENCHMARKS.md); a tree that needs more runs on without the cap.
 */
const DEFAULT_WORKER_HEAP_MB = 700;

export async function indexCommand(repoArg: string | undefined, opts: IndexCommandOptions): Promise<void> {
  const repoPath = resolve(repoArg ?? '.');
  if (!existsSync(repoPath)) fail(`${repoPath}: no such directory`);
  const abis = parseAbiList(opts.abi);
  // Presets are names; anything else is a layout file, read now so a bad one fails before any work.
  const spec = opts.layout ? resolveLayoutSpec(new FsTree(repoPath), opts.layout) : undefined;
  const jobs = opts.jobs === undefined ? undefined : Number(opts.jobs);
  if (jobs !== undefined && (!Number.isInteger(jobs) || jobs < 1)) fail(`--jobs ${opts.jobs}: expected a positive integer`);
  const workerHeapMb = opts.workerHeap === undefined ? undefined : Number(opts.workerHeap);
  if (workerHeapMb !== undefined && (!Number.isInteger(workerHeapMb) || (workerHeapMb !== 0 && workerHeapMb < 128))) {
    fail(`--worker-heap ${opts.workerHeap}: expected MiB, at least 128 (0: no cap)`);
  }
  const run = (heapMb: number, full: boolean): Promise<IndexSummary> => runIndex({
    repoPath, spec, abis, refs: opts.ref, db: opts.db, fetch: opts.fetch === true, full,
    wait: opts.wait === true, jobs, workerHeapMb: heapMb, progress: opts.quiet || opts.json ? silent : progressFor(process.stderr, 'indexing'),
  });
  try {
    let s: IndexSummary & { workerHeapCapLifted?: number };
    const started = performance.now();
    try {
      s = await run(workerHeapMb ?? DEFAULT_WORKER_HEAP_MB, opts.full === true);
    } catch (e) {
      // The default cap keeps a long history's memory flat; a tree too big for it is no error.
      // What was stored stays, and the run goes on from there.
      if (!(e instanceof WorkerMemoryError) || workerHeapMb !== undefined) throw e;
      if (!opts.quiet && !opts.json) {
        process.stderr.write(`abi-blame: a layout worker needed more than the default ${DEFAULT_WORKER_HEAP_MB} MiB; going on without a cap (--worker-heap sets one)\n`);
      }
      const second = await run(0, false);
      s = {
        ...second, commits: second.commits + (e.stored?.commits ?? 0), events: second.events + (e.stored?.events ?? 0),
        seconds: (performance.now() - started) / 1000, workerHeapCapLifted: DEFAULT_WORKER_HEAP_MB,
      };
    }
    if (opts.json) process.stdout.write(`${JSON.stringify(s)}\n`);
    else if (s.upToDate) process.stdout.write(`${s.repo}: up to date (${s.database}, ${s.seconds.toFixed(2)} s)\n`);
    else {
      process.stdout.write(`${s.repo}: indexed ${s.commits} commits, ${s.events} change events` +
        `${s.vanished ? `, ${s.vanished} commits no longer reachable` : ''} in ${s.seconds.toFixed(1)} s (${s.database})\n`);
    }
  } catch (e) {
    if (e instanceof GitInputError || e instanceof StoreInputError || e instanceof IndexInputError || e instanceof WorkerMemoryError) fail(e.message);
    throw e;
  }
}
