// Benchmark (npm run bench:blobs): the two blob readers of src/git/blobs.ts on
// - every header blob in the history of the kvmtool corpus, read as the indexer reads them:
//   one read() per commit, of the blobs that commit changed;
// - every uapi header of one big tree: Linux 6.1's include/uapi and arch/*/include/uapi,
//   committed into a scratch repository (packed, as real repositories are), in one read().
// "cold" opens a reader and reads; "warm" reads the same again with that reader. Median of 5.
// Needs ../shared/corpus and scripts/prepare-linux.sh (for the Linux source).
// `npm run bench:blobs -- GIT_DIR REV` adds the blobs of REV's tree in another repository (at
// most 2,000, one read): isomorphic-git's cold start grows with the size of the pack.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openBlobReader, type BlobReaderKind } from '../src/git/blobs.js';
import { GitRepo } from '../src/git/repo.js';

const RUNS = 5;
const CORPUS = join(import.meta.dirname, '..', '..', 'shared', 'corpus', 'kvmtool-uapi.bundle');
const LINUX = join(process.env.ABI_BLAME_CACHE ?? join(process.env.HOME ?? '/root', '.cache', 'abi-blame'), 'linux-source-6.1');
const scratch = mkdtempSync(join(tmpdir(), 'abi-blame-bench-'));
const git = (...args: string[]): string => execFileSync('git', args, { encoding: 'utf8', maxBuffer: 1 << 30 }).trim();

interface Workload {
  name: string;
  gitDir: string;
  /** The read() calls, in order. */
  batches: string[][];
}

async function kvmtool(): Promise<Workload> {
  const dir = join(scratch, 'kvmtool.git');
  git('clone', '-q', '--bare', CORPUS, dir);
  const repo = await GitRepo.open(dir);
  const tips = (await repo.resolveRefs()).map((r) => r.sha);
  const batches: string[][] = [];
  for (const c of await repo.headerHistory(tips, [], [])) {
    const changed = await repo.changedPaths(c.sha, c.parents[0], []);
    batches.push(changed.filter((p) => p.path.endsWith('.h') && p.oid).map((p) => p.oid!));
  }
  return { name: `kvmtool history (${batches.length} commits, one read each)`, gitDir: dir, batches };
}

async function linux(): Promise<Workload> {
  const dir = join(scratch, 'linux-uapi.git');
  git('init', '-q', '--bare', dir);
  // The source tree is the work tree; the index and objects live in the scratch repository.
  const g = (...args: string[]): string => git('-C', LINUX, `--git-dir=${dir}`, `--work-tree=${LINUX}`, ...args);
  g('add', '-f', '--', 'include/uapi', 'arch/*/include/uapi/*'); // a * pathspec matches whole paths
  g('-c', 'user.name=bench', '-c', 'user.email=bench@example.org', 'commit', '-q', '-m', 'Linux 6.1 uapi headers');
  git(`--git-dir=${dir}`, 'gc', '-q', '--prune=now');
  const repo = await GitRepo.open(dir);
  const files = await repo.treeFiles('HEAD', ['include/uapi', 'arch']);
  return { name: `Linux 6.1 uapi tree (${files.size} files, one read)`, gitDir: dir, batches: [[...files.values()].map((f) => f.oid)] };
}

async function other(gitDir: string, rev: string): Promise<Workload> {
  const repo = await GitRepo.open(gitDir);
  const oids = [...(await repo.treeFiles(rev, [])).values()].map((f) => f.oid).slice(0, 2000);
  const pack = git(`--git-dir=${repo.gitDir}`, 'count-objects', '-vH').match(/size-pack: (.*)/)?.[1];
  return { name: `${gitDir} ${rev} (pack ${pack}, one read)`, gitDir: repo.gitDir, batches: [oids] };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function time(w: Workload, kind: BlobReaderKind): Promise<{ cold: number; warm: number; bytes: number }> {
  const cold: number[] = [];
  const warm: number[] = [];
  let bytes = 0;
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    const reader = await openBlobReader(w.gitDir, kind);
    bytes = 0;
    for (const b of w.batches) for (const text of (await reader.read(b)).values()) bytes += text.length;
    const t1 = performance.now();
    for (const b of w.batches) await reader.read(b);
    const t2 = performance.now();
    await reader.close();
    cold.push(t1 - t0);
    warm.push(t2 - t1);
  }
  return { cold: median(cold), warm: median(warm), bytes };
}

try {
  const workloads: Workload[] = [];
  if (existsSync(CORPUS)) workloads.push(await kvmtool());
  else console.log(`skipped kvmtool: ${CORPUS} is absent`);
  if (existsSync(join(LINUX, 'include', 'uapi'))) workloads.push(await linux());
  else console.log(`skipped Linux 6.1: ${LINUX} is absent (scripts/prepare-linux.sh)`);
  const [gitDir, rev] = process.argv.slice(2);
  if (gitDir) workloads.push(await other(gitDir, rev ?? 'HEAD'));

  console.log(`| workload | blobs | MB | reader | cold | warm |`);
  console.log(`| --- | --- | --- | --- | --- | --- |`);
  for (const w of workloads) {
    const blobs = new Set(w.batches.flat()).size;
    for (const kind of ['cat-file', 'isomorphic-git'] as const) {
      const r = await time(w, kind);
      console.log(`| ${w.name} | ${blobs} | ${(r.bytes / 1e6).toFixed(1)} | ${kind} | ${r.cold.toFixed(0)} ms | ${r.warm.toFixed(0)} ms |`);
    }
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
