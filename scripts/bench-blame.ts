// Benchmark (npm run bench:blame): how fast `abi-blame SYMBOL` answers from an index.
//   npx tsx scripts/bench-blame.ts --repo DIR [--db postgres://...] [--samples 300] [--seed 1]
// Samples records, member paths and macros that have change events (the symbols users ask about),
// runs the blame query for each in one warm process (what `abi-blame` does after opening the
// database), and prints p50/p95/max per kind; then times whole CLI runs for a few of them.

import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { ABI_NAMES } from '../src/layout/model.js';
import { blame } from '../src/report/blame.js';
import { parseSymbol } from '../src/report/symbol-query.js';
import { embeddedDbDir, openStore, QUERY_BUFFERS_MB } from '../src/store/db.js';
import { readRepo } from '../src/store/queries.js';

const { values } = parseArgs({ options: {
  repo: { type: 'string' }, db: { type: 'string' }, samples: { type: 'string', default: '300' }, seed: { type: 'string', default: '1' },
} });
if (!values.repo) throw new Error('--repo DIR: an indexed repository');
const gitDir = execFileSync('git', ['-C', values.repo, 'rev-parse', '--absolute-git-dir'], { encoding: 'utf8' }).trim();
const store = await openStore({ url: values.db, pgliteDir: embeddedDbDir(gitDir), pgliteBuffersMb: QUERY_BUFFERS_MB });
const repo = (await readRepo(store.db, gitDir))!;
if (!repo) throw new Error(`${values.repo} is not indexed in ${store.where}`);

// A deterministic sample (a small LCG), the same on every run.
let state = Number(values.seed);
const random = (): number => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const pick = <T>(xs: T[], n: number): T[] => {
  const out: T[] = [];
  for (let i = 0; i < n && xs.length > 0; i++) out.push(xs[Math.floor(random() * xs.length)]!);
  return out;
};
const n = Number(values.samples);
const { rows: names } = await sql<{ kind: string; name: string; member: string }>`
  select distinct kind, name, split_part(member, '.', 1) as member from change_events where repo = ${gitDir}`.execute(store.db);
const records = [...new Set(names.filter((r) => r.kind === 'record').map((r) => r.name))];
const members = [...new Set(names.filter((r) => r.kind === 'record' && r.member).map((r) => `${r.name}.${r.member}`))];
const macros = [...new Set(names.filter((r) => r.kind === 'macro').map((r) => r.name))];
const sample = { record: pick(records, n / 3), member: pick(members, n / 3), macro: pick(macros, n / 3) };

/** Every blame timed, named (the slowest show where a long tail comes from). */
const blames: { kind: string; symbol: string; ms: number; events: number }[] = [];
for (const s of [...sample.record, ...sample.macro].slice(0, 5)) await blame(store.db, gitDir, repo.abis, parseSymbol(s)); // warm-up
for (const [kind, list] of Object.entries(sample)) {
  for (const s of list) {
    const t0 = performance.now();
    const r = await blame(store.db, gitDir, repo.abis, parseSymbol(s));
    blames.push({ kind, symbol: s, ms: performance.now() - t0, events: r.events.length });
  }
}
await store.close();

const pct = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))]!;
const events = blames.reduce((sum, b) => sum + b.events, 0);
console.log(`${values.repo} (${store.kind}): ${records.length} records, ${members.length} member paths, ${macros.length} macros with events; ${blames.length} blames, ${events} timeline commits`);
for (const kind of [...Object.keys(sample), 'all']) {
  const xs = blames.filter((b) => kind === 'all' || b.kind === kind).map((b) => b.ms);
  console.log(`  ${kind.padEnd(7)} p50 ${pct(xs, 50).toFixed(1)} ms  p95 ${pct(xs, 95).toFixed(1)} ms  max ${Math.max(...xs).toFixed(1)} ms  (${xs.length})`);
}
const slowest = [...blames].sort((a, b) => b.ms - a.ms).slice(0, 5);
console.log(`  slowest: ${slowest.map((b) => `${b.symbol} ${b.ms.toFixed(0)} ms (${b.events} commits)`).join(', ')}`);

// The whole command, process start and database open included.
const cli = join(import.meta.dirname, '..', 'dist', 'cli', 'main.js');
const walls = [...sample.member.slice(0, 5)].map((s) => {
  const t0 = performance.now();
  const r = spawnSync('node', [cli, s, '--repo', values.repo!, ...(values.db ? ['--db', values.db] : [])], { encoding: 'utf8', env: { ...process.env, DATABASE_URL: '' } });
  if (r.status !== 0) throw new Error(r.stderr);
  return performance.now() - t0;
});
console.log(`  CLI process, start to exit: median ${pct(walls, 50).toFixed(0)} ms over ${walls.length} runs (${ABI_NAMES.length} ABIs)`);
