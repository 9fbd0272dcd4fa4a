// `abi-blame index`: walk the header history of a repository and store, per commit and ABI,
// what changed. Incremental (only commits not yet stored), resumable (a batch of commits is one
// transaction, and commits are taken parents first, so a killed run leaves a prefix), one run at a
// time per database and repository.

import { createHash } from 'node:crypto';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { LayoutSpec } from '../cpp/profile.js';
import { openBlobReader, type BlobReader } from '../git/blobs.js';
import type { DiffTreeStream } from '../git/diff-tree.js';
import { GitRepo } from '../git/repo.js';
import type { AbiName } from '../layout/model.js';
import { embeddedDbDir, INDEX_BUFFERS_MB, openStore, type Store } from '../store/db.js';
import { acquirePgliteDirLock, acquireRunLock, type HeldLock } from '../store/lock.js';
import { deleteRepo, unreleasedShas } from '../store/maintenance.js';
import {
  canonicalJson, indexedShas, markVanished, maxTopo, readRefs, readRepo, replaceRefs, setReleases, upsertRepo, writeCommitBatch, type CommitWrite,
} from '../store/queries.js';
import { withTexts, type FileChange } from './commit-tree.js';
import { detectRepoLayout, headerPathspecs, IndexInputError } from './repo-layout.js';
import { LayoutPool, WorkerMemoryError } from './pool.js';
import { prepareUnitArchive } from './unit-archive.js';
import type { CommitJob, CommitLayouts } from './commit-layouts.js';
import type { Progress } from './progress.js';

export { detectRepoLayout, headerPathspecs, IndexInputError } from './repo-layout.js';

export interface IndexOptions {
  repoPath: string;
  spec?: LayoutSpec;
  abis: AbiName[];
  refs?: string[];
  db?: string;
  fetch: boolean;
  full: boolean;
  /** Wait for a run holding the lock instead of failing. */
  wait: boolean;
  jobs?: number;
  /** MiB per layout worker's heap (see LayoutPool); 0 or undefined: no cap. */
  workerHeapMb?: number;
  /** A worker filled its heap after laying out commits, and new workers take over. */
  onWorkerRestart?: () => void;
  progress: Progress;
}

export interface IndexSummary {
  repo: string;
  database: string;
  upToDate: boolean;
  commits: number;
  events: number;
  vanished: number;
  seconds: number;
  /** Times the layout workers filled their heap cap and were replaced. */
  workerRestarts?: number;
}

/** Commits per transaction, unless a batch has taken this long already. */
const BATCH_COMMITS = Number(process.env.ABI_BLAME_BATCH_COMMITS) || 200;
const BATCH_MS = 3_000;
/** Commits laid out ahead of the one being stored. */
const IN_FLIGHT = 64;

