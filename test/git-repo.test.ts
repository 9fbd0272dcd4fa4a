// GitRepo against real repositories built here with the git CLI, and against the kernel-headers
// corpus. Expected answers come from reading the graphs below, or from git itself
// (`describe --contains`).

import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitInputError } from '../src/git/errors.js';
import { GitRepo, type CommitInfo } from '../src/git/repo.js';
import { missing, SHARED } from './support/linux.js';

const temps: string[] = [];
afterAll(() => temps.forEach((d) => rmSync(d, { recursive: true, force: true })));
function tempDir(): string {
  const d = realpathSync(mkdtempSync(join(tmpdir(), 'abi-blame-git-')));
  temps.push(d);
  return d;
}

/** A work tree whose commits get distinct, increasing dates and a fixed identity. */
class Fixture {
  readonly dir = tempDir();
  private tick = 0;
  constructor() {
    this.git('init', '-q', '-b', 'main');
  }

  git(...args: string[]): string {
    const date = `2020-01-01T00:00:00Z`.replace('00:00:00', `00:${String(Math.floor(this.tick / 60)).padStart(2, '0')}:${String(this.tick % 60).padStart(2, '0')}`);
    return execFileSync('git', args, {
      cwd: this.dir,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1',
        GIT_AUTHOR_NAME: 'Ann Author', GIT_AUTHOR_EMAIL: 'ann@example.org', GIT_AUTHOR_DATE: date,
        GIT_COMMITTER_NAME: 'Con Committer', GIT_COMMITTER_EMAIL: 'con@example.org', GIT_COMMITTER_DATE: date,
      },
    }).trim();
  }

  /** Writes files (null deletes), commits them all with `subject`; returns the sha. */
  commit(subject: string, files: Record<string, string | null> = {}): string {
    this.write(files);
    this.tick++;
    this.git('add', '-A');
    this.git('commit', '-q', '--allow-empty', '-m', subject);
    return this.git('rev-parse', 'HEAD');
  }

  write(files: Record<string, string | null>): void {
    for (const [p, text] of Object.entries(files)) {
      const full = join(this.dir, p);
      if (text === null) rmSync(full);
      else {
        mkdirSync(dirname(full), { recursive: true });
        writeFileSync(full, text);
      }
    }
  }

  /** `git merge --no-ff`, with `files` written over the result (a conflict resolution or an "evil" merge). */
  merge(subject: string, branch: string, files: Record<string, string | null> = {}): string {
    this.tick++;
    try {
      this.git('merge', '-q', '--no-ff', '--no-commit', branch);
    } catch {
      // a conflict: resolved below by `files`
    }
    this.write(files);
    this.git('add', '-A');
    this.git('commit', '-q', '-m', subject);
    return this.git('rev-parse', 'HEAD');
  }
}

/** The history as "subject <- parent subjects", which is how the expectations read. */
function shape(history: CommitInfo[], names: Map<string, string>): string[] {
  return history.map((c) => `${names.get(c.sha)} <- ${c.parents.map((p) => names.get(p) ?? p).join(' ')}`.trimEnd());
}

