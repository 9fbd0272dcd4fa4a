// What the query commands read: typed wrappers over queries/*.sql (see queries/README.md).

import type { Kysely } from 'kysely';
import { symbolKey, type AbiName, type IoctlFields, type MacroValue, type RecordLayout } from '../layout/model.js';
import { canonicalLayout } from './layout-hash.js';
import type { EventRow, SymbolKind } from './rows.js';
import type { Database } from './schema.js';
import { runQueryFile } from './sql-file.js';

export interface CommitMeta {
  sha: string;
  parents: string[];
  authorName: string | null;
  authorEmail: string | null;
  authorDate: Date | null;
  subject: string | null;
  release: string | null;
  topo: number;
}

export interface BlameEvent extends EventRow { commit: CommitMeta }

interface EventColumns {
  commit: string; abis: AbiName[]; kind: SymbolKind; header: string; name: string; member: string;
  change: EventRow['change']; before: unknown; after: unknown;
}
interface CommitColumns {
  parents: string[]; author_name: string | null; author_email: string | null; author_date: Date | null;
  subject: string | null; release: string | null; topo: number;
}

const toEvent = (r: EventColumns): EventRow => ({
  abis: r.abis, kind: r.kind, header: r.header, name: r.name, member: r.member, change: r.change, before: r.before, after: r.after,
});

const toCommit = (sha: string, r: CommitColumns): CommitMeta => ({
  sha, parents: r.parents, authorName: r.author_name, authorEmail: r.author_email, authorDate: r.author_date,
  subject: r.subject, release: r.release, topo: r.topo,
});

/** The kinds and headers a name is indexed under, most events first. */
export async function symbolNames(db: Kysely<Database>, repo: string, name: string): Promise<{ kind: SymbolKind; header: string; events: number }[]> {
  return runQueryFile(db, 'symbol-names', { repo, name });
}

export async function allNames(db: Kysely<Database>, repo: string): Promise<{ name: string; kind: SymbolKind }[]> {
  return runQueryFile(db, 'names', { repo });
}

/**
 * A symbol's events, oldest first (by the commits' topological order, then member and change),
 * with their commits; events of vanished commits are left out. `member` '' = all of them, else
 * that path, its sub-members and the record's own.
 */
export async function blameEvents(
  db: Kysely<Database>, repo: string, kind: SymbolKind, header: string, name: string, member: string,
): Promise<BlameEvent[]> {
  const rows = await runQueryFile<EventColumns>(db, 'blame-events', { repo, kind, header, name, member });
  if (rows.length === 0) return [];
  const commits = new Map((await runQueryFile<CommitColumns & { sha: string }>(db, 'commits', { repo, commits: [...new Set(rows.map((r) => r.commit))] }))
    .map((c) => [c.sha, toCommit(c.sha, c)]));
  const out: BlameEvent[] = [];
  for (const r of rows) {
    const commit = commits.get(r.commit);
    if (commit) out.push({ ...toEvent(r), commit });
  }
  // Plain code-unit comparison: what COLLATE "C" gives for these ASCII names.
  const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  return out.sort((a, b) => a.commit.topo - b.commit.topo || cmp(a.member, b.member) || cmp(a.change, b.change));
}

/** The record-size, resized and ioctl events of the given commits, by commit. */
export async function stepContext(db: Kysely<Database>, repo: string, commits: string[]): Promise<Map<string, EventRow[]>> {
  return commits.length === 0 ? new Map() : byCommit(await runQueryFile<EventColumns>(db, 'step-context', { repo, commits }));
}

/** All of a record's events in the given commits, by commit. */
export async function recordEventsAt(
  db: Kysely<Database>, repo: string, header: string, name: string, commits: string[],
): Promise<Map<string, EventRow[]>> {
  return commits.length === 0 ? new Map() : byCommit(await runQueryFile<EventColumns>(db, 'record-events-at', { repo, header, name, commits }));
}

function byCommit(rows: EventColumns[]): Map<string, EventRow[]> {
  const out = new Map<string, EventRow[]>();
  for (const r of rows) {
    let list = out.get(r.commit);
    if (!list) out.set(r.commit, (list = []));
    list.push(toEvent(r));
  }
  return out;
}

/** A record's layout after each of the given commits (where it has a delta), per ABI. */
export async function layoutsAt(
  db: Kysely<Database>, repo: string, header: string, name: string, commits: string[],
): Promise<Map<string, Map<AbiName, RecordLayout>>> {
  const out = new Map<string, Map<AbiName, RecordLayout>>();
  if (commits.length === 0) return out;
  const rows = await runQueryFile<{ commit: string; abis: AbiName[]; body: RecordLayout }>(db, 'layouts-at', { repo, header, name, commits });
  for (const r of rows) {
    let m = out.get(r.commit);
    if (!m) out.set(r.commit, (m = new Map()));
    const layout = canonicalLayout(r.body);
    for (const abi of r.abis) m.set(abi, layout);
  }
  return out;
}

export async function commitMeta(db: Kysely<Database>, repo: string, sha: string): Promise<CommitMeta | undefined> {
  const [r] = await runQueryFile<CommitColumns & { sha: string }>(db, 'commit', { repo, sha });
  return r && toCommit(r.sha, r);
}

/** Every symbol of a commit, per ABI, as the engine would give it for that commit's tree; keys are symbolKey(). */
export interface TreeSymbols {
  records: Map<string, RecordLayout>;
  macros: Map<string, MacroValue>;
}

export async function stateAt(db: Kysely<Database>, repo: string, commit: string, abis: AbiName[]): Promise<Map<AbiName, TreeSymbols>> {
  const out = new Map<AbiName, TreeSymbols>(abis.map((a) => [a, { records: new Map(), macros: new Map() }]));
  const rows = await runQueryFile<{
    abi: AbiName; kind: SymbolKind; header: string; name: string; layout_hash: string | null; value: string | null; ioctl: IoctlFields | null;
  }>(db, 'state-at', { repo, commit, abis });
  // Each layout once, however many ABIs and symbols share it.
  const bodies = new Map<string, RecordLayout>();
  const hashes = [...new Set(rows.flatMap((r) => (r.layout_hash ? [r.layout_hash] : [])))];
  for (let i = 0; i < hashes.length; i += 5_000) {
    for (const b of await runQueryFile<{ hash: string; body: RecordLayout }>(db, 'layouts-by-hash', { hashes: hashes.slice(i, i + 5_000) })) {
      bodies.set(b.hash, canonicalLayout(b.body));
    }
  }
  for (const r of rows) {
    const s = out.get(r.abi)!;
    const key = symbolKey(r.header, r.name);
    if (r.kind === 'record' && r.layout_hash) s.records.set(key, bodies.get(r.layout_hash)!);
    else if (r.kind === 'macro' && r.value !== null) {
      const m: MacroValue = { name: r.name, header: r.header, value: r.value };
      if (r.ioctl) m.ioctl = { dir: r.ioctl.dir, type: r.ioctl.type, nr: r.ioctl.nr, size: r.ioctl.size };
      s.macros.set(key, m);
    }
  }
  return out;
}
