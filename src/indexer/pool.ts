// Lays out commits for all ABIs on all cores: each worker thread owns some ABIs and keeps the
// states of the commits whose children are still to come (the frontier of the walk: a few, however
// long a side branch is). Commits go to every worker in topological order; a parent no worker
// holds (an indexed commit a resumed or incremental run starts from) is sent first as a whole tree,
// and a state is dropped once its last child in the run has been sent.

import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { LayoutSpec } from '../cpp/profile.js';
import type { AbiName } from '../layout/model.js';
import { CommitLayouter, type CommitJob, type CommitLayouts } from './commit-layouts.js';
import { groupDeltas, groupEvents } from './group-abis.js';
import type { FileChange } from './commit-tree.js';
import type { ArchiveConfig } from './unit-archive.js';

export interface WorkerInit { spec: LayoutSpec; abis: AbiName[]; archive?: ArchiveConfig; worker: number }

export interface PoolOptions {
  /** Worker threads (default: one per core). */
  workers?: number;
  /** Cap on each worker's V8 old generation, MiB: V8 otherwise lets garbage pile up to GBs before collecting it. */
  workerHeapMb?: number;
  /** Unit results on disk across runs (unit-archive.ts). */
  archive?: ArchiveConfig;
}
export type PoolMessage =
  /** A state to hold: from `base`'s (held) plus `files` changes, or from the whole tree in `files`. */
  | { type: 'provide'; sha: string; base?: string; files: FileChange[] }
  | { type: 'commit'; job: CommitJob }
  | { type: 'forget'; sha: string }
  /** The run is over: leave the last states in the archive; replies `closed`. */
  | { type: 'close' };
type Reply = { ok: true; result: CommitLayouts } | { ok: false; error: string } | { closed: true };

const WORKER = fileURLToPath(new URL('./layout-worker.js', import.meta.url));

interface Lane {
  send(m: PoolMessage): void;
  /** Replies to commit messages, in order. */
  next(): Promise<CommitLayouts>;
  close(finished: boolean): Promise<void>;
}

export class LayoutPool {
  private readonly lanes: Lane[];
  /** Commits whose states the workers hold. */
  private readonly held = new Set<string>();
  /** Children still to be submitted, per commit. */
  private readonly childrenLeft = new Map<string, number>();

  /**
   * For parents the workers do not hold: `files(sha)` gives a commit's whole tree, `diff(from, to)`
   * the changes between two commits (cheaper to lay out from a held state than from nothing).
   */
  constructor(
    spec: LayoutSpec, abis: AbiName[],
    private readonly files: (sha: string) => Promise<FileChange[]>,
    private readonly diff: (from: string, to: string) => Promise<FileChange[]>,
    opts: PoolOptions = {},
  ) {
    const n = LayoutPool.workers(abis, opts);
    const groups = Array.from({ length: n }, (_, i) => abis.filter((_, k) => k % n === i));
    this.lanes = groups.map((g, worker) => {
      const init: WorkerInit = { spec, abis: g, archive: opts.archive, worker };
      return n > 1 && existsSync(WORKER) ? workerLane(init, opts.workerHeapMb) : inlineLane(init);
    });
  }

  /** How many workers a pool for `abis` runs. */
  static workers(abis: readonly AbiName[], opts: PoolOptions): number {
    return Math.max(1, Math.min(opts.workers ?? availableParallelism(), abis.length));
  }

  /** Messages to the workers go out one commit at a time, in submission order. */
  private sending: Promise<unknown> = Promise.resolve();

  /**
   * Lays out one commit; the promise resolves when all ABIs are done. Submit commits parents
   * first; several may be in flight (the workers queue them).
   */
  submit(job: CommitJob): Promise<CommitLayouts> {
    const sent = this.sending.then(() => this.send(job));
    this.sending = sent;
    return sent.then((parts) => Promise.all(parts)).then((parts) => {
      const merged: CommitLayouts = { sha: job.sha, deltas: [], events: [], layouts: new Map() };
      for (const p of parts) {
        // Not push(...rows): a root commit has hundreds of thousands, past the argument limit.
        for (const d of p.deltas) merged.deltas.push(d);
        for (const e of p.events) merged.events.push(e);
        for (const [h, l] of p.layouts) merged.layouts.set(h, l);
      }
      // Each worker grouped its own ABIs; group across workers too.
      return { ...merged, deltas: groupDeltas(merged.deltas), events: groupEvents(merged.events) };
    });
  }

