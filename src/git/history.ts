// The header history of a repository: the commits that touch some paths, joined by the merges
// that matter, with parents rewritten so the result is a DAG over those commits alone.
//
// git does the work: `rev-list --full-history --simplify-merges --parents` keeps every commit
// that changes the paths and every merge whose parents, once rewritten, are not one the
// ancestor of the other (or whose result differs from its one remaining parent: a conflict
// resolved in a header), and rewrites parents to the nearest kept ancestors. --reverse is
// applied after simplification, so the stream is parents-first.
//
// Excluded commits break that: git does not simplify UNINTERESTING commits, so a parent can be
// rewritten to an excluded commit that does not touch the paths (a fork point, the previous
// tip), and a merge can survive because such a parent is not an ancestor of its other parent
// although its nearest header commit is. reconnect() redoes that part, so an incremental walk
// gives the same parents as a full one. (It finds an excluded commit's stand-in with git's
// default simplification, which follows one parent with the same content; --simplify-merges
// would keep a merge there only if the same change came in on two unrelated lines.)

import { runGit, streamGit } from './run.js';

export interface CommitInfo {
  sha: string;
  /**
   * Nearest ancestors in the simplified history. With `exclude`, a parent can be outside the
   * result: a commit touching the paths below an excluded one (what a full walk has there).
   */
  parents: string[];
  authorName: string;
  authorEmail: string;
  /** ISO 8601 with the commit's own offset. */
  authorDate: string;
  committerDate: string;
  subject: string;
}

interface Row {
  sha: string;
  parents: string[];
}

export async function headerHistory(gitDir: string, tips: string[], exclude: string[], pathspecs: string[]): Promise<CommitInfo[]> {
  if (tips.length === 0) return [];
  // Revisions through stdin: `exclude` can hold thousands of shas.
  const input = [...tips, ...exclude.map((s) => `^${s}`)].join('\n') + '\n';
  const args = ['rev-list', '--topo-order', '--reverse', '--parents', '--full-history', '--simplify-merges', '--stdin', '--', ...pathspecs];
  let rows: Row[] = [];
  for await (const line of streamGit(gitDir, args, '\n', input)) {
    if (!line) continue;
    const [sha, ...parents] = line.split(' ');
    rows.push({ sha: sha!, parents });
  }
  if (exclude.length > 0) rows = await reconnect(gitDir, rows, pathspecs);
  return withMetadata(gitDir, rows);
}

/** Rewrites parents that are excluded commits to the commits touching the paths they stand for. */
async function reconnect(gitDir: string, rows: Row[], pathspecs: string[]): Promise<Row[]> {
  const shown = new Set(rows.map((r) => r.sha));
  const outside = [...new Set(rows.flatMap((r) => r.parents).filter((p) => !shown.has(p)))];
  if (outside.length === 0) return rows;

  // One process each, but there are few: the places where new history forks from old.
  const below = new Map<string, string | null>();
  await eachLimit(outside, 4, async (p) => void below.set(p, await nearest(gitDir, p, pathspecs)));

  const dropped = new Map<string, string | null>();
  const out: Row[] = [];
  for (const r of rows) {
    const mapped = r.parents.map((p) => (dropped.has(p) ? dropped.get(p)! : shown.has(p) ? p : below.get(p)!));
    let parents = [...new Set(mapped.filter((p): p is string => p !== null))];
    if (same(parents, r.parents)) {
      out.push(r);
      continue;
    }
    if (parents.length > 1) parents = await independent(gitDir, parents);
    // As git does for a merge left with one parent: it stays only if it changes the paths.
    if (r.parents.length > 1 && parents.length <= 1 && (await treesame(gitDir, parents[0], r.sha, pathspecs))) {
      dropped.set(r.sha, parents[0] ?? null);
      continue;
    }
    out.push({ sha: r.sha, parents });
  }
  return out;
}

/**
 * The nearest commit at or below `sha` that touches the paths, following parents with the same
 * content at the paths (git's default simplification); null when the paths never existed.
 */
async function nearest(gitDir: string, sha: string, pathspecs: string[]): Promise<string | null> {
  const { stdout } = await runGit(gitDir, ['rev-list', '-1', sha, '--', ...pathspecs]);
  return stdout.toString('utf8').trim() || null;
}

/** The shas that are not ancestors of another (order kept). */
async function independent(gitDir: string, shas: string[]): Promise<string[]> {
  const { stdout } = await runGit(gitDir, ['merge-base', '--independent', ...shas]);
  const keep = new Set(stdout.toString('utf8').split('\n'));
  return shas.filter((s) => keep.has(s));
}

/** Same content at the paths (`from` undefined: the paths are absent in `to`). */
async function treesame(gitDir: string, from: string | undefined, to: string, pathspecs: string[]): Promise<boolean> {
  if (from === undefined) {
    const { stdout } = await runGit(gitDir, ['ls-tree', '-r', '--name-only', '--full-tree', to, ...pathspecs]);
    return stdout.length === 0;
  }
  const { code } = await runGit(gitDir, ['diff-tree', '--quiet', '-r', from, to, '--', ...pathspecs], { ok: [1] });
  return code === 0;
}

const FIELDS = 6;
const FORMAT = ['%H', '%an', '%ae', '%aI', '%cI', '%s'].join('%x00');

/** Author, dates and subject of every row, from one `git log` fed the shas on stdin. */
async function withMetadata(gitDir: string, rows: Row[]): Promise<CommitInfo[]> {
  if (rows.length === 0) return []; // `git log` without revisions would log HEAD
  const meta = new Map<string, string[]>();
  let fields: string[] = [];
  const args = ['-c', 'log.showSignature=false', 'log', '--no-walk=unsorted', '--stdin', '-z', `--format=${FORMAT}`];
  for await (const token of streamGit(gitDir, args, '\0', rows.map((r) => r.sha).join('\n') + '\n')) {
    fields.push(token);
    if (fields.length === FIELDS) {
      meta.set(fields[0]!, fields);
      fields = [];
    }
  }
  return rows.map(({ sha, parents }) => {
    const m = meta.get(sha);
    if (!m) throw new Error(`git log: no metadata for ${sha}`);
    return { sha, parents, authorName: m[1]!, authorEmail: m[2]!, authorDate: m[3]!, committerDate: m[4]!, subject: m[5]! };
  });
}

function same(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

async function eachLimit<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
