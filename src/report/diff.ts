// `abi-blame diff A B`: every change between two revisions' header states, grouped header ->
// record/macro -> ABI, each judged (diff/verdict.ts) with the whole A -> B step as context.
// Pure: the states come from the index or from the engine (states.ts); formats render the result.

import { diffMacro, diffRecord, type ChangeKind } from '../diff/changes.js';
import { judge, type RecordPair, type Verdict } from '../diff/verdict.js';
import { symbolKey, type AbiName, type RecordLayout } from '../layout/model.js';
import type { TreeSymbols } from '../store/history.js';
import type { Allowlist } from './allowlist.js';

export interface RevisionInfo {
  /** As given on the command line. */
  rev: string;
  sha: string;
  /** 'index': read from the database (at `indexed`); 'tree': laid out from git on the fly. */
  source: 'index' | 'tree';
  indexed?: string;
}

export interface ReportChange {
  change: ChangeKind;
  /** Member path; null for the record or macro itself. */
  member: string | null;
  before: unknown;
  after: unknown;
  verdict: Verdict;
  reason: string;
  /** A breaking change the allowlist acknowledges: reported, but not a failure. */
  allowed?: true;
}

export interface AbiDiff {
  abi: AbiName;
  changes: ReportChange[];
  /** Records only: the layouts either side (absent where the record does not exist). */
  before?: RecordLayout;
  after?: RecordLayout;
}

export interface SymbolDiff {
  kind: 'struct' | 'union' | 'macro';
  name: string;
  abis: AbiDiff[];
}

export interface HeaderDiff {
  header: string;
  symbols: SymbolDiff[];
}

export interface AbiSummary { abi: AbiName; breaking: number; compatible: number; cosmetic: number; allowed: number }

export interface DiffReport {
  from: RevisionInfo;
  to: RevisionInfo;
  abis: AbiName[];
  headers: HeaderDiff[];
  summary: AbiSummary[];
  /** A breaking change not acknowledged by the allowlist was found: exit status 1. */
  breaking: boolean;
}

export interface DiffOptions {
  /** Only headers equal to one of these, or under one ending in '/'. */
  headers?: string[];
  allowlist?: Allowlist;
}

export function buildDiff(
  from: RevisionInfo, to: RevisionInfo, abis: AbiName[],
  before: ReadonlyMap<AbiName, TreeSymbols>, after: ReadonlyMap<AbiName, TreeSymbols>, opts: DiffOptions = {},
): DiffReport {
  const wanted = (header: string): boolean => !opts.headers || opts.headers.some((h) => (h.endsWith('/') ? header.startsWith(h) : header === h));
  // header -> symbol key -> SymbolDiff
  const byHeader = new Map<string, Map<string, SymbolDiff>>();
  const summary: AbiSummary[] = [];
  for (const abi of abis) {
    const b = before.get(abi) ?? empty;
    const a = after.get(abi) ?? empty;
    const changes = [];
    const layouts = new Map<string, RecordPair>();
    for (const key of union(b.records, a.records)) {
      const pair = { before: b.records.get(key), after: a.records.get(key) };
      const r = (pair.after ?? pair.before)!;
      if (!wanted(r.header)) continue;
      const c = diffRecord(pair.before, pair.after);
      if (c.length === 0) continue;
      layouts.set(symbolKey(r.header, r.name), pair);
      changes.push(...c);
    }
    for (const key of union(b.macros, a.macros)) {
      const m = (a.macros.get(key) ?? b.macros.get(key))!;
      if (wanted(m.header)) changes.push(...diffMacro(b.macros.get(key), a.macros.get(key)));
    }
    const s: AbiSummary = { abi, breaking: 0, compatible: 0, cosmetic: 0, allowed: 0 };
    for (const j of judge({ changes, layouts })) {
      const out: ReportChange = { change: j.change, member: j.member || null, before: j.before, after: j.after, verdict: j.verdict, reason: j.reason };
      if (j.verdict === 'breaking' && opts.allowlist?.allows(j, abi)) {
        out.allowed = true;
        s.allowed++;
      } else s[j.verdict]++;
      let symbols = byHeader.get(j.header);
      if (!symbols) byHeader.set(j.header, (symbols = new Map()));
      const key = `${j.kind}\0${j.name}`;
      let sym = symbols.get(key);
      if (!sym) {
        const pair = layouts.get(symbolKey(j.header, j.name));
        const kind = j.kind === 'macro' ? 'macro' : (pair?.after ?? pair?.before)!.kind;
        symbols.set(key, (sym = { kind, name: j.name, abis: [] }));
      }
      let entry = sym.abis.find((x) => x.abi === abi);
      if (!entry) {
        entry = { abi, changes: [] };
        const pair = layouts.get(symbolKey(j.header, j.name));
        if (pair?.before) entry.before = pair.before;
        if (pair?.after) entry.after = pair.after;
        sym.abis.push(entry);
      }
      entry.changes.push(out);
    }
    summary.push(s);
  }
  const headers: HeaderDiff[] = [...byHeader].sort(([x], [y]) => cmp(x, y)).map(([header, symbols]) => ({
    header,
    // Records first, then macros; each by name.
    symbols: [...symbols.values()].sort((x, y) => Number(x.kind === 'macro') - Number(y.kind === 'macro') || cmp(x.name, y.name)),
  }));
  return { from, to, abis, headers, summary, breaking: summary.some((s) => s.breaking > 0) };
}

const empty: TreeSymbols = { records: new Map(), macros: new Map() };
const union = (x: ReadonlyMap<string, unknown>, y: ReadonlyMap<string, unknown>): string[] => [...new Set([...x.keys(), ...y.keys()])];
const cmp = (x: string, y: string): number => (x < y ? -1 : x > y ? 1 : 0);