  /** The commits of the run, in the order they will be submitted: says when a state can go. */
  plan(commits: readonly { sha: string; parents: string[] }[]): void {
    for (const c of commits) {
      if (!this.childrenLeft.has(c.sha)) this.childrenLeft.set(c.sha, 0);
      for (const p of c.parents) this.childrenLeft.set(p, (this.childrenLeft.get(p) ?? 0) + 1);
    }
  }

  private async send(job: CommitJob): Promise<Promise<CommitLayouts>[]> {
    for (const p of job.parents) {
      if (this.held.has(p)) continue;
      // From the state held longest ago... the latest one: nearby in history, so a small diff.
      const base = [...this.held].pop();
      if (base) this.broadcast({ type: 'provide', sha: p, base, files: await this.diff(base, p) });
      else this.broadcast({ type: 'provide', sha: p, files: await this.files(p) });
      this.held.add(p);
    }
    this.broadcast({ type: 'commit', job });
    this.held.add(job.sha);
    const replies = this.lanes.map((l) => l.next());
    for (const sha of [...job.parents, job.sha]) {
      const left = (this.childrenLeft.get(sha) ?? 0) - (sha === job.sha ? 0 : 1);
      this.childrenLeft.set(sha, left);
      if (left <= 0 && this.held.delete(sha)) this.broadcast({ type: 'forget', sha });
    }
    return replies;
  }

  private broadcast(m: PoolMessage): void {
    for (const lane of this.lanes) lane.send(m);
  }

  /** Stops the workers; `finished`: the run went through, so its last states are worth keeping. */
  async close(finished = false): Promise<void> {
    await Promise.all(this.lanes.map((l) => l.close(finished)));
  }
}

/**
 * The young generation of a worker's heap, MiB. A worker's unit results live from one commit to the
 * next, so with V8's default young generation most of what a scavenge copied survived (--trace-gc
 * of a day: 269 scavenges, 3.4 s): a day of 52 commits took 1 s less CPU with this (BENCHMARKS.md).
 */
const YOUNG_GENERATION_MB = 96;

function workerLane(init: WorkerInit, heapMb: number | undefined): Lane {
  const resourceLimits = { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB, ...(heapMb ? { maxOldGenerationSizeMb: heapMb } : {}) };
  const w = new Worker(WORKER, { workerData: init, resourceLimits });
  const waiting: { resolve: (r: CommitLayouts) => void; reject: (e: Error) => void }[] = [];
  let failed: Error | undefined;
  let closed: (() => void) | undefined;
  w.on('message', (r: Reply) => {
    if ('closed' in r) return closed?.();
    const p = waiting.shift();
    if (!p) return;
    if (r.ok) p.resolve(r.result);
    else p.reject(new Error(r.error));
  });
  w.on('error', (e) => {
    failed = (e as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY'
      ? new WorkerMemoryError(`a layout worker ran out of memory${heapMb ? ` (--worker-heap ${heapMb})` : ''}; give it more with --worker-heap MiB`)
      : e;
    for (const p of waiting.splice(0)) p.reject(failed);
  });
  return {
    send: (m) => w.postMessage(m),
    next: () => new Promise((resolve, reject) => (failed ? reject(failed) : waiting.push({ resolve, reject }))),
    close: async (finished) => {
      if (finished && !failed) {
        await new Promise<void>((resolve) => {
          closed = resolve;
          w.once('error', () => resolve());
          w.postMessage({ type: 'close' } satisfies PoolMessage);
        });
      }
      await w.terminate();
    },
  };
}

export class WorkerMemoryError extends Error {
  /** What the run had stored before it failed, and how often it had replaced its workers (set by runIndex). */
  stored?: { commits: number; events: number };
  workerRestarts?: number;
}

/** The same in this thread: under a TypeScript runner (tests), or when one core is all there is. */
function inlineLane(init: WorkerInit): Lane {
  const layouter = new CommitLayouter(init.spec, init.abis, init.archive, init.worker);
  const results: (CommitLayouts | Error)[] = [];
  return {
    send: (m) => {
      if (m.type === 'close') return layouter.close();
      if (m.type === 'forget') return layouter.forget(m.sha);
      if (m.type === 'provide') return layouter.provide(m.sha, m.files, m.base);
      try {
        results.push(layouter.commit(m.job));
      } catch (e) {
        results.push(e as Error);
      }
    },
    next: async () => {
      const r = results.shift()!;
      if (r instanceof Error) throw r;
      return r;
    },
    close: async (finished) => {
      if (finished) layouter.close();
    },
  };
}
