// `abi-blame index` as a user runs it (the built CLI), on real git repositories: the corpus
// bundles on PGlite and on Postgres with identical contents, the nightly-job behaviours (nothing
// new, a rewritten history, one run at a time) and bad input.

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../src/store/db.js';
import { cloneBundle, dump, indexCli, LAYOUTS, layoutFile } from './support/index-cli.js';
import { acquirePgliteDirLock, acquireRunLock } from '../src/store/lock.js';
import { SHARED, missing } from './support/linux.js';
import { freshPostgresUrl, postgresReachable, SKIP_POSTGRES } from './support/postgres.js';

const CORPUS = join(SHARED, 'corpus');
const skipCorpus = missing([CORPUS], 'shared/corpus');
const pgUp = await postgresReachable();
if (!pgUp && !SKIP_POSTGRES) throw new Error('PostgreSQL at 127.0.0.1:5432 is not reachable (set ABI_BLAME_SKIP_POSTGRES=1 to skip)');

const CLI = join(import.meta.dirname, '..', 'dist', 'cli', 'main.js');
const cli = (args: string[]) => spawnSync('node', [CLI, ...args], { encoding: 'utf8', maxBuffer: 1 << 28, env: { ...process.env, DATABASE_URL: '' } });
const pgliteOf = (repo: string): string => join(repo, 'abi-blame', 'pglite');

describe.skipIf(skipCorpus)('the corpus bundles index completely, the same on PGlite and Postgres', () => {
  if (skipCorpus) it.skip(skipCorpus, () => {});
  it.each(['kvmtool-uapi', 'kernel-headers'] as const)('%s', { timeout: 40 * 60_000 }, async (name) => {
    const repo = cloneBundle(name);
    const layout = layoutFile(LAYOUTS[name]);
    const onPglite = indexCli([repo, '--layout', layout, '--json']);
    expect(onPglite.stderr).toBe('');
    expect(onPglite.status).toBe(0);
    const summary = JSON.parse(onPglite.stdout);
    const headerCommits = execFileSync('git', ['--git-dir', repo, 'rev-list', '--all', '--full-history', '--simplify-merges', '--', ...headerDirs(LAYOUTS[name])], { encoding: 'utf8' }).trim().split('\n');
    expect(summary.commits).toBe(headerCommits.length);
    expect(summary.events).toBeGreaterThan(1000);

    const pgliteDump = await dump({ pgliteDir: pgliteOf(repo) });
    // kernel-headers has version tags (kvmtool's bundle has none): each commit gets its first one.
    if (name === 'kernel-headers') expect(pgliteDump).toContain('"release":"v3.12.6');
    if (!pgUp) return;
    const url = await freshPostgresUrl();
    const onPostgres = indexCli([repo, '--layout', layout, '--db', url, '--json']);
    expect(onPostgres.status).toBe(0);
    expect(JSON.parse(onPostgres.stdout).commits).toBe(summary.commits);
    const postgresDump = await dump({ url });
    expect(postgresDump.length).toBe(pgliteDump.length);
    expect(postgresDump === pgliteDump, 'PGlite and Postgres hold the same rows').toBe(true);

    // The nightly job's second run: nothing new, nothing written.
    const again = indexCli([repo, '--layout', layout, '--db', url]);
    expect(again.status).toBe(0);
    expect(again.stdout).toMatch(/up to date/);
    expect((await dump({ url })) === postgresDump, 'the second run changed nothing').toBe(true);

    // `diff` between two indexed releases reads the index; laid out from git it must say the same.
    if (name === 'kernel-headers') {
      const diff = (...extra: string[]) => cli(['diff', 'v4.4.206', 'v4.9.206', '--repo', repo, '--json', ...extra]);
      const fromIndex = diff('--db', url);
      const fromPglite = diff();
      const fromGit = diff('--no-index', '--layout', layout);
      expect(fromIndex.status).toBe(1);
      const reports = [fromIndex, fromPglite, fromGit].map((r) => JSON.parse(r.stdout));
      expect(reports.map((r) => [r.from.source, r.to.source])).toEqual([['index', 'index'], ['index', 'index'], ['tree', 'tree']]);
      const content = (r: { headers: unknown; summary: unknown }) => ({ headers: r.headers, summary: r.summary });
      expect(content(reports[0])).toEqual(content(reports[2]));
      expect(content(reports[1])).toEqual(content(reports[2]));
    }
  });
});

