// Benchmark: how long one ABI takes to lay out a tree after a one-line edit of linux/kvm.h, from
// the state before the edit (what the indexer does per commit), with and without the macro value
// memo (src/layout/macro-memo.ts).
//   npx tsx scripts/bench-unit-edit.ts [--repo DIR] [--rev REV] [--abi x86_64] [--edits 40]
// The tree is REV of the synthetic repository (default: its tip, whose linux/kvm.h has grown to
// thousands of macros); each edit adds a `#define` before the first KVM_CAP_SYNTH_ one.

import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { MemoryTree } from '../src/git/file-tree.js';
import type { AbiName } from '../src/layout/model.js';
import { TreeLayouter } from '../src/layout/tree-state.js';
import { cacheDir } from './truth/clang-dump.js';

const { values } = parseArgs({ options: {
  repo: { type: 'string', default: join(cacheDir(), 'synthetic-1m.git') },
  rev: { type: 'string', default: 'HEAD' }, abi: { type: 'string', default: 'x86_64' }, edits: { type: 'string', default: '40' },
} });
const git = (args: string[], input?: string): Buffer => execFileSync('git', ['--git-dir', values.repo, ...args], { input, maxBuffer: 1 << 30 });

// The uapi tree of REV for the ABI's architecture (x86 and the generic headers are enough for x86_64).
const paths = ['include/uapi', 'arch/x86/include/uapi', 'Makefile'];
const entries = git(['ls-tree', '-r', values.rev, '--', ...paths]).toString().trim().split('\n').map((l) => l.split(/\s+/));
const blobs = entries.filter((e) => e[1] === 'blob');
const out = git(['cat-file', '--batch'], blobs.map((e) => e[2]).join('\n') + '\n');
const files: Record<string, string> = {};
let pos = 0;
for (const e of blobs) {
  const nl = out.indexOf(10, pos);
  const size = Number(out.subarray(pos, nl).toString().split(' ')[2]);
  files[e[3]!] = out.subarray(nl + 1, nl + 1 + size).toString('latin1');
  pos = nl + 1 + size + 1;
}
const KVM = 'include/uapi/linux/kvm.h';
const anchor = '#define KVM_CAP_SYNTH_';
if (!files[KVM]?.includes(anchor)) throw new Error(`${values.rev}: no ${anchor} in ${KVM}`);

for (const memo of [false, true]) {
  const layouter = new TreeLayouter(values.abi as AbiName, { kind: 'kernel' });
  if (!memo) (layouter as { macroMemo?: unknown }).macroMemo = undefined;
  let state = layouter.compute(new MemoryTree(files)).state;
  let tree = files;
  let ms = 0;
  for (let i = 0; i < Number(values.edits); i++) {
    tree = { ...tree, [KVM]: tree[KVM]!.replace(anchor, `#define KVM_BENCH_EDIT_${i} ${i}\n${anchor}`) };
    const t0 = performance.now();
    state = layouter.compute(new MemoryTree(tree), state).state;
    ms += performance.now() - t0;
  }
  console.log(`${values.abi}, macro memo ${memo ? 'on ' : 'off'}: ${(ms / Number(values.edits)).toFixed(1)} ms per edit of ${KVM}`);
}
