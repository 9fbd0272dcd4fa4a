// Benchmark (npm run bench:index): `abi-blame index` on the synthetic kernel-scale repository
// (scripts/bench/gen-synthetic-repo.ts: 1,000,000 commits, 30,000 touching uapi headers, merges),
// all 13 ABIs, embedded PGlite and Postgres.
//   npx tsx scripts/bench-index.ts [--repo DIR] [--upto REF] [--day 50 | --day-commits 50] [--day-runs N] [--history-snapshot DIR] [--db postgres://...] [--cpu-prof DIR] [--worker-heap MiB]
// Phase 1 writes git's commit-graph (timed on its own: a once-per-repository cost) and indexes the
// history up to REF (default: the whole history), and reports commits per second, projected to the
// whole synthetic history and to the real kernel's uapi history (the commit-graph counted once).
// Phase 2 moves a ref further (a day of kernel work) and times that run: by --day mainline header
// commits (and the branches merged with them: about 2.5x as many commits in all), or by the fewest
// mainline ones that bring --day-commits header commits in all (the issue's "about 50 uapi commits").
// --day-runs N: the day N times, each from a copy of the folder as phase 1 left it (embedded
// database, unit archive, git's files), to tell a change from the machine's noise.
// Phase 3 times a run with nothing new. Needs `npm run build`. --keep: leave the indexed clone in
// place (its path is printed) for `npm run bench:blame -- --repo DIR`. --worker-heap: passed to index. --cpu-prof DIR: each phase's run
// writes its threads' profiles to DIR/<phase> (summary: npx tsx scripts/bench/cpuprofile-summary.ts DIR/day).
// --history-snapshot DIR: keep a copy of the folder phase 1 left in DIR; when DIR exists, skip
// phase 1 and start from it (to measure a change to the day alone; the same --upto and day options).

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { cacheDir } from './truth/clang-dump.js';

const { values } = parseArgs({
  options: {
    repo: { type: 'string', default: join(cacheDir(), 'synthetic-1m.git') },
    upto: { type: 'string' },
    day: { type: 'string', default: '50' },
    'day-commits': { type: 'string' },
    db: { type: 'string' },
    'kernel-commits': { type: 'string', default: '30000' },
    'cpu-prof': { type: 'string' },
    keep: { type: 'boolean', default: false },
    'worker-heap': { type: 'string' },
    'day-runs': { type: 'string', default: '1' },
    'history-snapshot': { type: 'string' },
  },
});
const CLI = join(import.meta.dirname, '..', 'dist', 'cli', 'main.js');

/** The environment the CLI's first line (`#!/usr/bin/env -S VAR=… node`) sets: the run is the installed command's. */
function shebangEnv(): Record<string, string> {
  const vars = /^#!\/usr\/bin\/env -S (.*) node$/m.exec(readFileSync(CLI, 'utf8').split('\n', 1)[0]!)?.[1] ?? '';
  return Object.fromEntries(vars.split(' ').filter(Boolean).map((v) => v.split('=', 2) as [string, string]));
}
/**
 * The projection's size of the real kernel's uapi history: the issue's kernel-scale figure (30,000
 * commits touching uapi headers), not a count taken here (no kernel history on this machine).
 */
const KERNEL_UAPI_COMMITS = Number(values['kernel-commits']);

if (!existsSync(values.repo)) throw new Error(`${values.repo}: generate it first (npm run bench:synthetic-repo -- --out ${values.repo})`);

// A clone of our own: the benchmark moves a branch. With --history-snapshot it has a fixed path
// (the index keys a repository by its path), beside the snapshot.
const snapshot = values['history-snapshot'];
const fromSnapshot = snapshot !== undefined && existsSync(snapshot);
const work = snapshot ? join(`${snapshot}.work`, 'repo.git') : join(mkdtempSync(join(tmpdir(), 'abi-blame-bench-')), 'repo.git');
if (fromSnapshot) {
  rmSync(join(work, '..'), { recursive: true, force: true });
  execFileSync('cp', ['-a', snapshot, join(work, '..')]);
} else {
  if (snapshot) rmSync(join(work, '..'), { recursive: true, force: true });
  execFileSync('git', ['clone', '-q', '--bare', '--no-tags', values.repo, work]);
  execFileSync('git', ['--git-dir', work, 'fetch', '-q', values.repo, '+refs/tags/*:refs/tags/*']);
}
const git = (...args: string[]): string => execFileSync('git', ['--git-dir', work, ...args], { encoding: 'utf8', maxBuffer: 1 << 30 }).trim();
const pathspecs = ['include/uapi', 'arch/x86/include/uapi', 'arch/arm64/include/uapi', 'arch/arm/include/uapi', 'arch/riscv/include/uapi',
  'arch/s390/include/uapi', 'arch/powerpc/include/uapi', 'arch/mips/include/uapi', 'Makefile'];

