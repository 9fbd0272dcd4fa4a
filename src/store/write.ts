// The indexer's hot path: a batch of fully indexed commits in one transaction, so a killed run
// leaves either the whole batch or nothing, and a commit row (the "done" marker) never exists
// without its deltas and events. Rows of the whole batch are grouped per table and sent as
// multi-row INSERTs, in chunks kept small (MAX_PARAMS_PER_STATEMENT, MAX_BYTES_PER_STATEMENT).

import type { Kysely, Transaction } from 'kysely';
import type { CommitWrite } from './rows.js';
import type { Database, NewCommit, NewDelta, NewEvent } from './schema.js';

/**
 * How big one INSERT may get: in parameters (Postgres takes up to 65,535) and in bytes of text.
 * PGlite's WASM memory grows to hold the largest statement and never gives it back: 60,000 layout
 * rows of 2 KB took it from 189 MiB to 663 MiB at 15,000 rows per INSERT, to 272 MiB at 2,500, and
 * not at all at 500, which was also the fastest (`npm run bench:statement-size`, BENCHMARKS.md).
 */
export const MAX_PARAMS_PER_STATEMENT = 5_000;
export const MAX_BYTES_PER_STATEMENT = 1 << 20;

const json = (v: unknown): string | null => (v === null || v === undefined ? null : JSON.stringify(v));

export async function writeCommitBatch(db: Kysely<Database>, repo: string, batch: CommitWrite[]): Promise<void> {
  if (batch.length === 0) return;
  await db.transaction().execute(async (trx) => {
    // Layouts are shared: one stored by an earlier batch (or another repo) is simply kept.
    await insertChunked(trx, 'layouts', layoutRows(batch), 'ignore-existing');
    // The rest must be new: a conflict means a commit is being written twice, which is a bug.
    await insertChunked(trx, 'symbol_deltas', deltaRows(repo, batch));
    await insertChunked(trx, 'change_events', eventRows(repo, batch));
    await insertChunked(trx, 'commits', commitRows(repo, batch));
  });
}

// The rows are made a statement at a time. Made all at once, a root commit's rows (13 ABIs of a
// whole tree) sat beside the batch they came from for the whole write, a minute and more: the
// main thread's heap held 309-359 MiB then on the synthetic kernel history, 241-249 MiB now.

function* layoutRows(batch: CommitWrite[]): Generator<{ hash: string; body: string }> {
  const seen = new Set<string>();
  for (const { layouts } of batch) {
    for (const [hash, body] of layouts) {
      if (seen.has(hash)) continue;
      seen.add(hash);
      yield { hash, body };
    }
  }
}

function* deltaRows(repo: string, batch: CommitWrite[]): Generator<NewDelta> {
  for (const { commit, deltas } of batch) {
    for (const d of deltas) {
      yield {
        repo, commit: commit.sha, abis: d.abis, kind: d.kind, header: d.header, name: d.name,
        layout_hash: d.layoutHash, value: d.value, ioctl: json(d.ioctl),
      };
    }
  }
}

function* eventRows(repo: string, batch: CommitWrite[]): Generator<NewEvent> {
  for (const { commit, events } of batch) {
    for (const e of events) {
      yield {
        repo, commit: commit.sha, abis: e.abis, kind: e.kind, header: e.header, name: e.name,
        member: e.member, change: e.change, before: json(e.before), after: json(e.after),
      };
    }
  }
}

function* commitRows(repo: string, batch: CommitWrite[]): Generator<NewCommit> {
  for (const { commit: c } of batch) {
    yield {
      repo, sha: c.sha, parents: c.parents, author_name: c.authorName, author_email: c.authorEmail,
      author_date: c.authorDate, committer_date: c.committerDate, subject: c.subject,
      release: c.release, topo: c.topo,
    };
  }
}

/** Sends `rows` (made as they are taken) in INSERTs of at most `limits` parameters and bytes of text. */
export async function insertChunked<T extends keyof Database & string>(
  trx: Transaction<Database> | Kysely<Database>,
  table: T,
  rows: Iterable<Record<string, unknown>>,
  conflict: 'fail' | 'ignore-existing' = 'fail',
  /** Other limits than the indexer's: scripts/bench/statement-size.ts compares sizes with it. */
  limits = { params: MAX_PARAMS_PER_STATEMENT, bytes: MAX_BYTES_PER_STATEMENT },
): Promise<void> {
  // Typed per table at the call sites (NewDelta etc.); kysely's generic insert typing does not
  // survive a table-name type parameter, hence the loosened instance here.
  const loose = trx as unknown as Kysely<Record<string, Record<string, unknown>>>;
  const send = async (chunk: Record<string, unknown>[]): Promise<void> => {
    let q = loose.insertInto(table).values(chunk);
    if (conflict === 'ignore-existing') q = q.onConflict((oc) => oc.doNothing());
    await q.execute();
  };
  let chunk: Record<string, unknown>[] = [];
  let columns: number | undefined;
  let params = 0;
  let bytes = 0;
  for (const row of rows) {
    columns ??= Object.keys(row).length;
    const size = textBytes(row);
    if (chunk.length > 0 && (params + columns > limits.params || bytes + size > limits.bytes)) {
      await send(chunk);
      [chunk, params, bytes] = [[], 0, 0];
    }
    chunk.push(row);
    params += columns;
    bytes += size;
  }
  if (chunk.length > 0) await send(chunk);
}

/** About what a row adds to a statement: its strings' lengths, 8 for anything else. */
function textBytes(row: Record<string, unknown>): number {
  let n = 0;
  for (const v of Object.values(row)) {
    if (typeof v === 'string') n += v.length;
    else if (Array.isArray(v)) for (const x of v) n += typeof x === 'string' ? x.length : 8;
    else n += 8;
  }
  return n;
}
