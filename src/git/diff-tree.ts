// Changed paths of many commits through one `git diff-tree --stdin` process: spawning a git per
// commit cost the indexer's main thread more time than anything else it does (BENCHMARKS.md).
// git does not flush its answers while its input is open, so every "<commit> <parent>" pair is
// written up front (streamGit closes the input); the answers stream in, each the commit's id
// (--always: even when nothing changed) followed by its raw -z entries, and wait in a map until
// asked for.

import { streamGit } from './run.js';

export interface ChangedPath {
  path: string;
  /** The new blob, null when the path was deleted. */
  oid: string | null;
  /** Mode 120000: the blob is the link's target path; the caller resolves it. */
  symlink: boolean;
}

const SYMLINK = '120000';
const GITLINK = '160000'; // a submodule: no blob of ours

/**
 * One entry of `git diff-tree -r -z` raw output, ":<old mode> <new mode> <old oid> <new oid>
 * <status>" NUL "<path>" NUL; undefined for a submodule.
 */
export function changedPath(meta: string, path: string): ChangedPath | undefined {
  const [, mode, , oid, status] = meta.split(' ');
  if (mode === GITLINK) return undefined;
  return { path, oid: status === 'D' ? null : oid!, symlink: mode === SYMLINK };
}

type Answer = { paths: ChangedPath[] } | { error: Error };

export class DiffTreeStream {
  private readonly answers = new Map<string, Answer>();
  private readonly waiting = new Map<string, (a: Answer) => void>();
  private failure: Error | undefined;
  private closed = false;
  private readonly done: Promise<void>;

  /** `pairs`: [commit, parent] full ids, each commit once. */
  constructor(gitDir: string, pathspecs: string[], pairs: readonly (readonly [string, string])[]) {
    const args = ['diff-tree', '--stdin', '-r', '-z', '--no-renames', '--always', '--', ...pathspecs];
    this.done = this.read(streamGit(gitDir, args, '\0', pairs.map(([sha, parent]) => `${sha} ${parent}\n`).join('')));
  }

  /** The paths under the pathspecs that differ between the commit and the parent it was given with. */
  changes(sha: string): Promise<ChangedPath[]> {
    const a = this.answers.get(sha) ?? (this.failure && { error: this.failure });
    if (a) {
      this.answers.delete(sha);
      return 'error' in a ? Promise.reject(a.error) : Promise.resolve(a.paths);
    }
    return new Promise((resolve, reject) => this.waiting.set(sha, (x) => ('error' in x ? reject(x.error) : resolve(x.paths))));
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.done;
  }

  private async read(tokens: AsyncGenerator<string>): Promise<void> {
    let current: { sha: string; paths: ChangedPath[] } | undefined;
    let meta: string | undefined;
    try {
      for await (const token of tokens) {
        if (this.closed) break; // leaving the loop stops git
        if (meta !== undefined) {
          const p = changedPath(meta, token);
          if (p) current?.paths.push(p);
          meta = undefined;
        } else if (token.startsWith(':')) meta = token;
        else {
          if (current) this.settle(current.sha, { paths: current.paths });
          current = { sha: token.trim(), paths: [] };
        }
      }
      if (current) this.settle(current.sha, { paths: current.paths });
      this.fail(new Error('git diff-tree: no answer')); // for anything still asked for
    } catch (e) {
      this.fail(e as Error);
    }
  }

  private settle(sha: string, a: Answer): void {
    const w = this.waiting.get(sha);
    if (w) {
      this.waiting.delete(sha);
      w(a);
    } else this.answers.set(sha, a);
  }

  private fail(e: Error): void {
    this.failure ??= e;
    for (const [sha, w] of this.waiting) {
      this.waiting.delete(sha);
      w({ error: this.failure });
    }
  }
}