export async function runIndex(opts: IndexOptions): Promise<IndexSummary> {
  const started = performance.now();
  const repo = await GitRepo.open(opts.repoPath);
  if (opts.fetch) await repo.fetch();
  const refs = await repo.resolveRefs(opts.refs);
  const spec = opts.spec ?? (await detectRepoLayout(repo, refs[0]?.sha));
  const pathspecs = headerPathspecs(spec, opts.abis);
  const repoKey = repo.gitDir;

  const url = opts.db || process.env.DATABASE_URL || undefined;
  const pgliteDir = embeddedDbDir(repo.gitDir);
  const locks: HeldLock[] = [];
  let store: Store | undefined;
  let blobs: BlobReader | undefined;
  let pool: LayoutPool | undefined;
  let diffs: DiffTreeStream | undefined;
  try {
    if (!url) locks.push(await acquirePgliteDirLock(pgliteDir, { wait: opts.wait }));
    store = await openStore({ url, pgliteDir, pgliteBuffersMb: INDEX_BUFFERS_MB });
    locks.push(await acquireRunLock(store, repoKey, { wait: opts.wait }));
    const db = store.db;

    const known = await readRepo(db, repoKey);
    // jsonb gives keys back in its own order: compare canonical forms.
    const sameSetup = known && canonicalJson(known.layout) === canonicalJson(spec) && known.abis.join() === opts.abis.join();
    if (known && !sameSetup && !opts.full) {
      throw new IndexInputError(`${opts.repoPath} was indexed with another layout or ABI list (${known.abis.join(',')}); use --full to rebuild`);
    }
    if (opts.full && known) await deleteRepo(db, repoKey);
    await upsertRepo(db, { key: repoKey, path: opts.repoPath, layout: spec, abis: opts.abis });

    const storedRefs = opts.full ? new Map<string, string>() : await readRefs(db, repoKey);
    const refMap = new Map(refs.map((r) => [r.name, r.sha]));
    const summary: IndexSummary = { repo: opts.repoPath, database: store.where, upToDate: false, commits: 0, events: 0, vanished: 0, seconds: 0 };
    if (sameMap(storedRefs, refMap)) {
      summary.upToDate = true;
      summary.seconds = (performance.now() - started) / 1000;
      return summary;
    }

    const exclude = await existing(repo, [...new Set(storedRefs.values())]);
    const history = await repo.headerHistory([...new Set(refMap.values())], exclude, pathspecs);
    const done = await indexedShas(db, repoKey);
    const todo = history.filter((c) => !done.has(c.sha));
    opts.progress.start(todo.length);
    // First releases of the new commits and of those no tag contained before: name-rev walks every
    // tag's history (seconds on a kernel-sized repository), so it runs alongside the layouts.
    const unreleased = [...(await unreleasedShas(db, repoKey)), ...todo.map((c) => c.sha)];
    const releases = repo.updateCommitGraph().then(() => repo.firstReleases(unreleased));
    releases.catch(() => {}); // awaited below

    blobs = await openBlobReader(repo.gitDir, 'cat-file');
    // The changed paths of every commit of the run, streamed by one git process.
    diffs = repo.diffTreeStream(pathspecs, todo.flatMap((c) => (c.parents[0] ? [[c.sha, c.parents[0]] as const] : [])));
    const reader = blobs;
    const changed = diffs;
    // A whole tree is its changes against nothing.
    const wholeTree = async (sha: string): Promise<FileChange[]> => withTexts(reader, await repo.changedPaths(sha, undefined, pathspecs));
    const between = async (from: string, to: string): Promise<FileChange[]> => withTexts(reader, await repo.changedPaths(to, from, pathspecs));
    const poolOptions = { workers: opts.jobs, workerHeapMb: opts.workerHeapMb };
    /**
     * Workers for the commits from todo[from] on (a new pool holds no state: parents come as trees).
     * Each pool's workers write segments of their own: new workers named like the ones they
     * replace wrote over the segments those had finished, which other lookups still read.
     */
    const newPool = (from: number): LayoutPool => {
      const archive = prepareUnitArchive(unitArchiveDirs(repo.gitDir, url), LayoutPool.workers(opts.abis, poolOptions));
      const p = new LayoutPool(spec, opts.abis, wholeTree, between, { ...poolOptions, archive });
      p.plan(todo.slice(from));
      return p;
    };
    pool = newPool(0);

    let topo = (await maxTopo(db, repoKey)) + 1;
    let batch: CommitWrite[] = [];
    let batchStarted = performance.now();
    // Batches are written one after another while the workers go on with the next commits (a
    // write awaited inline left them idle for its whole duration); at most two wait their turn.
    let writing: Promise<void> = Promise.resolve();
    /** What is in the database: a run that fails hands it on (WorkerMemoryError.stored). */
    const stored = { commits: 0, events: 0 };
    let waitingBatches = 0;
    const flush = async (): Promise<void> => {
      if (batch.length === 0) return;
      const rows = batch;
      batch = [];
      batchStarted = performance.now();
      waitingBatches++;
      writing = writing.then(() => writeCommitBatch(db, repoKey, rows)).then(() => {
        stored.commits += rows.length;
        for (const r of rows) stored.events += r.events.length;
      }).finally(() => void waitingBatches--);
      writing.catch(() => {}); // a failed write is thrown where `writing` is awaited, not as unhandled
      if (waitingBatches > 2) await writing;
    };
    // Up to IN_FLIGHT commits are queued at the workers while git reads the next ones and the
    // store writes the finished ones.
    const inFlight: { at: number; job: CommitJob; result: Promise<CommitLayouts> }[] = [];
    const submit = (at: number, job: CommitJob): void => {
      const result = pool!.submit(job);
      // A failed worker rejects every commit in flight: the first is handled where it is awaited,
      // the rest must not end the process as unhandled (with a stack trace).
      result.catch(() => {});
      inFlight.push({ at, job, result });
    };
    /** Commits the current workers laid out: none, and a worker out of memory means the tree needs more. */
    let finishedByPool = 0;
    const finishOne = async (): Promise<void> => {
      let r: CommitLayouts;
      try {
        r = await inFlight[0]!.result;
      } catch (e) {
        if (!(e instanceof WorkerMemoryError) || finishedByPool === 0) throw e;
        // A worker's caches and memos filled its heap over a long history: new workers, empty
        // caches, the same cap, and the commits in flight again (not a new run: walking a
        // kernel-sized history again costs tens of seconds).
        await pool!.close();
        pool = newPool(inFlight[0]!.at);
        finishedByPool = 0;
        summary.workerRestarts = (summary.workerRestarts ?? 0) + 1;
        opts.onWorkerRestart?.();
        for (const { at, job } of inFlight.splice(0)) submit(at, job);
        return finishOne();
      }
      finishedByPool++;
      const c = todo[inFlight.shift()!.at]!;
      batch.push({
        commit: {
          sha: c.sha, parents: c.parents, authorName: c.authorName, authorEmail: c.authorEmail,
          authorDate: c.authorDate, committerDate: c.committerDate, subject: c.subject, release: null, topo: topo++,
        },
        layouts: r.layouts, deltas: r.deltas, events: r.events,
      });
      summary.commits++;
      summary.events += r.events.length;
      opts.progress.tick(c.subject);
      if (batch.length >= BATCH_COMMITS || performance.now() - batchStarted > BATCH_MS) await flush();
    };
    try {
      for (const [at, c] of todo.entries()) {
        const paths = c.parents[0] ? await changed.changes(c.sha) : await repo.changedPaths(c.sha, undefined, pathspecs);
        submit(at, { sha: c.sha, parents: c.parents, changes: await withTexts(reader, paths) });
        if (inFlight.length >= IN_FLIGHT) await finishOne();
      }
      while (inFlight.length > 0) await finishOne();
      await flush();
      await writing;
    } catch (e) {
      if (e instanceof WorkerMemoryError) {
        // The commits finished before the failure are whole: stored, the next run starts after them.
        await flush().catch(() => {});
        await writing.catch(() => {});
        e.stored = stored;
        e.workerRestarts = summary.workerRestarts;
      }
      throw e;
    }
    await pool.close(true);
    pool = undefined;
    opts.progress.done();

    await setReleases(db, repoKey, await releases);
    // Commits no ref reaches any more (a force-push): kept, but marked.
    if (await historyRewritten(repo, storedRefs, refMap)) {
      const reachable = await repo.headerHistory([...new Set(refMap.values())], [], pathspecs);
      summary.vanished = (await markVanished(db, repoKey, new Set(reachable.map((c) => c.sha)))).vanished;
    }
    await replaceRefs(db, repoKey, refMap);
    summary.seconds = (performance.now() - started) / 1000;
    return summary;
  } finally {
    await pool?.close();
    await diffs?.close();
    await blobs?.close();
    for (const l of locks.reverse()) await l.release().catch(() => {});
    await store?.close();
  }
}