describe('headerHistory', () => {
  // main:  R0 - A - N1 - M1 - MERGE1 - N2 - MERGE2 - N3 - MERGE3 - C2 - MERGE4 - E2 - MERGE5
  //                   \        /          \      /       \      /     \    /      \    /
  //                    S1 - S2             Q1 -          F1 -        C1 -         E1
  // R0 has no header; N*, S2, Q1, E* touch only sources; MERGE4 resolves a conflict in a.h;
  // MERGE5 adds a header that neither side had.
  const f = new Fixture();
  const sha: Record<string, string> = {};
  const names = new Map<string, string>();
  const c = (name: string, files: Record<string, string | null>): void => void (sha[name] = f.commit(name, files));
  const m = (name: string, branch: string, files: Record<string, string | null> = {}): void => void (sha[name] = f.merge(name, branch, files));
  let repo: GitRepo;

  beforeAll(async () => {
    c('R0', { README: 'readme\n' });
    c('A', { 'inc/a.h': 'int a;\n' });
    c('N1', { 'src/x.c': 'x\n' });
    f.git('checkout', '-q', '-b', 'side');
    c('S1', { 'inc/b.h': 'int b;\n' });
    c('S2', { 'src/y.c': 'y\n' });
    f.git('checkout', '-q', 'main');
    c('M1', { 'inc/a.h': 'int a;\nint a2;\n' });
    m('MERGE1', 'side');
    f.git('checkout', '-q', '-b', 'src-only');
    c('Q1', { 'src/z.c': 'z\n' });
    f.git('checkout', '-q', 'main');
    c('N2', { 'src/w.c': 'w\n' });
    m('MERGE2', 'src-only');
    f.git('checkout', '-q', '-b', 'ff');
    c('F1', { 'inc/c.h': 'int c;\n' });
    f.git('checkout', '-q', 'main');
    c('N3', { 'src/v.c': 'v\n' });
    m('MERGE3', 'ff');
    f.git('checkout', '-q', '-b', 'conflict');
    c('C1', { 'inc/a.h': 'int side;\n' });
    f.git('checkout', '-q', 'main');
    c('C2', { 'inc/a.h': 'int main;\n' });
    m('MERGE4', 'conflict', { 'inc/a.h': 'int resolved;\n' });
    f.git('checkout', '-q', '-b', 'evil');
    c('E1', { 'src/u.c': 'u\n' });
    f.git('checkout', '-q', 'main');
    c('E2', { 'src/t.c': 't\n' });
    m('MERGE5', 'evil', { 'inc/e.h': 'int evil;\n' });
    for (const [n, s] of Object.entries(sha)) names.set(s, n);
    repo = await GitRepo.open(f.dir);
  });

  const full = [
    'A <-',
    'M1 <- A',
    'S1 <- A',
    'MERGE1 <- M1 S1', // both sides changed headers: the merge joins them
    'F1 <- MERGE1', // MERGE3 dropped: F1 already has everything it has, and its parent is rewritten past MERGE2
    'C2 <- F1',
    'C1 <- F1',
    'MERGE4 <- C2 C1', // conflict resolved in a.h
    'MERGE5 <- MERGE4', // neither side touched headers: one parent left, kept because it adds e.h
  ];

  it('keeps header commits and the merges that matter, parents rewritten, parents first', async () => {
    const h = await repo.headerHistory([sha.MERGE5!], [], ['inc']);
    expect(shape(h, names)).toEqual(full);
  });

  it('reads author, dates and subject', async () => {
    const [a] = await repo.headerHistory([sha.A!], [], ['inc']);
    expect(a).toEqual({
      sha: sha.A, parents: [], authorName: 'Ann Author', authorEmail: 'ann@example.org',
      authorDate: '2020-01-01T00:00:02+00:00', committerDate: '2020-01-01T00:00:02+00:00', subject: 'A',
    });
  });

  it('with exclude, returns what the full walk has past the excluded commits, with the same parents', async () => {
    // Excluding a commit that touches no header (N3, MERGE2, a fork point) is where git's
    // walk on its own rewrites parents to excluded commits and keeps MERGE3.
    const ancestors = (s: string): Set<string> => new Set(f.git('rev-list', s).split('\n'));
    for (const x of Object.keys(sha)) {
      const gone = ancestors(sha[x]!);
      const expected = full.filter((line) => !gone.has(sha[line.split(' ')[0]!]!));
      const h = await repo.headerHistory([sha.MERGE5!], [sha[x]!], ['inc']);
      expect(shape(h, names), `exclude ${x}`).toEqual(expected);
    }
  });

  it('takes several tips and many excluded commits', async () => {
    const h = await repo.headerHistory([sha.S2!, sha.MERGE1!], [sha.A!, sha.R0!, sha.N1!], ['inc']);
    expect(shape(h, names)).toEqual(['M1 <- A', 'S1 <- A', 'MERGE1 <- M1 S1']);
    expect(await repo.headerHistory([sha.MERGE5!], [sha.MERGE5!], ['inc'])).toEqual([]);
  });

  it('pathspecs select the history: sources only', async () => {
    const h = await repo.headerHistory([sha.MERGE2!], [], ['src']);
    // MERGE1 brings S2's sources and nothing else: S2 stands for it.
    expect(shape(h, names)).toEqual(['N1 <-', 'S2 <- N1', 'N2 <- S2', 'Q1 <- S2', 'MERGE2 <- N2 Q1']);
  });
});

