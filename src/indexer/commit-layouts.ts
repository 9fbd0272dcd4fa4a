// Per commit, for a set of ABIs: lay out the commit's tree from its first parent's state, and
// turn what changed into the rows the store keeps: deltas (the symbol's state wherever it differs
// from the first parent) and change events (what this commit itself changed).
//
// Attribution at merges: a symbol that differs from the first parent but equals its state in
// another parent came in with that parent's branch, and its events belong to the branch's own
// commits; only states no parent had (a conflict resolution) are the merge's own change.

import type { LayoutSpec } from '../cpp/profile.js';
import { diffMacro, diffRecord, type SymbolChange } from '../diff/changes.js';
import { sameMacro, sameRecord, type AbiName } from '../layout/model.js';
import { macroAt, recordAt, touchedSymbols, TreeLayouter, type TreeState } from '../layout/tree-state.js';
import { UnitCache } from '../layout/unit-cache.js';
import { layoutRow } from '../store/layout-hash.js';
import type { DeltaRow, EventRow } from '../store/rows.js';
import { groupDeltas, groupEvents } from './group-abis.js';
import { CommitTree, type FileChange } from './commit-tree.js';
import { UnitArchive, type ArchiveConfig } from './unit-archive.js';

export interface CommitJob {
  sha: string;
  /** Indexed parents, first parent first; [] for a root. */
  parents: string[];
  /** Changes against the first parent (against nothing at a root). */
  changes: FileChange[];
}

export interface CommitLayouts {
  sha: string;
  deltas: DeltaRow[];
  events: EventRow[];
  /**
   * Layouts the deltas refer to, as canonical JSON by hash: the string hashed is the row stored,
   * so the main thread does not serialize each layout again, and one string crosses threads for
   * cheaper than the objects (890 commits: peak 45-60 MiB lower, BENCHMARKS.md).
   */
  layouts: Map<string, string>;
}

interface Kept { tree: CommitTree; states: Map<AbiName, TreeState> }

export class CommitLayouter {
  /** States of the commits whose children are still to come (the pool says when to forget). */
  private readonly kept = new Map<string, Kept>();
  private readonly layouters: Map<AbiName, TreeLayouter>;
  private readonly archive?: UnitArchive;
  /** The state of the last commit laid out, per ABI: where the next run starts. */
  private readonly latest = new Map<AbiName, TreeState>();

  /** `archive`: unit results on disk, shared with other runs (`worker` names this one's writes). */
  constructor(spec: LayoutSpec, readonly abis: AbiName[], archive?: ArchiveConfig, worker = 0) {
    const cache = new UnitCache();
    if (archive) {
      this.archive = new UnitArchive(archive, worker, abis);
      this.archive.keepAlive(() => this.latest.values());
    }
    this.layouters = new Map(abis.map((a) => [a, new TreeLayouter(a, spec, cache, true, this.archive?.forAbi(a))]));
  }

  /** Leaves the last state in the archive for the next run. */
  close(): void {
    if (!this.archive) return;
    for (const [abi, state] of this.latest) this.archive.saveTip(abi, state);
    this.archive.close();
  }

  forget(sha: string): void {
    this.kept.delete(sha);
  }

  /**
   * Holds a commit's state without recording anything for it (a parent laid out in an earlier
   * run): from `base`'s state and the changes between them, or from its whole file list.
   */
  provide(sha: string, files: FileChange[], base?: string): void {
    const from = base === undefined ? undefined : this.kept.get(base);
    if (base !== undefined && !from) throw new Error(`internal: base ${base} of ${sha} is not kept`);
    const tree = (from?.tree ?? CommitTree.empty()).apply(files);
    const states = new Map<AbiName, TreeState>();
    for (const [abi, l] of this.layouters) {
      // Without a base, from where the last run ended: usually this very commit, or close to it.
      const previous = from ? from.states.get(abi) : this.archive?.loadTip(abi);
      states.set(abi, l.compute(tree, previous, { changed: from && CommitTree.changedPaths(tree, files) }).state);
    }
    this.kept.set(sha, { tree, states });
  }

  commit(job: CommitJob): CommitLayouts {
    const [first, ...others] = job.parents.map((p) => {
      const k = this.kept.get(p);
      if (!k) throw new Error(`internal: state of parent ${p} of ${job.sha} is not kept`);
      return k;
    });
    const tree = (first?.tree ?? CommitTree.empty()).apply(job.changes);
    const out: CommitLayouts = { sha: job.sha, deltas: [], events: [], layouts: new Map() };
    const states = new Map<AbiName, TreeState>();
    for (const [abi, layouter] of this.layouters) {
      const prev = first?.states.get(abi);
      const update = layouter.compute(tree, prev, { changed: first && CommitTree.changedPaths(tree, job.changes) });
      states.set(abi, update.state);
      const others_ = others.map((o) => o.states.get(abi)!);
      const touched = touchedSymbols(prev, update);
      for (const [header, name] of touched.records) {
        const before = prev && recordAt(prev, header, name);
        const after = recordAt(update.state, header, name);
        if (sameRecord(before, after)) continue;
        const row = after ? layoutRow(after) : null;
        if (row) out.layouts.set(row.hash, row.body);
        out.deltas.push({ abis: [abi], kind: 'record', header, name, layoutHash: row?.hash ?? null, value: null, ioctl: null });
        if (others_.some((o) => sameRecord(recordAt(o, header, name), after))) continue;
        addEvents(out.events, abi, diffRecord(before, after));
      }
      for (const [header, name] of touched.macros) {
        const before = prev && macroAt(prev, header, name);
        const after = macroAt(update.state, header, name);
        if (sameMacro(before, after)) continue;
        out.deltas.push({ abis: [abi], kind: 'macro', header, name, layoutHash: null, value: after?.value ?? null, ioctl: after?.ioctl ?? null });
        if (others_.some((o) => sameMacro(macroAt(o, header, name), after))) continue;
        addEvents(out.events, abi, diffMacro(before, after));
      }
    }
    this.kept.set(job.sha, { tree, states });
    for (const [abi, state] of states) this.latest.set(abi, state);
    return { ...out, deltas: groupDeltas(out.deltas), events: groupEvents(out.events) };
  }
}

function addEvents(out: EventRow[], abi: AbiName, changes: SymbolChange[]): void {
  for (const c of changes) out.push({ abis: [abi], ...c });
}
