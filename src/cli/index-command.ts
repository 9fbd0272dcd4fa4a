// `abi-blame index [REPO] [--layout kernel|installed|FILE] [--abi LIST] [--ref REF ...] [--db URL] [--fetch] [--full]`

import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { setFlagsFromString } from 'node:v8';
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
 * grow to gigabytes before collecting it, and a worker's heap runs at its cap whatever its live
 * set. At 600, with a token cache of about one tree (unit-cache.ts), HEAP_FLAGS and one malloc
 * arena (main.ts), the whole synthetic kernel-scale history took 45.0 min (28 commits/s at first,
 * 12 past 40,000 commits as the collector takes more), peak 1,776 MiB (BENCHMARKS.md). A larger
 * cap is the user's choice; the < 2 GB peak is the default's. Workers that fill it after laying
 * out commits are replaced (runIndex), and a tree that needs more runs on without the cap.
 */
const DEFAULT_WORKER_HEAP_MB = 600;

/**
 * V8's optimizing compiler, tuned for a run's short life: a nightly run of 52 commits spent 4.4 s
 * of its 19 s of CPU in V8's background compiler threads (perf: the main thread and each layout
 * worker optimize the same hot functions, each for itself). Inlining less into each function and
 * optimizing later: 2.8 s; the day 5-8 % less time and 6-9 % less CPU, a history of 890 commits 5 %
 * less time (BENCHMARKS.md). Process-wide flags: the layout workers started later have them too.
 */
const COMPILER_FLAGS = ['--max-inlined-bytecode-size-cumulative=300', '--interrupt-budget=270336'];

/**
 * The main thread's heap has no cap, and V8 lets a heap grow to about 4 times what a full
 * collection left before it collects again: late in the whole synthetic history the main thread's
 * 100 MiB became 408 MiB used, the process's peak (BENCHMARKS.md). Twice instead. Process-wide:
 * the layout workers' heaps grow the same way, up to their cap.
 */
const HEAP_FLAGS = ['--heap-growing-percent=100'];

export async function indexCommand(repoArg: string | undefined, opts: IndexCommandOptions): Promise<void> {
  for (const flag of [...COMPILER_FLAGS, ...HEAP_FLAGS]) setFlagsFromString(flag);
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
  const say = opts.quiet || opts.json ? () => {} : (line: string) => process.stderr.write(`abi-blame: ${line}\n`);
  const run = (heapMb: number, full: boolean): Promise<IndexSummary> => runIndex({
    repoPath, spec, abis, refs: opts.ref, db: opts.db, fetch: opts.fetch === true, full,
    wait: opts.wait === true, jobs, workerHeapMb: heapMb, progress: opts.quiet || opts.json ? silent : progressFor(process.stderr, 'indexing'),
    onWorkerRestart: () => say(`a layout worker filled its ${heapMb} MiB heap; new workers go on under the same cap`),
  });
  try {
    const started = performance.now();
    const before = { commits: 0, events: 0, workerRestarts: 0 };
    let heapMb = workerHeapMb ?? DEFAULT_WORKER_HEAP_MB;
    let full = opts.full === true;
    let s: IndexSummary & { workerHeapCapLifted?: number };
    let lifted: number | undefined;
    for (;;) {
      try {
        s = await run(heapMb, full);
        break;
      } catch (e) {
        // runIndex replaces workers that fill their heap after laying out commits; one that fills
        // it before laying out any met a tree that needs more. Under the default cap the run goes
        // on without one; a cap the user set is theirs: the run ends with its message.
        if (!(e instanceof WorkerMemoryError) || workerHeapMb !== undefined || heapMb === 0) throw e;
        before.commits += e.stored?.commits ?? 0;
        before.events += e.stored?.events ?? 0;
        before.workerRestarts += e.workerRestarts ?? 0;
        full = false;
        say(`a layout worker needed more than the default ${heapMb} MiB; going on without a cap (--worker-heap sets one)`);
        [lifted, heapMb] = [heapMb, 0];
      }
    }
    const workerRestarts = (s.workerRestarts ?? 0) + before.workerRestarts;
    s = { ...s, commits: s.commits + before.commits, events: s.events + before.events, seconds: (performance.now() - started) / 1000 };
    if (workerRestarts > 0) s.workerRestarts = workerRestarts;
    if (lifted !== undefined) s.workerHeapCapLifted = lifted;
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
