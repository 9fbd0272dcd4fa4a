// Changed paths of many commits through one `git diff-tree --stdin` process: spawning a git per
// commit cost the indexer's main thread more time than anything else it does (BENCHMARKS.md).
// git does not flush its answers while its input is open, so every "<commit> <parent>" pair is
// written up front and the input closed; the answers stream in, each the commit's id on a line of
// its own (--always: even when nothing changed), then one raw diff line per changed path, and wait
// in a map until asked for.

import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { gitEnv } from './run.js';

export interface ChangedPath {
  path: string;
  /** The new blob, null when the path was deleted. */
  oid: string | null;
  /** Mode 120000: the blob is the link's target path; the caller resolves it. */
  symlink: boolean;
}

export const SYMLINK = '120000';
export const GITLINK = '160000'; // a submodule: no blob of ours

type Answer = { paths: ChangedPath[] } | { error: Error };

export class DiffTreeStream {
  private readonly answers = new Map<string, Answer>();
  private readonly waiting = new Map<string, (a: Answer) => void>();
  private failure: Error | undefined;
  private readonly exited: Promise<void>;
  private readonly kill: () => void;

  /** `pairs`: [commit, parent] full ids, each commit once. */
  constructor(gitDir: string, pathspecs: string[], pairs: readonly (readonly [string, string])[]) {
    const git = spawn('git', [`--git-dir=${gitDir}`, 'diff-tree', '--stdin', '-r', '--no-renames', '--always', '--', ...pathspecs], { env: gitEnv() });
    this.kill = () => git.kill();
    const stderr: Buffer[] = [];
    git.stderr.on('data', (b: Buffer) => stderr.push(b));
    git.stdin.on('error', () => {}); // reported by 'close' below
    let current: { sha: string; paths: ChangedPath[] } | undefined;
    const finish = (): void => {
      if (current) this.settle(current.sha, { paths: current.paths });
      current = undefined;
    };
    createInterface({ input: git.stdout, crlfDelay: Infinity }).on('line', (line) => {
      if (!line.startsWith(':')) {
        finish();
        current = { sha: line, paths: [] };
        return;
      }
      // ":<old mode> <new mode> <old oid> <new oid> <status>\t<path>"
      const tab = line.indexOf('\t');
      const [, mode, , oid, status] = line.slice(0, tab).split(' ');
      if (mode !== GITLINK) current?.paths.push({ path: unquote(line.slice(tab + 1)), oid: status === 'D' ? null : oid!, symlink: mode === SYMLINK });
    }).on('close', finish);
    this.exited = new Promise((resolve) => {
      git.on('error', (e) => this.fail(new Error(`git diff-tree: ${e.message}`)));
      git.on('close', (code) => {
        if (code !== 0 && code !== null) this.fail(new Error(`git diff-tree: ${Buffer.concat(stderr).toString('utf8').trim() || `exited with status ${code}`}`));
        // Anything still asked for was never answered.
        this.fail(new Error('git diff-tree: no answer'));
        resolve();
      });
    });
    git.stdin.end(pairs.map(([sha, parent]) => `${sha} ${parent}\n`).join(''));
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
    this.kill();
    await this.exited;
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

/** A path as git prints it: C-quoted ("a\tb", octal bytes) when it has unusual characters. */
export function unquote(path: string): string {
  if (!path.startsWith('"')) return path;
  const bytes: number[] = [];
  const esc: Record<string, number> = { a: 7, b: 8, t: 9, n: 10, v: 11, f: 12, r: 13, '"': 34, '\\': 92 };
  for (let i = 1; i < path.length - 1; i++) {
    const c = path[i]!;
    if (c !== '\\') { bytes.push(...Buffer.from(c, 'utf8')); continue; }
    const n = path[++i]!;
    if (/[0-7]/.test(n)) {
      bytes.push(parseInt(path.slice(i, i + 3), 8));
      i += 2;
    } else bytes.push(esc[n] ?? n.charCodeAt(0));
  }
  return Buffer.from(bytes).toString('utf8');
}