describe('changedPaths and treeFiles', () => {
  const f = new Fixture();
  let repo: GitRepo;
  const sha: Record<string, string> = {};
  const blob = (rev: string): string => f.git('rev-parse', rev);

  beforeAll(async () => {
    sha.root = f.commit('root', { 'inc/a.h': 'a\n', 'inc/sub/b.h': 'b\n', 'src/x.c': 'x\n' });
    sha.edit = f.commit('edit', { 'inc/a.h': 'a2\n', 'src/x.c': 'x2\n' });
    f.git('mv', 'inc/sub/b.h', 'inc/sub/renamed.h');
    sha.rename = f.commit('rename');
    symlinkSync('sub', join(f.dir, 'inc', 'link'));
    sha.link = f.commit('link', { 'inc/a.h': null });
    repo = await GitRepo.open(f.dir);
  });

  it('a root commit: everything under the pathspecs is added', async () => {
    expect(await repo.changedPaths(sha.root!, undefined, ['inc'])).toEqual([
      { path: 'inc/a.h', oid: blob(`${sha.root}:inc/a.h`), symlink: false },
      { path: 'inc/sub/b.h', oid: blob(`${sha.root}:inc/sub/b.h`), symlink: false },
    ]);
  });

  it('a modification, outside paths ignored', async () => {
    expect(await repo.changedPaths(sha.edit!, sha.root, ['inc'])).toEqual([{ path: 'inc/a.h', oid: blob(`${sha.edit}:inc/a.h`), symlink: false }]);
  });

  it('a rename is a deletion and an addition', async () => {
    expect(await repo.changedPaths(sha.rename!, sha.edit, ['inc'])).toEqual([
      { path: 'inc/sub/b.h', oid: null, symlink: false },
      { path: 'inc/sub/renamed.h', oid: blob(`${sha.root}:inc/sub/b.h`), symlink: false },
    ]);
  });

  it('a deletion has no oid; a symlink is its target blob, marked', async () => {
    expect(await repo.changedPaths(sha.link!, sha.rename, ['inc'])).toEqual([
      { path: 'inc/a.h', oid: null, symlink: false },
      { path: 'inc/link', oid: blob(`${sha.link}:inc/link`), symlink: true },
    ]);
  });

  it('across several commits, and with several pathspecs', async () => {
    const all = await repo.changedPaths(sha.link!, sha.root, ['inc/sub', 'src']);
    expect(all.map((p) => p.path)).toEqual(['inc/sub/b.h', 'inc/sub/renamed.h', 'src/x.c']);
  });

  it('treeFiles lists blobs under the pathspecs, symlinks marked', async () => {
    const files = await repo.treeFiles(sha.link!, ['inc']);
    expect([...files]).toEqual([
      ['inc/link', { oid: blob(`${sha.link}:inc/link`), symlink: true }],
      ['inc/sub/renamed.h', { oid: blob(`${sha.link}:inc/sub/renamed.h`), symlink: false }],
    ]);
    expect([...(await repo.treeFiles(sha.root!, ['src', 'inc/sub'])).keys()]).toEqual(['inc/sub/b.h', 'src/x.c']);
  });

  it('a * pathspec means the same to treeFiles, changedPaths and headerHistory (it matches whole paths, / included)', async () => {
    expect([...(await repo.treeFiles(sha.root!, ['*/sub/*'])).keys()]).toEqual(['inc/sub/b.h']);
    expect((await repo.changedPaths(sha.root!, undefined, ['*/sub/*'])).map((p) => p.path)).toEqual(['inc/sub/b.h']);
    expect((await repo.headerHistory([sha.link!], [], ['*/sub/*'])).map((c) => c.subject)).toEqual(['root', 'rename']);
    expect((await repo.treeFiles(sha.root!, ['*/sub'])).size).toBe(0); // not a directory prefix
  });
});