/**
 * Where unit results are kept between runs: in the repository beside the embedded database (one
 * folder per database: the run lock covers it), or per user when the repository is read-only.
 */
function unitArchiveDirs(gitDir: string, url: string | undefined): string[] {
  const id = url ? `units-${createHash('sha1').update(url).digest('hex').slice(0, 16)}` : 'units';
  const cache = process.env.ABI_BLAME_CACHE ?? join(homedir(), '.cache', 'abi-blame');
  return [
    join(dirname(embeddedDbDir(gitDir)), id),
    join(cache, 'units', createHash('sha1').update(`${url ?? ''}\0${gitDir}`).digest('hex').slice(0, 16)),
  ];
}

/** The shas that are still commits of the repository (a force-push and gc can drop old tips). */
async function existing(repo: GitRepo, shas: string[]): Promise<string[]> {
  const ok = await Promise.all(shas.map((s) => repo.commitExists(s)));
  return shas.filter((_, i) => ok[i]);
}

function sameMap(a: Map<string, string>, b: Map<string, string>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) if (b.get(k) !== v) return false;
  return true;
}

/** A ref gone, or moved to a commit its old value is not an ancestor of. */
async function historyRewritten(repo: GitRepo, before: Map<string, string>, after: Map<string, string>): Promise<boolean> {
  for (const [name, old] of before) {
    const now = after.get(name);
    if (now === undefined || (now !== old && !(await repo.isAncestor(old, now)))) return true;
  }
  return false;
}
