// What every query command (blame, show, diff) starts from: the repository, its index in the
// database, and the ABIs asked for. Problems are the user's and end in one line: no such
// repository, not indexed yet, database unreachable or busy. `diff` can also work without an index
// (everything laid out from git), so for it the index is optional.

import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Kysely } from 'kysely';
import type { LayoutSpec } from '../cpp/profile.js';
import { GitInputError } from '../git/errors.js';
import { GitRepo } from '../git/repo.js';
import { headerPathspecs, IndexInputError } from '../indexer/repo-layout.js';
import { ABI_NAMES, type AbiName } from '../layout/model.js';
import { embeddedDbDir, openStore, QUERY_BUFFERS_MB, type Store } from '../store/db.js';
import { StoreInputError } from '../store/errors.js';
import { commitMeta } from '../store/history.js';
import { acquirePgliteDirLock, type HeldLock } from '../store/lock.js';
import { readRepo } from '../store/queries.js';
import type { Database } from '../store/schema.js';
import { fail } from './errors.js';
import { parseAbiList } from './abi-list.js';

export interface QueryOptions {
  repo?: string;
  db?: string;
  abi?: string;
  /** false: do not look at any index (`diff --no-index`). */
  index?: boolean;
}

export interface QueryContext {
  git: GitRepo;
  spec: LayoutSpec;
  /** The ABIs asked for (default: every indexed one). */
  abis: AbiName[];
  pathspecs: string[];
  /** The index; undefined only for commands that asked for it to be optional. */
  index?: { db: Kysely<Database>; repoKey: string; where: string };
  /** The commit `rev` names, and the indexed commit whose header state it has (if any). */
  indexedCommit(rev: string): Promise<{ sha: string; indexed: string | undefined }>;
}

export type IndexedContext = QueryContext & { index: NonNullable<QueryContext['index']> };

/** Runs `run` with the repository's index; fails with one line when it is not indexed. */
export async function withIndex<T>(opts: QueryOptions, run: (ctx: IndexedContext) => Promise<T>): Promise<T> {
  return withRepo(opts, undefined, (ctx) => run(ctx as IndexedContext));
}

/**
 * Runs `run` with the index when there is one, else without: `unindexed` gives the layout to use
 * then (a --layout option, or detection at a revision).
 */
export async function withRepo<T>(
  opts: QueryOptions, unindexed: ((git: GitRepo) => Promise<LayoutSpec>) | undefined, run: (ctx: QueryContext) => Promise<T>,
): Promise<T> {
  const repoPath = resolve(opts.repo ?? '.');
  const git = await guard(GitRepo.open(repoPath));
  const url = opts.db || process.env.DATABASE_URL || undefined;
  const pgliteDir = embeddedDbDir(git.gitDir);
  const howTo = `run: abi-blame index ${opts.repo ?? '.'}`;
  let lock: HeldLock | undefined;
  let store: Store | undefined;
  try {
    if (opts.index !== false && (url || existsSync(pgliteDir))) {
      if (!url) lock = await guard(acquirePgliteDirLock(pgliteDir, { wait: false }));
      store = await guard(openStore({ url, pgliteDir, pgliteBuffersMb: QUERY_BUFFERS_MB }));
    }
    const known = store && (await readRepo(store.db, git.gitDir));
    if (!known) {
      if (!unindexed) fail(store ? `${repoPath} is not indexed in ${store.where}; ${howTo}` : `${repoPath} is not indexed yet; ${howTo}`);
      const spec = await guard(unindexed(git));
      const abis = opts.abi ? parseAbiList(opts.abi) : [...ABI_NAMES];
      const pathspecs = headerPathspecs(spec, abis);
      return await run({ git, spec, abis, pathspecs, indexedCommit: async (rev) => ({ sha: await guard(git.resolveCommit(rev)), indexed: undefined }) });
    }
    const db = store!.db;
    const abis = opts.abi ? parseAbiList(opts.abi) : known.abis;
    const missing = abis.filter((a) => !known.abis.includes(a));
    if (missing.length > 0) fail(`ABI ${missing.join(', ')} is not indexed (indexed: ${known.abis.join(' ')})`);
    const spec = known.layout as LayoutSpec;
    const pathspecs = headerPathspecs(spec, known.abis);
    return await run({
      git, spec, abis, pathspecs, index: { db, repoKey: git.gitDir, where: store!.where },
      async indexedCommit(rev) {
        const sha = await guard(git.resolveCommit(rev));
        if (await commitMeta(db, git.gitDir, sha)) return { sha, indexed: sha };
        const at = await git.nearestTouching(sha, pathspecs);
        return { sha, indexed: at && (await commitMeta(db, git.gitDir, at)) ? at : undefined };
      },
    });
  } finally {
    await store?.close();
    await lock?.release();
  }
}

/** Git, store and layout input problems become one line. */
async function guard<T>(p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (e) {
    if (e instanceof GitInputError || e instanceof StoreInputError || e instanceof IndexInputError) fail(e.message);
    throw e;
  }
}
