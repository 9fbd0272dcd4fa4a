// A git repository as the indexer sees it: refs to index, the history of the header paths, what
// each commit changed there, and the first release that contains a commit. simple-git runs the
// commands whose output is the answer; run.ts runs those that need stdin, streaming or an exit
// status (simple-git resolves an empty string when git exits 1 without a message).

import { existsSync, realpathSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { simpleGit, type SimpleGit } from 'simple-git';
import { changedPath, DiffTreeStream, type ChangedPath } from './diff-tree.js';
import { GitInputError } from './errors.js';
import { headerHistory, type CommitInfo } from './history.js';
import { firstLine, GitProcessError, runGit, streamGit } from './run.js';

export type { CommitInfo } from './history.js';

export interface ResolvedRef {
  name: string;
  sha: string;
}

export interface TreeEntry {
  oid: string;
  /** Mode 120000: the blob is the link's target path; the caller resolves it. */
  symlink: boolean;
}

export type { ChangedPath };

/**
 * simple-git strips GIT_* variables from the environment it inherits (so a hook's GIT_DIR does
 * not send it elsewhere); nobody is there to answer a credential prompt.
 */
function sg(dir: string): SimpleGit {
  return simpleGit({ baseDir: dir, allowEnvironment: ['GIT_TERMINAL_PROMPT'] }).env('GIT_TERMINAL_PROMPT', '0');
}

export class GitRepo {
  private readonly git: SimpleGit;
  private emptyTreeId: string | undefined;

  private constructor(
    /** Absolute, symlinks resolved. */
    readonly gitDir: string,
    /** Top of the work tree; undefined for a bare repository. */
    readonly workTree: string | undefined,
  ) {
    this.git = sg(workTree ?? gitDir);
  }

  /** `path` is a bare repository, a work tree, or a directory inside one (as git finds it). */
  static async open(path: string): Promise<GitRepo> {
    const dir = resolve(path);
    if (!existsSync(dir)) throw new GitInputError(`${path}: no such directory`);
    if (!statSync(dir).isDirectory()) throw new GitInputError(`${path}: not a git repository`);
    let out: string;
    try {
      // Our runner, not simple-git: it runs git in English, whose complaint is recognised here.
      out = (await runGit('', ['rev-parse', '--absolute-git-dir', '--is-bare-repository'], { cwd: dir })).stdout.toString('utf8');
    } catch (e) {
      const why = e instanceof GitProcessError ? firstLine(e.stderr) : String(e);
      throw new GitInputError(`${path}: ${/not a git repository/.test(why) ? 'not a git repository' : why}`);
    }
    const [gitDir, bare] = out.trim().split('\n');
    // --show-toplevel fails in a bare repository, so it is asked only of the others.
    const top = bare === 'true' ? undefined : (await runGit('', ['rev-parse', '--show-toplevel'], { cwd: dir })).stdout.toString('utf8').trim();
    return new GitRepo(realpathSync(gitDir!), top && realpathSync(top));
  }

  /**
   * Without refs (or an empty list): the current branch ('HEAD' when detached; nothing when it
   * has no commit yet) and every tag, peeled to its commit (tags of trees or blobs are skipped).
   * With refs: each one, as a commit. Sorted by name; a name appears once.
   */
  async resolveRefs(refs?: string[]): Promise<ResolvedRef[]> {
    const found = new Map<string, string>();
    if (refs && refs.length > 0) {
      for (const r of refs) if (!found.has(r)) found.set(r, await this.resolveOne(r));
    } else {
      const head = await this.commitOf('HEAD');
      if (head) found.set((await this.git.raw(['rev-parse', '--abbrev-ref', 'HEAD'])).trim(), head);
      for (const t of await this.tags()) if (!found.has(t.name)) found.set(t.name, t.sha);
    }
    return [...found].map(([name, sha]) => ({ name, sha })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** The commit a revision names (tags peeled); GitInputError when there is none. */
  resolveCommit(rev: string): Promise<string> {
    return this.resolveOne(rev);
  }

  /**
   * The nearest commit on `sha`'s first-parent chain (itself included) that changes `pathspecs`
   * against its first parent: the commit whose header state `sha` has. Undefined when none does.
   */
  async nearestTouching(sha: string, pathspecs: string[]): Promise<string | undefined> {
    const { stdout } = await runGit(this.gitDir, ['rev-list', '-1', '--first-parent', sha, '--', ...pathspecs]);
    return stdout.toString('utf8').trim() || undefined;
  }

  /** The commit `ref` names (tags peeled), or undefined. */
  private async commitOf(ref: string): Promise<string | undefined> {
    return this.verify(`${ref}^{commit}`);
  }

  private async verify(rev: string): Promise<string | undefined> {
    // Exit status 1 is "no such object", or one of another type (with a message despite --quiet).
    const { stdout, code } = await runGit(this.gitDir, ['rev-parse', '--verify', '--quiet', '--end-of-options', rev], { ok: [1] });
    return code === 0 ? stdout.toString('utf8').trim() : undefined;
  }

  private async resolveOne(ref: string): Promise<string> {
    const sha = await this.commitOf(ref);
    if (sha) return sha;
    throw new GitInputError((await this.verify(ref)) ? `ref '${ref}' is not a commit` : `unknown ref '${ref}'`);
  }

  /** Every tag peeled to its commit: one for-each-ref, one cat-file (tags of tags peel fully). */
  private async tags(): Promise<ResolvedRef[]> {
    const list = (await this.git.raw(['for-each-ref', '--format=%(objectname) %(refname:strip=2)', 'refs/tags'])).split('\n').filter(Boolean);
    if (list.length === 0) return [];
    const input = list.map((l) => l.replace(' ', '^{} ')).join('\n') + '\n';
    const { stdout } = await runGit(this.gitDir, ['cat-file', '--batch-check=%(objectname) %(objecttype) %(rest)'], { input });
    const out: ResolvedRef[] = [];
    for (const line of stdout.toString('utf8').split('\n')) {
      const [sha, type, name] = line.split(' ');
      if (type === 'commit') out.push({ name: name!, sha: sha! });
    }
    return out;
  }

  /**
   * Commits reachable from `tips` and not from `exclude` that touch `pathspecs`, and the merges
   * joining them; parents first, parents rewritten to the nearest such commits.
   */
  headerHistory(tips: string[], exclude: string[], pathspecs: string[]): Promise<CommitInfo[]> {
    return headerHistory(this.gitDir, tips, exclude, pathspecs);
  }

  /** One `git diff-tree --stdin` for the changed paths of many [commit, parent] pairs (close it when done). */
  diffTreeStream(pathspecs: string[], pairs: readonly (readonly [string, string])[]): DiffTreeStream {
    return new DiffTreeStream(this.gitDir, pathspecs, pairs);
  }

  /** Files under `pathspecs` that differ between `parent` (undefined: nothing) and `sha`. */
  async changedPaths(sha: string, parent: string | undefined, pathspecs: string[]): Promise<ChangedPath[]> {
    return this.diff(parent ?? (await this.emptyTree()), sha, pathspecs);
  }

  /**
   * Every file under `pathspecs` at `sha`. A diff from the empty tree rather than `ls-tree`:
   * ls-tree takes its paths as literal prefixes (no `*`, no pathspec magic), so with a pattern
   * it would list other files than rev-list and diff-tree select.
   */
  async treeFiles(sha: string, pathspecs: string[]): Promise<Map<string, TreeEntry>> {
    const out = new Map<string, TreeEntry>();
    for (const f of await this.diff(await this.emptyTree(), sha, pathspecs)) out.set(f.path, { oid: f.oid!, symlink: f.symlink });
    return out;
  }

  private async diff(from: string, to: string, pathspecs: string[]): Promise<ChangedPath[]> {
    const out: ChangedPath[] = [];
    let meta: string | undefined;
    const args = ['diff-tree', '-r', '-z', '--no-renames', '--no-commit-id', from, to, '--', ...pathspecs];
    for await (const token of streamGit(this.gitDir, args, '\0')) {
      if (meta === undefined) {
        meta = token;
        continue;
      }
      const p = changedPath(meta, token);
      meta = undefined;
      if (p) out.push(p);
    }
    return out;
  }

  /** The empty tree's id (it differs between SHA-1 and SHA-256 repositories). */
  private async emptyTree(): Promise<string> {
    this.emptyTreeId ??= (await runGit(this.gitDir, ['hash-object', '-t', 'tree', '--stdin'], { input: '' })).stdout.toString('utf8').trim();
    return this.emptyTreeId;
  }

  /**
   * Brings git's commit-graph (objects/info) up to date, a layer for the commits it lacks. name-rev
   * over every tag walks the whole history: on a repository of 1,000,000 commits, 10 s of CPU
   * without a commit-graph, 1 s with one (written once in 17 s; a layer for a day of commits costs
   * next to nothing). It is git's own cache, as `git gc` and `git maintenance` write it: where it
   * cannot be written (a read-only repository), name-rev goes without.
   */
  async updateCommitGraph(): Promise<void> {
    await runGit(this.gitDir, ['commit-graph', 'write', '--reachable', '--split']).catch(() => {});
  }

  /**
   * The first release tag containing each commit, as `git describe --contains` names it without
   * its ~N^M path; null when no tag contains it. One name-rev for all (describe --contains runs
   * name-rev with these flags).
   */
  async firstReleases(shas: string[]): Promise<Map<string, string | null>> {
    const out = new Map<string, string | null>();
    if (shas.length === 0) return out;
    const args = ['name-rev', '--tags', '--peel-tag', '--name-only', '--no-undefined', '--annotate-stdin'];
    let i = 0;
    // --annotate-stdin copies each line, the sha replaced by its name when it has one.
    for await (const line of streamGit(this.gitDir, args, '\n', shas.join('\n') + '\n')) {
      const sha = shas[i++];
      if (sha === undefined) break;
      out.set(sha, line === sha ? null : line.replace(/[~^].*$/, ''));
    }
    return out;
  }

  /** Fetches every remote, with tags. */
  async fetch(): Promise<void> {
    try {
      await this.git.fetch(['--all', '--tags']);
    } catch (e) {
      throw new GitInputError(`git fetch: ${firstLine(e instanceof Error ? e.message : String(e))}`);
    }
  }

  async isAncestor(ancestor: string, descendant: string): Promise<boolean> {
    const { code } = await runGit(this.gitDir, ['merge-base', '--is-ancestor', ancestor, descendant], { ok: [1] });
    return code === 0;
  }

  async commitExists(sha: string): Promise<boolean> {
    return (await this.commitOf(sha)) !== undefined;
  }
}
