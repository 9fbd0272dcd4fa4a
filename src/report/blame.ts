// `abi-blame SYMBOL`: the timeline of a record, member path or macro, oldest first, with a verdict
// per change per ABI. Everything comes from the index: the symbol's change events, the record's
// layout stored after each of those commits (the layout before is that one with the commit's own
// changes undone), and the commit's other size/ioctl changes, which the verdicts consult.

import type { Kysely } from 'kysely';
import { unapplyRecord, type ChangeKind, type SymbolChange } from '../diff/changes.js';
import { judge, type RecordPair, type Verdict } from '../diff/verdict.js';
import { symbolKey, type AbiName, type RecordLayout } from '../layout/model.js';
import { allNames, blameEvents, layoutsAt, stepContext, symbolNames, type BlameEvent, type CommitMeta } from '../store/history.js';
import type { EventRow } from '../store/rows.js';
import type { Database } from '../store/schema.js';
import { SymbolInputError, suggest, type SymbolQuery } from './symbol-query.js';

export interface BlameChange {
  abi: AbiName;
  kind: ChangeKind;
  /** Member path, null for the record or macro itself. */
  member: string | null;
  before: unknown;
  after: unknown;
  verdict: Verdict;
  reason: string;
}

export interface BlameEntry {
  commit: string;
  date: string | null;
  author: string | null;
  subject: string | null;
  release: string | null;
  changes: BlameChange[];
  /** Member queries: per ABI, the member's offset in the record where this commit left it in place. */
  memberOffset?: Partial<Record<AbiName, number>>;
}

/** The `--json` contract of blame (fields beyond `symbol` and `events` are extras). */
export interface BlameResult {
  symbol: string;
  kind: 'record' | 'macro';
  name: string;
  /** The member path asked about, '' for the whole symbol. */
  member: string;
  header: string;
  /** Other headers the name is also indexed under (the one with most events was taken). */
  otherHeaders: string[];
  abis: AbiName[];
  events: BlameEntry[];
}

export async function blame(db: Kysely<Database>, repo: string, abis: AbiName[], q: SymbolQuery): Promise<BlameResult> {
  const found = (await symbolNames(db, repo, q.name)).filter((n) => (q.keyword ? n.kind === 'record' : true) && (q.member ? n.kind === 'record' : true));
  const chosen = found.find((n) => q.header === undefined || n.header === q.header);
  if (!chosen) {
    const where = q.header ? ` in ${q.header}` : '';
    const candidates = suggest(q.name, (await allNames(db, repo)).map((n) => n.name));
    throw new SymbolInputError(`unknown symbol ${q.text}${where}${candidates.length ? `; did you mean ${candidates.join(', ')}?` : ''}`);
  }
  const all = await blameEvents(db, repo, chosen.kind, chosen.header, q.name, '');
  // The record's layout after each of its commits: to see it before them too, and which had a member.
  const layouts = chosen.kind === 'record' ? await layoutsAt(db, repo, chosen.header, q.name, [...new Set(all.map((e) => e.commit.sha))]) : new Map<string, Map<AbiName, RecordLayout>>();
  const shown = q.member ? forMember(all, q.member, layouts) : all;
  if (q.member && shown.length === 0) {
    const members = [...new Set(all.flatMap((e) => e.member.split('.').map((_, i, parts) => parts.slice(0, i + 1).join('.'))))];
    const candidates = suggest(q.member, members);
    throw new SymbolInputError(`${q.name} has no member ${q.member} in the index${candidates.length ? `; did you mean ${candidates.map((m) => `${q.name}.${m}`).join(', ')}?` : ''}`);
  }
  const commits = [...new Map(shown.map((e) => [e.commit.sha, e.commit])).values()];
  // Only size, alignment and ioctl changes need the rest of their commit to be judged.
  const needsContext = new Set(shown.filter((e) => ['record-size', 'record-align', 'ioctl'].includes(e.change)).map((e) => e.commit.sha));
  const context = await stepContext(db, repo, [...needsContext]);

  const events: BlameEntry[] = commits.map((commit) => {
    const own = all.filter((e) => e.commit.sha === commit.sha);
    const judgedHere = shown.filter((e) => e.commit.sha === commit.sha);
    const changes: BlameChange[] = [];
    const memberOffset: Partial<Record<AbiName, number>> = {};
    for (const abi of abis) {
      const onAbi = (rows: readonly EventRow[]): SymbolChange[] => rows.filter((e) => e.abis.includes(abi)).map(plain);
      const which = onAbi(judgedHere);
      if (which.length === 0) continue;
      const ownOnAbi = onAbi(own);
      const after: RecordLayout | undefined = layouts.get(commit.sha)?.get(abi);
      const pair: RecordPair = { after, before: after && !ownOnAbi.some((c) => c.change === 'introduced') ? unapplyRecord(after, ownOnAbi) : undefined };
      const base = [pair.before, pair.after].map((l) => l?.fields.find((f) => f.path === q.member)?.offset);
      if (q.member && base[0] !== undefined && base[0] === base[1]) memberOffset[abi] = base[0];
      const step = { changes: [...ownOnAbi, ...onAbi(context.get(commit.sha) ?? [])], layouts: new Map([[symbolKey(chosen.header, q.name), pair]]) };
      for (const j of judge(step, which)) {
        changes.push({ abi, kind: j.change, member: j.member || null, before: j.before, after: j.after, verdict: j.verdict, reason: j.reason });
      }
    }
    const entry = entryOf(commit, changes);
    if (Object.keys(memberOffset).length > 0) entry.memberOffset = memberOffset;
    return entry;
  });
  return {
    symbol: q.text, kind: chosen.kind, name: q.name, member: q.member, header: chosen.header,
    otherHeaders: found.filter((n) => n !== chosen && n.kind === chosen.kind).map((n) => n.header), abis, events,
  };
}

/**
 * The events that concern a member path: its own and its sub-members', the record's introduction
 * where the member was there from the start, the record's deletion, and the record's size and
 * alignment changes in commits that also changed the member.
 */
function forMember(all: BlameEvent[], member: string, layouts: Map<string, Map<AbiName, RecordLayout>>): BlameEvent[] {
  const covers = (m: string): boolean => m === member || m.startsWith(`${member}.`);
  const touched = new Set(all.filter((e) => covers(e.member)).map((e) => e.commit.sha));
  return all.filter((e) => {
    if (e.member !== '') return covers(e.member);
    if (e.change === 'introduced') return e.abis.some((abi) => layouts.get(e.commit.sha)?.get(abi)?.fields.some((f) => f.path === member));
    if (e.change === 'deleted') return true;
    return touched.has(e.commit.sha);
  });
}

const plain = (e: EventRow): SymbolChange => ({
  kind: e.kind, header: e.header, name: e.name, member: e.member, change: e.change, before: e.before, after: e.after,
});

function entryOf(c: CommitMeta, changes: BlameChange[]): BlameEntry {
  const author = c.authorName && c.authorEmail ? `${c.authorName} <${c.authorEmail}>` : c.authorName;
  return { commit: c.sha, date: c.authorDate ? new Date(c.authorDate).toISOString() : null, author, subject: c.subject, release: c.release, changes };
}