describe('open, refs, releases', () => {
  const f = new Fixture();
  const sha: Record<string, string> = {};
  let repo: GitRepo;

  beforeAll(async () => {
    sha.a = f.commit('a', { 'a.h': '1' });
    f.git('tag', 'v1.0', sha.a);
    sha.b = f.commit('b', { 'a.h': '2' });
    f.git('checkout', '-q', '-b', 'topic');
    sha.t = f.commit('t', { 't.h': 't' });
    f.git('checkout', '-q', 'main');
    sha.c = f.commit('c', { 'a.h': '3' });
    sha.m = f.merge('m', 'topic');
    f.git('tag', '-a', '-m', 'annotated', 'v2.0', sha.m);
    f.git('tag', '-a', '-m', 'tag of a tag', 'v2.0-again', 'v2.0');
    f.git('tag', 'tree-tag', `${sha.m}^{tree}`);
    sha.d = f.commit('d', { 'a.h': '4' });
    repo = await GitRepo.open(f.dir);
  });

  it('opens a work tree and a bare clone; gitDir is absolute and real', async () => {
    expect(repo.gitDir).toBe(join(f.dir, '.git'));
    expect(repo.workTree).toBe(f.dir);
    const bare = join(tempDir(), 'bare.git');
    execFileSync('git', ['clone', '-q', '--bare', f.dir, bare]);
    const b = await GitRepo.open(bare);
    expect([b.gitDir, b.workTree]).toEqual([bare, undefined]);
    expect(await b.resolveRefs(['v2.0'])).toEqual([{ name: 'v2.0', sha: sha.m }]);
  });

  it('is not a repository: one line, GitInputError', async () => {
    const dir = tempDir();
    await expect(GitRepo.open(dir)).rejects.toThrow(new GitInputError(`${dir}: not a git repository`));
    await expect(GitRepo.open(join(dir, 'nope'))).rejects.toThrow(new GitInputError(`${join(dir, 'nope')}: no such directory`));
    writeFileSync(join(dir, 'file'), '');
    await expect(GitRepo.open(join(dir, 'file'))).rejects.toThrow(new GitInputError(`${join(dir, 'file')}: not a git repository`));
  });

  it('resolveRefs(): the current branch and every tag peeled to its commit; not tags of trees', async () => {
    expect(await repo.resolveRefs()).toEqual([
      { name: 'main', sha: sha.d },
      { name: 'v1.0', sha: sha.a },
      { name: 'v2.0', sha: sha.m },
      { name: 'v2.0-again', sha: sha.m },
    ]);
    const detached = new Fixture();
    const s = detached.commit('only');
    detached.git('checkout', '-q', '--detach');
    expect(await (await GitRepo.open(detached.dir)).resolveRefs()).toEqual([{ name: 'HEAD', sha: s }]);
  });

  it('resolveRefs(refs): commits, sorted, deduplicated; unknown refs are input errors', async () => {
    expect(await repo.resolveRefs(['topic', 'v2.0', 'main~1', 'topic', sha.a!])).toEqual(
      [{ name: 'main~1', sha: sha.m }, { name: sha.a!, sha: sha.a }, { name: 'topic', sha: sha.t }, { name: 'v2.0', sha: sha.m }]
        .sort((x, y) => (x.name < y.name ? -1 : 1)),
    );
    await expect(repo.resolveRefs(['main', 'nope'])).rejects.toThrow(new GitInputError("unknown ref 'nope'"));
    await expect(repo.resolveRefs(['--all'])).rejects.toThrow(new GitInputError("unknown ref '--all'"));
    await expect(repo.resolveRefs(['tree-tag'])).rejects.toBeInstanceOf(GitInputError);
  });

  it('firstReleases names the tag git describe --contains names; null past the last tag', async () => {
    const all = f.git('rev-list', '--all').split('\n');
    const got = await repo.firstReleases(all);
    for (const s of all) {
      let want: string | null;
      try {
        want = f.git('describe', '--contains', s).replace(/[~^].*$/, '');
      } catch {
        want = null;
      }
      expect(got.get(s), s).toBe(want);
    }
    expect(got.get(sha.b!)).toBe('v2.0');
    expect(got.get(sha.d!)).toBe(null);
  });

  it('updateCommitGraph writes git\'s commit-graph (names stay the same); a read-only repository goes without', async () => {
    const all = f.git('rev-list', '--all').split('\n');
    const before = await repo.firstReleases(all);
    const info = join(f.dir, '.git', 'objects', 'info');
    rmSync(join(info, 'commit-graph'), { force: true });
    rmSync(join(info, 'commit-graphs'), { recursive: true, force: true });
    await repo.updateCommitGraph();
    expect(f.git('commit-graph', 'verify')).toBe('');
    expect(readdirSync(join(info, 'commit-graphs')).some((n) => n.endsWith('.graph'))).toBe(true);
    expect(await repo.firstReleases(all)).toEqual(before);
    // Not writable (git fails: root writes anywhere, so a file where its folder goes stands in): no error.
    const readOnly = await GitRepo.open(f.dir);
    rmSync(join(info, 'commit-graphs'), { recursive: true, force: true });
    writeFileSync(join(info, 'commit-graphs'), 'not a folder');
    try {
      await expect(readOnly.updateCommitGraph()).resolves.toBeUndefined();
    } finally {
      rmSync(join(info, 'commit-graphs'), { force: true });
    }
  });

  it('isAncestor, commitExists', async () => {
    expect(await repo.isAncestor(sha.t!, sha.m!)).toBe(true);
    expect(await repo.isAncestor(sha.m!, sha.t!)).toBe(false);
    expect(await repo.commitExists(sha.t!)).toBe(true);
    expect(await repo.commitExists('0'.repeat(40))).toBe(false);
  });

  it('fetch: from every remote, errors as input errors', async () => {
    const clone = join(tempDir(), 'clone');
    execFileSync('git', ['clone', '-q', f.dir, clone]);
    const c = await GitRepo.open(clone);
    f.commit('e', { 'a.h': '5' });
    f.git('tag', 'v3.0');
    await c.fetch();
    expect((await c.resolveRefs(['v3.0']))[0]!.sha).toBe(f.git('rev-parse', 'HEAD'));
    execFileSync('git', ['-C', clone, 'remote', 'add', 'gone', join(tempDir(), 'missing')]);
    await expect(c.fetch()).rejects.toThrow(/^git fetch: '.*missing' does not appear to be a git repository$/);
  });
});

