// Benchmark: how long one ABI takes to lay out a tree after a one-line edit of linux/kvm.h, from
// the state before the edit (what the indexer does per commit), with and without the macro value
// memo (src/layout/macro-memo.ts).
//   npx tsx scripts/bench-unit-edit.ts [--repo DIR] [--rev REV] [--abi x86_64] [--edits 40]
// The tree is REV of the synthetic repository (default: its tip, whose linux/kvm.h has grown to
// thousands of macros); each edit adds a `#define` before the first KVM_CAP_SYNTH_ one.

import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openBlobReader } from '../src/git/blobs.js';
import { GitRepo } from '../src/git/repo.js';
import { CommitTree, withTexts } from '../src/indexer/commit-tree.js';
import type { AbiName } from '../src/layout/model.js';
import { TreeLayouter } from '../src/layout/tree-state.js';
import { cacheDir } from './truth/clang-dump.js';

const { values } = parseArgs({ options: {
  repo: { type: 'string', default: join(cacheDir(), 'synthetic-1m.git') },
  rev: { type: 'string', default: 'HEAD' }, abi: { type: 'string', default: 'x86_64' }, edits: { type: 'string', default: '40' },
} });

// REV's headers read as the indexer reads a commit (x86 and the generic headers are enough for
// x86_64), and each edit applied to it as the indexer applies a commit's changes.
const repo = await GitRepo.open(values.repo);
const blobs = await openBlobReader(repo.gitDir, 'cat-file');
const sha = (await repo.resolveRefs([values.rev]))[0]!.sha;
const base = CommitTree.empty().apply(await withTexts(blobs, await repo.changedPaths(sha, undefined, ['include/uapi', 'arch/x86/include/uapi', 'Makefile'])));
await blobs.close();
const KVM = 'include/uapi/linux/kvm.h';
const anchor = '#define KVM_CAP_SYNTH_';
const kvm = base.read(KVM)?.text;
if (!kvm?.includes(anchor)) throw new Error(`${values.rev}: no ${anchor} in ${KVM}`);

for (const memo of [false, true]) {
  const layouter = new TreeLayouter(values.abi as AbiName, { kind: 'kernel' });
  if (!memo) (layouter as { macroMemo?: unknown }).macroMemo = undefined;
  let state = layouter.compute(base).state;
  let tree = base;
  let text = kvm;
  let ms = 0;
  for (let i = 0; i < Number(values.edits); i++) {
    text = text.replace(anchor, `#define KVM_BENCH_EDIT_${i} ${i}\n${anchor}`);
    tree = tree.apply([{ path: KVM, file: { text, id: `bench-edit-${i}` } }]);
    const t0 = performance.now();
    state = layouter.compute(tree, state).state;
    ms += performance.now() - t0;
  }
  console.log(`${values.abi}, macro memo ${memo ? 'on ' : 'off'}: ${(ms / Number(values.edits)).toFixed(1)} ms per edit of ${KVM}`);
}
