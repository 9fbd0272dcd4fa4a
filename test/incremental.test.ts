// A tree laid out from its parent's state must equal the same tree laid out from scratch, and
// the symbols the update says it touched must include every symbol that differs.

import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { MemoryTree } from '../src/git/file-tree.js';
import { CommitTree, type FileChange } from '../src/indexer/commit-tree.js';
import { toAbiLayout, touchedSymbols, TreeLayouter, type TreeState } from '../src/layout/tree-state.js';
import { UnitCache } from '../src/layout/unit-cache.js';
import type { AbiLayout, AbiName } from '../src/layout/model.js';
import { LINUX_SRC, missing, readTree } from './support/linux.js';

const skip = missing([LINUX_SRC], 'Linux 6.1 source');

const symbolKeys = (l: AbiLayout): Map<string, string> => new Map([
  ...l.records.map((r) => [`r ${r.header} ${r.name}`, JSON.stringify(r)] as const),
  ...l.macros.map((m) => [`m ${m.header} ${m.name}`, JSON.stringify(m)] as const),
]);

describe.skipIf(skip)('incremental layout of a changed tree', () => {
  if (skip) it.skip(skip, () => {});
  const base = skip ? {} : readTree(LINUX_SRC, ['include/uapi', 'arch/x86/include/uapi', 'arch/s390/include/uapi'], ['Makefile']);
  const edit = (path: string, f: (s: string) => string): Record<string, string> => ({ ...base, [path]: f(base[path]!) });
  const without = (path: string): Record<string, string> => Object.fromEntries(Object.entries(base).filter(([p]) => p !== path));

  const changes: [string, Record<string, string>][] = [
    ['a member added to kvm_run.system_event', edit('include/uapi/linux/kvm.h', (s) => s.replace('__u32 ndata;', '__u32 ndata;\n\t\t\t__u32 extra;'))],
    ['a macro changed in asm/kvm.h', edit('arch/x86/include/uapi/asm/kvm.h', (s) => s.replace(/#define KVM_NR_INTERRUPTS 256/, '#define KVM_NR_INTERRUPTS 512'))],
    ['a new header', { ...base, 'include/uapi/linux/zz_new.h': '#include <linux/types.h>\nstruct zz { __u64 a; };\n#define ZZ_SIZE sizeof(struct zz)\n' }],
    ['a header removed', without('include/uapi/linux/vfio.h')],
    ['linux/types.h changed', edit('include/uapi/linux/types.h', (s) => s.replace('#endif /*  __ASSEMBLY__ */', '#define __ABI_BLAME_NEW 7\n#endif /*  __ASSEMBLY__ */'))],
    ['an asm header shadowing a generic wrapper', { ...base, 'arch/x86/include/uapi/asm/termbits.h': '#include <asm-generic/termbits.h>\n#define X86_ONLY 1\n' }],
    ['a missing include appears', { ...base, 'include/uapi/linux/stddef2.h': '#define STDDEF2 1\n' }],
    // linux/version.h is made from the Makefile: its text changes without a header changing.
    ['the Makefile\'s version changed', edit('Makefile', (s) => s.replace(/^SUBLEVEL = \d+$/m, 'SUBLEVEL = 77'))],
  ];

  // The last: a token cache far smaller than the tree, so every unit it reads again was dropped
  // (and its include memo with it) and is tokenized anew.
  it.each([
    ['x86_64', 'x86_64'], ['i386', 'i386'], ['s390x', 's390x'], ['x86_64, a token cache of 20,000 tokens', 'x86_64', 20_000],
  ] as [string, AbiName, number?][])('%s', (_, abi, maxTokens) => {
    const cache = new UnitCache(maxTokens);
    const layouter = new TreeLayouter(abi, { kind: 'kernel' }, cache);
    const before: TreeState = layouter.compute(new MemoryTree(base)).state;
    const beforeLayout = symbolKeys(toAbiLayout(before));
    for (const [what, files] of changes) {
      const tree = new MemoryTree(files);
      const update = layouter.compute(tree, before);
      // A cache of its own: one shared with the update could hand both the same stale tokens.
      const fromScratch = toAbiLayout(new TreeLayouter(abi, { kind: 'kernel' }).compute(tree).state);
      expect(toAbiLayout(update.state), what).toEqual(fromScratch);
      expect(update.recomputed.size, what).toBeLessThan(before.units.size);

      const touched = touchedSymbols(before, update);
      const touchedKeys = new Set([...touched.records.map(([h, n]) => `r ${h} ${n}`), ...touched.macros.map(([h, n]) => `m ${h} ${n}`)]);
      const after = symbolKeys(fromScratch);
      const differing = [...new Set([...beforeLayout.keys(), ...after.keys()])].filter((k) => beforeLayout.get(k) !== after.get(k));
      // x86 edits change nothing for s390x (and the update must see that too).
      const x86Only = /asm\/kvm\.h|asm header/.test(what);
      if (abi === 's390x' && x86Only) expect(differing, what).toEqual([]);
      else expect(differing.length, what).toBeGreaterThan(0);
      for (const k of differing) expect(touchedKeys.has(k), `${what}: ${k}`).toBe(true);
      // And no symbol that exists and is the same: what a recomputed unit found as before is not
      // touched (else an edit of a widely included header touches every symbol of its includers).
      // A removed header's macros with no value (strings) exist on neither side: no matter.
      const same = [...touchedKeys].filter((k) => !differing.includes(k) && (beforeLayout.has(k) || after.has(k)));
      expect(same, what).toEqual([]);
    }
  });

  // The indexer's trees: a commit's tree is its parent's with the changes applied, and the
  // layouter is told which paths those are (edits of headers then cost what they change).
  it.each(['x86_64', 'i386'] as AbiName[])('%s, from the changed paths of a commit tree', (abi) => {
    const file = (path: string, text: string): FileChange => ({ path, file: { text, id: createHash('sha1').update(text).digest('hex') } });
    const diff = (a: Record<string, string>, b: Record<string, string>): FileChange[] => [
      ...Object.entries(b).filter(([p, t]) => a[p] !== t).map(([p, t]) => file(p, t)),
      ...Object.keys(a).filter((p) => !(p in b)).map((p) => ({ path: p, file: null })),
    ];
    const layouter = new TreeLayouter(abi, { kind: 'kernel' }, new UnitCache());
    const baseTree = CommitTree.empty().apply(diff({}, base));
    const before = layouter.compute(baseTree).state;
    let fastPaths = 0;
    for (const [what, files] of changes) {
      const changed = diff(base, files);
      const tree = baseTree.apply(changed);
      const update = layouter.compute(tree, before, { changed: CommitTree.changedPaths(tree, changed) });
      // Header edits keep the header map: the update starts from the parent's contents and units.
      if (update.state.map === before.map) fastPaths++;
      const fromScratch = toAbiLayout(new TreeLayouter(abi, { kind: 'kernel' }).compute(new MemoryTree(files)).state);
      expect(toAbiLayout(update.state), what).toEqual(fromScratch);
      expect([...update.state.units.keys()], what).toEqual([...new TreeLayouter(abi, { kind: 'kernel' }).compute(tree).state.units.keys()]);
    }
    expect(fastPaths).toBe(3); // kvm.h, asm/kvm.h and linux/types.h edited
  });
});