function headerDirs(layout: { include: string[]; arch: Record<string, string[]> }): string[] {
  return [...layout.include, ...Object.values(layout.arch).flat()];
}

/** A small kernel-layout repository built with git: commits on main, returns `git` for more. */
function kernelRepo(): { dir: string; git: (...args: string[]) => string; commit: (path: string, text: string, msg: string) => string } {
  const dir = mkdtempSync(join(tmpdir(), 'abi-blame-repo-'));
  const git = (...args: string[]): string => execFileSync('git', ['-C', dir, ...args], {
    encoding: 'utf8',
    env: { ...process.env, GIT_AUTHOR_NAME: 'A U Thor', GIT_AUTHOR_EMAIL: 'a@example.org', GIT_COMMITTER_NAME: 'C O Mitter', GIT_COMMITTER_EMAIL: 'c@example.org' },
  }).trim();
  git('init', '-q', '-b', 'main');
  const commit = (path: string, text: string, msg: string): string => {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
    git('add', '-A');
    git('commit', '-q', '-m', msg);
    return git('rev-parse', 'HEAD');
  };
  commit('Makefile', 'VERSION = 6\nPATCHLEVEL = 1\nSUBLEVEL = 0\n', 'Makefile');
  commit('arch/x86/include/uapi/asm/kvm.h', '#define KVM_NR_INTERRUPTS 256\n', 'x86 kvm');
  commit('include/uapi/linux/foo.h', 'struct foo { int a; };\n#define FOO 1\n', 'foo');
  return { dir, git, commit };
}

