// What the indexer hands the store, in camelCase and model types; write.ts maps these to columns.

import type { ChangeKind, SymbolChange } from '../diff/changes.js';
import type { AbiName, IoctlFields, RecordLayout } from '../layout/model.js';

export type SymbolKind = 'record' | 'macro';

export type { ChangeKind };

export interface RepoRow {
  /** Real path of the git dir: the repository's identity. */
  key: string;
  /** The working tree (or bare repo) path as given. */
  path: string;
  /** The tree layout (kernel preset or layout file), as JSON. */
  layout: unknown;
  abis: AbiName[];
}

export interface CommitRow {
  sha: string;
  /** Nearest indexed ancestors, first parent first ([] at a root). */
  parents: string[];
  authorName: string | null;
  authorEmail: string | null;
  /** Date, or ISO 8601 text with its offset (git's own). */
  authorDate: Date | string | null;
  committerDate: Date | string | null;
  subject: string | null;
  /** First tag containing the commit, when known (setReleases fills it later otherwise). */
  release: string | null;
  /** Position in the topological order of the repo's indexed commits, parents first. */
  topo: number;
}

/** A symbol's state at the commit, where it differs from the first parent. */
export interface DeltaRow {
  /** Every ABI where the symbol has this state, in the order of ABI_NAMES. */
  abis: AbiName[];
  kind: SymbolKind;
  header: string;
  name: string;
  /** record present: its layout's hash (the layout must be in CommitWrite.layouts or already stored). */
  layoutHash: string | null;
  /** macro present: its decimal value. Both null: the symbol does not exist at this commit. */
  value: string | null;
  ioctl: IoctlFields | null;
}

/** A change attributed to a commit, with every ABI where it was the same (in the order of ABI_NAMES). */
export type EventRow = SymbolChange & { abis: AbiName[] };

export interface CommitWrite {
  commit: CommitRow;
  /**
   * Layouts the deltas refer to, as their canonical JSON (the layouts table's body), by
   * layoutHash(); already-stored ones are skipped.
   */
  layouts: Map<string, string>;
  deltas: DeltaRow[];
  events: EventRow[];
}

/** A symbol's state as symbolAt finds it. */
export interface SymbolState {
  header: string;
  /** The commit whose delta gave this state. */
  since: string;
  layout?: RecordLayout;
  value?: string;
  ioctl?: IoctlFields;
}
