// Benchmark (npm run bench:layout): the engine on the whole Linux 6.1 source tree for 13 ABIs
// against clang -fsyntax-only over the installed x86 headers for one ABI, in one run.
// Needs scripts/prepare-linux.sh and a build (npm run build).

import { spawn, spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { cacheDir, mapPool } from './truth/clang-dump.js';

const cache = cacheDir();
const src = join(cache, 'linux-source-6.1');
const x86 = join(cache, 'hdr', 'x86', 'include');
const jobs = availableParallelism();

function timeCommand(cmd: string, args: string[]): { seconds: number; peakMiB: number } {
  const t0 = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', cmd, ...args], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr}`);
  const kb = Number(r.stderr.trim().split('\n').pop());
  return { seconds, peakMiB: kb / 1024 };
}

function clang(header: string): Promise<void> {
  return new Promise((resolve) => {
    const c = spawn('clang', ['-target', 'x86_64-linux-gnu', '-nostdinc', '-I', x86, '-fsyntax-only', '-w', '-x', 'c', '-'], { stdio: ['pipe', 'ignore', 'ignore'] });
    c.on('close', () => resolve());
    c.stdin.end(`#include <${header}>\n`);
  });
}

const headers = readdirSync(x86, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.h')).sort();
const cli = join(import.meta.dirname, '..', 'dist', 'cli', 'main.js');

console.log(`machine: ${jobs} cores; ${headers.length} installed x86 headers; Linux 6.1 source at ${src}`);
const t0 = performance.now();
await mapPool(headers, jobs, clang);
const clangSeconds = (performance.now() - t0) / 1000;
console.log(`clang -fsyntax-only, x86_64, ${headers.length} headers, ${jobs} jobs: ${clangSeconds.toFixed(2)} s`);

const one = timeCommand('node', [cli, 'layout', '--tree', join(cache, 'hdr', 'x86'), '--abi', 'x86_64', '--json']);
console.log(`abi-blame layout, installed x86 tree, x86_64: ${one.seconds.toFixed(2)} s, peak ${one.peakMiB.toFixed(0)} MiB`);
const all = timeCommand('node', [cli, 'layout', '--tree', src, '--abi', 'all', '--json']);
console.log(`abi-blame layout, 6.1 source tree, 13 ABIs, ${jobs} workers: ${all.seconds.toFixed(2)} s, peak ${all.peakMiB.toFixed(0)} MiB`);
console.log(`per ABI: clang ${clangSeconds.toFixed(2)} s vs abi-blame ${(all.seconds / 13).toFixed(3)} s (13-ABI run) = ${(clangSeconds / (all.seconds / 13)).toFixed(1)}x; single-ABI run ${(clangSeconds / one.seconds).toFixed(1)}x`);