/** The repository's own tip (HEAD moves to the bench branch below). */
const head = git('rev-parse', 'HEAD');
const tip = values.upto ? git('rev-parse', `${values.upto}^{commit}`) : head;
/** Header commits in a revision range, merges' branches included, as the indexer walks them (counted once per range). */
const counted = new Map<string, number>();
const headerCommits = (range: string): number => {
  if (!counted.has(range)) counted.set(range, Number(git('rev-list', '--count', '--full-history', '--simplify-merges', range, '--', ...pathspecs)));
  return counted.get(range)!;
};
const headerCommitsSince = (from: string): number => headerCommits(`${from}..${tip}`);
// The day's start: a mainline header commit before the tip (or --upto).
const dayStart = ((): string => {
  if (!values['day-commits']) {
    const recent = git('rev-list', '--first-parent', `--max-count=${Number(values.day) + 1}`, tip, '--', ...pathspecs).split('\n');
    return recent[recent.length - 1]!;
  }
  const want = Number(values['day-commits']);
  const mainline = git('rev-list', '--first-parent', `--max-count=${want + 1}`, tip, '--', ...pathspecs).split('\n');
  // The counts grow with the span: the first span that holds enough, by bisection.
  let lo = 1;
  let hi = mainline.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (headerCommitsSince(mainline[mid]!) >= want) hi = mid;
    else lo = mid + 1;
  }
  return mainline[lo]!;
})();
const day = `${Number(git('rev-list', '--count', '--first-parent', `${dayStart}..${tip}`, '--', ...pathspecs))} mainline header commits, ${headerCommitsSince(dayStart)} header commits in all`;
git('update-ref', 'refs/heads/bench', dayStart);
git('symbolic-ref', 'HEAD', 'refs/heads/bench');
// Tags after the day's start would pull the day in early: index the branch only.
const refArgs = ['--ref', 'refs/heads/bench'];

function run(label: string): { seconds: number; peakMiB: number; cpuSeconds: number; out: Record<string, unknown> } {
  const prof = values['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${join(values['cpu-prof'], label.replaceAll(' ', '-'))}`] : [];
  const heap = values['worker-heap'] ? ['--worker-heap', values['worker-heap']] : [];
  const args = [...prof, CLI, 'index', work, '--abi', 'all', '--json', ...refArgs, ...heap, ...(values.db ? ['--db', values.db] : [])];
  const t0 = performance.now();
  // node runs the CLI directly (for --cpu-prof), so the environment its first line sets is set here.
  const r = spawnSync('/usr/bin/time', ['-f', '%M %U %S', 'node', ...args], { encoding: 'utf8', env: { ...shebangEnv(), ...process.env, DATABASE_URL: '' } });
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`${label}: ${r.stderr}`);
  const [peakKiB, user, sys] = r.stderr.trim().split('\n').pop()!.split(' ').map(Number);
  const peakMiB = peakKiB! / 1024;
  const out = JSON.parse(r.stdout) as Record<string, unknown>;
  if (out.workerHeapCapLifted) console.log(`${label}: a worker outgrew the default ${out.workerHeapCapLifted as number} MiB heap cap; the run went on without it`);
  if (out.workerRestarts) console.log(`${label}: layout workers filled their heap cap and were replaced ${out.workerRestarts as number} time(s)`);
  return { seconds, peakMiB, cpuSeconds: user! + sys!, out };
}

const du = (dir: string): number => Number(execFileSync('du', ['-sb', dir], { encoding: 'utf8' }).split('\t')[0]);

console.log(`repository: ${values.repo} (${git('rev-list', '--count', '--all')} commits); indexing up to ${dayStart.slice(0, 12)}, then ${day} to ${tip.slice(0, 12)}`);
const folder = join(work, '..');
if (fromSnapshot) console.log(`history: from ${snapshot}`);
else {
  // git's commit-graph, which the index writes on its first run (for release names) and updates on
  // every later one: 20 s of CPU once on this repository, beside the layouts of the first run. It
  // is written here first and timed on its own, so that the history's rate is the per-commit cost
  // and the projections count the write once instead of scaling it with the history.
  const g0 = performance.now();
  git('commit-graph', 'write', '--reachable', '--split');
  const graphSeconds = (performance.now() - g0) / 1000;
  console.log(`commit-graph: ${graphSeconds.toFixed(1)} s, once per repository (counted once in the projections)`);
  const full = run('history');
  const commits = full.out.commits as number;
  const rate = commits / full.seconds;
  console.log(`history: ${commits} header commits (and merges) in ${full.seconds.toFixed(1)} s = ${rate.toFixed(1)} commits/s, peak ${full.peakMiB.toFixed(0)} MiB`);
  const total = headerCommits(head);
  const minutes = (n: number): string => ((graphSeconds + n / rate) / 60).toFixed(1);
  console.log(`projection: whole synthetic header history (${total} commits) ${minutes(total)} min; real kernel (${KERNEL_UAPI_COMMITS} uapi commits) ${minutes(KERNEL_UAPI_COMMITS)} min`);
  if (!values.db) {
    const bytes = du(join(work, 'abi-blame', 'pglite'));
    console.log(`database (PGlite): ${(bytes / 2 ** 20).toFixed(0)} MiB = ${(bytes / commits / 1024).toFixed(1)} KiB per indexed commit`);
  }
  if (snapshot) execFileSync('cp', ['-a', folder, snapshot]);
}

const dayRuns = Number(values['day-runs']);
if (dayRuns > 1) execFileSync('cp', ['-a', folder, `${folder}.after-history`]);
for (let i = 1; i <= dayRuns; i++) {
  if (i > 1) {
    rmSync(folder, { recursive: true, force: true });
    execFileSync('cp', ['-a', `${folder}.after-history`, folder]);
  }
  git('update-ref', 'refs/heads/bench', tip);
  const inc = run('day');
  console.log(`a day (${inc.out.commits as number} commits)${dayRuns > 1 ? `, run ${i}` : ''}: ${inc.seconds.toFixed(2)} s, CPU ${inc.cpuSeconds.toFixed(1)} s, peak ${inc.peakMiB.toFixed(0)} MiB`);
}
if (dayRuns > 1) rmSync(`${folder}.after-history`, { recursive: true, force: true });
const none = run('nothing new');
console.log(`nothing new: ${none.seconds.toFixed(2)} s (${none.out.upToDate ? 'up to date' : 'NOT up to date'})`);
if (values.keep || snapshot) console.log(`index kept: ${work}`);
else rmSync(folder, { recursive: true, force: true });
