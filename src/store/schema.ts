// Kysely's view of migrations/0001_initial.sql. Column names stay snake_case, as in SQL.
// jsonb columns are written as JSON text (JSON.stringify) and read back parsed by both drivers:
// pg would otherwise turn a JS array into a Postgres array literal, not JSON.

import type { ColumnType, Insertable, Selectable } from 'kysely';

/** jsonb: parsed value on read, JSON text on write. */
export type Jsonb<T> = ColumnType<T, string, string>;
export type NullableJsonb<T> = ColumnType<T | null, string | null, string | null>;
/** timestamptz: both pg and PGlite return Date; accept ISO text (with offset) or Date on write. */
export type Timestamptz = ColumnType<Date | null, Date | string | null, Date | string | null>;

export interface ReposTable {
  key: string;
  path: string;
  layout: Jsonb<unknown>;
  abis: string[];
}

export interface CommitsTable {
  repo: string;
  sha: string;
  parents: string[];
  author_name: string | null;
  author_email: string | null;
  author_date: Timestamptz;
  committer_date: Timestamptz;
  subject: string | null;
  release: string | null;
  topo: number;
  vanished: ColumnType<boolean, boolean | undefined, boolean>;
}

export interface LayoutsTable {
  hash: string;
  body: Jsonb<unknown>;
}

export interface SymbolDeltasTable {
  repo: string;
  commit: string;
  abis: string[];
  kind: 'record' | 'macro';
  header: string;
  name: string;
  layout_hash: string | null;
  value: string | null;
  ioctl: NullableJsonb<unknown>;
}

export interface ChangeEventsTable {
  repo: string;
  commit: string;
  abis: string[];
  kind: 'record' | 'macro';
  header: string;
  name: string;
  member: ColumnType<string, string | undefined, string>;
  change: string;
  before: NullableJsonb<unknown>;
  after: NullableJsonb<unknown>;
}

export interface RefsTable {
  repo: string;
  name: string;
  sha: string;
}

export interface Database {
  repos: ReposTable;
  commits: CommitsTable;
  layouts: LayoutsTable;
  symbol_deltas: SymbolDeltasTable;
  change_events: ChangeEventsTable;
  refs: RefsTable;
}

export type CommitRecord = Selectable<CommitsTable>;
export type NewCommit = Insertable<CommitsTable>;
export type NewDelta = Insertable<SymbolDeltasTable>;
export type NewEvent = Insertable<ChangeEventsTable>;

/** Tables in dependency order (parents first), with their primary keys: what canonicalDump walks. */
export const TABLES: { [T in keyof Database]: readonly (keyof Database[T] & string)[] } = {
  repos: ['key'],
  layouts: ['hash'],
  commits: ['repo', 'sha'],
  symbol_deltas: ['repo', 'commit', 'kind', 'header', 'name', 'abis'],
  change_events: ['repo', 'commit', 'kind', 'header', 'name', 'member', 'change', 'abis'],
  refs: ['repo', 'name'],
};