// The kernel-headers corpus: installed header sets of several Linux versions, tagged.
const BUNDLE = join(SHARED, 'corpus', 'kernel-headers.bundle');
const noCorpus = missing([BUNDLE], 'shared/corpus');

describe.skipIf(noCorpus)('kernel-headers corpus', () => {
  if (noCorpus) it.skip(noCorpus, () => {});
  const dir = join(tempDir(), 'kernel-headers.git');
  const git = (...args: string[]): string => execFileSync('git', ['--git-dir', dir, ...args], { encoding: 'utf8' }).trim();
  let repo: GitRepo;
  let pathspecs: string[];

  beforeAll(async () => {
    execFileSync('git', ['clone', '-q', '--bare', BUNDLE, dir]);
    repo = await GitRepo.open(dir);
    // generic/include and every arch: directories' include/, and the symlinked arch names themselves.
    pathspecs = git('ls-tree', 'HEAD').split('\n').map((l) => l.split(/\s+/)).filter(([, , , name]) => name !== 'generic')
      .map(([mode, , , name]) => (mode === '120000' ? name! : `${name}/include`));
    pathspecs.unshift('generic/include');
  });

  it('resolveRefs() gives the branch and the version tags', async () => {
    const refs = await repo.resolveRefs();
    expect(refs.map((r) => r.name)).toEqual(['master', ...git('tag').split('\n')].sort());
    expect(refs.map((r) => r.name)).toContain('v4.19.88');
    for (const r of refs) expect(r.sha).toBe(git('rev-parse', `${r.name}^{commit}`));
  });

  it('headerHistory returns the commits that touch the headers, parents first', async () => {
    const tips = (await repo.resolveRefs()).map((r) => r.sha);
    const h = await repo.headerHistory(tips, [], pathspecs);
    const touching = git('rev-list', '--topo-order', '--reverse', 'master', '--tags', '--', ...pathspecs).split('\n');
    expect(h.map((c) => c.sha)).toEqual(touching);
    expect(h.length).toBeGreaterThan(40);
    const seen = new Set<string>();
    for (const c of h) {
      for (const p of c.parents) expect(seen.has(p)).toBe(true);
      seen.add(c.sha);
      expect(c.subject).toBe(git('log', '-1', '--format=%s', c.sha));
    }
    // Incremental from v4.4.2: the rest, first parent rewritten onto v4.4.2's history.
    const later = await repo.headerHistory(tips, [git('rev-parse', 'v4.4.2')], pathspecs);
    expect(later.map((c) => c.sha)).toEqual(h.map((c) => c.sha).slice(h.length - later.length));
    expect(later[0]!.parents).toEqual(h[h.length - later.length]!.parents);
  });

  it('firstReleases matches git describe --contains', async () => {
    const h = await repo.headerHistory([git('rev-parse', 'master')], [], pathspecs);
    const got = await repo.firstReleases(h.map((c) => c.sha));
    for (const c of h) {
      let want: string | null;
      try {
        want = git('describe', '--contains', c.sha).replace(/[~^].*$/, '');
      } catch {
        want = null;
      }
      expect(got.get(c.sha), c.sha).toBe(want);
    }
    expect(new Set(got.values()).size).toBeGreaterThan(5);
  });

  it('changedPaths of a commit that adds symlinked arch names', async () => {
    const h = await repo.headerHistory([git('rev-parse', 'master')], [], pathspecs);
    const ppc = h.find((c) => c.subject.startsWith('add ppc64le'))!;
    const changed = await repo.changedPaths(ppc.sha, ppc.parents[0], pathspecs);
    expect(changed).toContainEqual({ path: 'ppc64le', oid: git('rev-parse', `${ppc.sha}:ppc64le`), symlink: true });
  });
});