describe('nightly-job behaviour', () => {
  it('marks the commits a force-push dropped, and keeps everything else', async () => {
    const r = kernelRepo();
    const keep = r.git('rev-parse', 'HEAD');
    const dropped = r.commit('include/uapi/linux/foo.h', 'struct foo { int a; long b; };\n#define FOO 2\n', 'foo grows');
    expect(indexCli([r.dir, '--abi', 'x86_64,i386']).status).toBe(0);
    r.git('reset', '-q', '--hard', keep);
    const replacement = r.commit('include/uapi/linux/foo.h', 'struct foo { int a; short c; };\n#define FOO 3\n', 'foo grows differently');
    const second = indexCli([r.dir, '--abi', 'x86_64,i386', '--json']);
    expect(second.status).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({ commits: 1, vanished: 1 });
    const rows = (await dump({ pgliteDir: pgliteOf(join(r.dir, '.git')) })).split('\n');
    const commitRow = (sha: string) => rows.find((l) => l.includes(`"sha":"${sha}"`));
    expect(commitRow(dropped)).toContain('"vanished":true');
    expect(commitRow(replacement)).toContain('"vanished":false');
    expect(commitRow(keep)).toContain('"vanished":false');
    // The dropped commit's own rows are all still there.
    expect(rows.filter((l) => l.includes(`"commit":"${dropped}"`)).length).toBeGreaterThan(2);
    // Blame leaves the vanished commit out and shows the one that replaced it, oldest first.
    for (const symbol of ['foo', 'foo.c', 'FOO']) {
      const b = cli([symbol, '--repo', r.dir, '--json']);
      expect(b.status, b.stderr).toBe(0);
      const shas = (JSON.parse(b.stdout) as { events: { commit: string }[] }).events.map((e) => e.commit);
      expect(shas, symbol).not.toContain(dropped);
      expect(shas.at(-1), symbol).toBe(replacement);
    }
  });

  it('a worker that fills its heap cap is replaced; a tree too big for a cap the user set ends the run, keeping what was stored', async () => {
    const r = kernelRepo();
    const small = r.git('rev-list', 'HEAD').split('\n');
    // About a million tokens in one header: more than a 128 MiB worker heap holds, a real V8 out-of-memory.
    const big = Array.from({ length: 60_000 }, (_, i) => `struct big${i} { int a; long b; char c[3]; };\n`).join('');
    const bigCommit = r.commit('include/uapi/linux/big.h', big, 'a header too big for the cap');
    // Two ABIs: one per worker thread (one ABI runs in the main thread, without a cap).
    const out = indexCli([r.dir, '--abi', 'x86_64,i386', '--worker-heap', '128']);
    expect(out.status, out.stderr).toBe(2);
    // The first workers laid out the small commits, then new ones met the big one again and laid out nothing.
    // (Progress lines aside: 'indexing N commits to index'.)
    expect(out.stderr.split('\n').filter((l) => l.startsWith('abi-blame:'))).toEqual([
      'abi-blame: a layout worker filled its 128 MiB heap; new workers go on under the same cap',
      'abi-blame: a layout worker ran out of memory (--worker-heap 128); give it more with --worker-heap MiB',
    ]);
    const rows = (await dump({ pgliteDir: pgliteOf(join(r.dir, '.git')) })).split('\n');
    for (const sha of small) expect(rows.some((l) => l.includes(`"sha":"${sha}"`)), sha).toBe(true);
    expect(rows.some((l) => l.includes(bigCommit))).toBe(false);
  });

  it('one run at a time: a held PGlite folder and a held advisory lock each give one line and exit 2', async () => {
    const r = kernelRepo();
    const held = await acquirePgliteDirLock(pgliteOf(join(r.dir, '.git')), { wait: false });
    try {
      const busy = indexCli([r.dir]);
      expect(busy.status).toBe(2);
      expect(busy.stderr).toMatch(/^abi-blame: database .*: in use by another abi-blame process/);
      expect(busy.stderr.trim().split('\n')).toHaveLength(1);
    } finally {
      await held.release();
    }
    if (!pgUp) return;
    const url = await freshPostgresUrl();
    expect(indexCli([r.dir, '--db', url, '--abi', 'x86_64']).status).toBe(0);
    const store = await openStore({ url });
    const lock = await acquireRunLock(store, execFileSync('git', ['-C', r.dir, 'rev-parse', '--absolute-git-dir'], { encoding: 'utf8' }).trim(), { wait: false });
    try {
      const busy = indexCli([r.dir, '--db', url, '--abi', 'x86_64']);
      expect(busy.status).toBe(2);
      expect(busy.stderr).toMatch(/^abi-blame: another abi-blame index run holds the lock for /);
    } finally {
      await lock.release();
      await store.close();
    }
  });
});

describe('bad input: one line, exit 2', () => {
  const r = kernelRepo();
  const badLayout = join(mkdtempSync(join(tmpdir(), 'abi-blame-bad-')), 'layout.json');
  writeFileSync(badLayout, '{"include": 3}');
  it.each([
    ['not a git repository', [tmpdir()], /not a git repository/],
    ['an unknown ref', [r.dir, '--ref', 'no-such-ref'], /unknown ref 'no-such-ref'/],
    ['an unreachable database', [r.dir, '--db', 'postgres://127.0.0.1:1/nothing'], /database postgres:\/\/127\.0\.0\.1:1\/nothing: /],
    ['a layout file that does not parse', [r.dir, '--layout', badLayout], /layout\.json: expected \{"include"/],
    ['an unknown ABI', [r.dir, '--abi', 'vax'], /unknown ABI 'vax'/],
  ])('%s', (_, args, message) => {
    const out = indexCli(args as string[]);
    expect(out.status).toBe(2);
    expect(out.stderr).toMatch(message as RegExp);
    expect(out.stderr.trim().split('\n')).toHaveLength(1);
  });
});
