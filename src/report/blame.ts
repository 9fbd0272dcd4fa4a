// `abi-blame SYMBOL`: the timeline of a record, member path or macro, oldest first, with a verdict
// per change per ABI. Everything comes from the index: the symbol's change events, the record's
// layout stored after each of those commits (the layout before is that one with the commit's own
// changes undone), and the commit's other size/ioctl changes, which the verdicts consult.

import type { Kysely } from 'kysely';
import { unapplyRecord, type ChangeKind, type SymbolChange } from '../diff/changes.js';
import { judge, type JudgedChange, type RecordPair, type Verdict } from '../diff/verdict.js';
import { symbolKey, type AbiName, type RecordLayout } from '../layout/model.js';
import { allNames, blameEvents, layoutsAt, recordEventsAt, stepContext, symbolNames, type BlameEvent, type CommitMeta } from '../store/history.js';
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
  // A member path reads only its own events and the record's (size, alignment, introduction,
  // deletion): a record of a long history can have tens of thousands of events.
  const read = await blameEvents(db, repo, chosen.kind, chosen.header, q.name, q.member);
  // Of those, the commits the member path shows: the layouts to read there (the record's layout
  // after each commit, to see it before the commit too and which had the member).
  const candidates = q.member ? aboutMember(read, q.member) : read;
  const layouts = chosen.kind === 'record' ? await layoutsAt(db, repo, chosen.header, q.name, [...groupBy(candidates, (e) => e.commit.sha).keys()]) : new Map<string, Map<AbiName, RecordLayout>>();
  // The record's introduction concerns the member only where the member was there from the start.
  const shown = candidates.filter((e) => !q.member || e.member !== '' || e.change !== 'introduced'
    || e.abis.some((abi) => layouts.get(e.commit.sha)?.get(abi)?.fields.some((f) => f.path === q.member)));
  if (q.member && shown.length === 0) {
    const all = await blameEvents(db, repo, chosen.kind, chosen.header, q.name, '');
    const members = [...new Set(all.flatMap((e) => e.member.split('.').map((_, i, parts) => parts.slice(0, i + 1).join('.'))))];
    const candidates = suggest(q.member, members);
    throw new SymbolInputError(`${q.name} has no member ${q.member} in the index${candidates.length ? `; did you mean ${candidates.map((m) => `${q.name}.${m}`).join(', ')}?` : ''}`);
  }
  const shownByCommit = groupBy(shown, (e) => e.commit.sha);
  // Every change each shown commit made to the record: undone from the layout after, they give the
  // layout before. A whole-symbol query has read them all already.
  const byCommit: Map<string, readonly EventRow[]> = q.member
    ? await recordEventsAt(db, repo, chosen.header, q.name, [...shownByCommit.keys()])
    : groupBy(read, (e) => e.commit.sha);
  // Only size, alignment and ioctl changes need the rest of their commit to be judged.
  const needsContext = new Set(shown.filter((e) => ['record-size', 'record-align', 'ioctl'].includes(e.change)).map((e) => e.commit.sha));
  const context = await stepContext(db, repo, [...needsContext]);

  const layoutIds = new Map<RecordLayout | undefined, number>();
  const events: BlameEntry[] = [...shownByCommit.values()].map((judgedHere) => {
    const commit = judgedHere[0]!.commit;
    const own = byCommit.get(commit.sha)!;
    const around = context.get(commit.sha) ?? [];
    const changes: BlameChange[] = [];
    const memberOffset: Partial<Record<AbiName, number>> = {};
    // ABIs with the same layout and the same events get the same verdicts (often all 13): judged
    // once per such group.
    const judgedFor = new Map<string, { judged: JudgedChange[]; offset?: number }>();
    for (const abi of abis) {
      const onAbi = (rows: readonly EventRow[]): SymbolChange[] => rows.filter((e) => e.abis.includes(abi)).map(plain);
      if (!judgedHere.some((e) => e.abis.includes(abi))) continue;
      const after: RecordLayout | undefined = layouts.get(commit.sha)?.get(abi);
      if (!layoutIds.has(after)) layoutIds.set(after, layoutIds.size);
      const rowsOn = (rows: readonly EventRow[]): string => rows.flatMap((e, i) => (e.abis.includes(abi) ? [i] : [])).join(',');
      const group = `${layoutIds.get(after)}|${rowsOn(own)}|${rowsOn(around)}`;
      let done = judgedFor.get(group);
      if (!done) {
        const ownOnAbi = onAbi(own);
        const pair: RecordPair = { after, before: after && !ownOnAbi.some((c) => c.change === 'introduced') ? unapplyRecord(after, ownOnAbi) : undefined };
        const base = [pair.before, pair.after].map((l) => l?.fields.find((f) => f.path === q.member)?.offset);
        const step = { changes: [...ownOnAbi, ...onAbi(around)], layouts: new Map([[symbolKey(chosen.header, q.name), pair]]) };
        done = { judged: judge(step, onAbi(judgedHere)), offset: q.member && base[0] !== undefined && base[0] === base[1] ? base[0] : undefined };
        judgedFor.set(group, done);
      }
      if (done.offset !== undefined) memberOffset[abi] = done.offset;
      for (const j of done.judged) {
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
 * The events that may concern a member path: its own and its sub-members', the record's
 * introduction (kept where the member was there from the start, which takes the layout), the
 * record's deletion, and the record's size and alignment changes in commits that also changed the
 * member.
 */
function aboutMember(all: BlameEvent[], member: string): BlameEvent[] {
  const touched = new Set(all.filter((e) => covers(member, e.member)).map((e) => e.commit.sha));
  return all.filter((e) => {
    if (e.member !== '') return covers(member, e.member);
    return e.change === 'introduced' || e.change === 'deleted' || touched.has(e.commit.sha);
  });
}

/** A member path covers itself and its sub-members. */
const covers = (path: string, member: string): boolean => member === path || member.startsWith(`${path}.`);

/** Rows grouped by a key, groups in the order of their first row (events come oldest first). */
function groupBy<T>(rows: readonly T[], key: (row: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const r of rows) {
    const k = key(r);
    const list = out.get(k);
    if (list) list.push(r);
    else out.set(k, [r]);
  }
  return out;
}

const plain = (e: EventRow): SymbolChange => ({
  kind: e.kind, header: e.header, name: e.name, member: e.member, change: e.change, before: e.before, after: e.after,
});

function entryOf(c: CommitMeta, changes: BlameChange[]): BlameEntry {
  const author = c.authorName && c.authorEmail ? `${c.authorName} <${c.authorEmail}>` : c.authorName;
  return { commit: c.sha, date: c.authorDate ? new Date(c.authorDate).toISOString() : null, author, subject: c.subject, release: c.release, changes };
}

