// The indexer's hot path: a batch of fully indexed commits in one transaction, so a killed run
// leaves either the whole batch or nothing, and a commit row (the "done" marker) never exists
// without its deltas and events. Rows of the whole batch are grouped per table and sent as
// multi-row INSERTs, in chunks kept small (MAX_PARAMS_PER_STATEMENT, MAX_BYTES_PER_STATEMENT).

import type { Kysely, Transaction } from 'kysely';
import { canonicalLayoutJson } from './layout-hash.js';
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
  const layouts = new Map<string, string>();
  const deltas: NewDelta[] = [];
  const events: NewEvent[] = [];
  const commits: NewCommit[] = [];
  for (const { commit, layouts: ls, deltas: ds, events: es } of batch) {
    for (const [hash, body] of ls) if (!layouts.has(hash)) layouts.set(hash, canonicalLayoutJson(body));
    for (const d of ds) {
      deltas.push({
        repo, commit: commit.sha, abis: d.abis, kind: d.kind, header: d.header, name: d.name,
        layout_hash: d.layoutHash, value: d.value, ioctl: json(d.ioctl),
      });
    }
    for (const e of es) {
      events.push({
        repo, commit: commit.sha, abis: e.abis, kind: e.kind, header: e.header, name: e.name,
        member: e.member, change: e.change, before: json(e.before), after: json(e.after),
      });
    }
    const c = commit;
    commits.push({
      repo, sha: c.sha, parents: c.parents, author_name: c.authorName, author_email: c.authorEmail,
      author_date: c.authorDate, committer_date: c.committerDate, subject: c.subject,
      release: c.release, topo: c.topo,
    });
  }
  await db.transaction().execute(async (trx) => {
    const layoutRows = [...layouts].map(([hash, body]) => ({ hash, body }));
    // Layouts are shared: one stored by an earlier batch (or another repo) is simply kept.
    await insertChunked(trx, 'layouts', layoutRows, 'ignore-existing');
    // The rest must be new: a conflict means a commit is being written twice, which is a bug.
    await insertChunked(trx, 'symbol_deltas', deltas);
    await insertChunked(trx, 'change_events', events);
    await insertChunked(trx, 'commits', commits);
  });
}

export async function insertChunked<T extends keyof Database & string>(
  trx: Transaction<Database> | Kysely<Database>,
  table: T,
  rows: readonly Record<string, unknown>[],
  conflict: 'fail' | 'ignore-existing' = 'fail',
  /** Other limits than the indexer's: scripts/bench/statement-size.ts compares sizes with it. */
  limits = { params: MAX_PARAMS_PER_STATEMENT, bytes: MAX_BYTES_PER_STATEMENT },
): Promise<void> {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0]!).length;
  // Typed per table at the call sites (NewDelta etc.); kysely's generic insert typing does not
  // survive a table-name type parameter, hence the loosened instance here.
  const loose = trx as unknown as Kysely<Record<string, Record<string, unknown>>>;
  const send = async (from: number, to: number): Promise<void> => {
    let q = loose.insertInto(table).values(rows.slice(from, to));
    if (conflict === 'ignore-existing') q = q.onConflict((oc) => oc.doNothing());
    await q.execute();
  };
  let from = 0;
  let params = 0;
  let bytes = 0;
  for (const [i, row] of rows.entries()) {
    const size = textBytes(row);
    if (i > from && (params + columns > limits.params || bytes + size > limits.bytes)) {
      await send(from, i);
      [from, params, bytes] = [i, 0, 0];
    }
    params += columns;
    bytes += size;
  }
  await send(from, rows.length);
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
