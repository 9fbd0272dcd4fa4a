// Done-means of the layout engine, on the whole Linux 6.1 uapi for all 13 ABIs:
// 1. every record clang 14 lays out from the installed headers has our size, alignment and
//    member offsets (bit offsets and widths for bit-fields);
// 2. the raw source tree read with the kernel preset gives the same answers as the installed tree;
// 3. every integer macro of linux/kvm.h and asm/kvm.h equals clang's value.

import { describe, expect, it } from 'vitest';
import { layoutTree, UnitCache } from '../src/layout/engine.js';
import { FsTree } from '../src/git/file-tree.js';
import { getAbi } from '../src/layout/abi.js';
import { ABI_NAMES, type AbiLayout } from '../src/layout/model.js';
import { compareLayouts, compareMacros } from '../scripts/truth/compare.js';
import { installedTree, LINUX_SRC, layoutTruthPath, missing, readLayoutTruth, readMacroTruth } from './support/linux.js';

const skip = missing([LINUX_SRC, ...ABI_NAMES.map(layoutTruthPath)], 'Linux 6.1 and its clang truth');
const cache = new UnitCache();

/**
 * Syscall numbers are generated at build time from syscall tables (asm/unistd_64.h,
 * asm/unistd-eabi.h), so a source tree cannot give them (nor macros built on them).
 */
const generated = (m: { header: string; name: string }): boolean => /^asm\/unistd[-_][\w-]+\.h$/.test(m.header) || m.name.startsWith('__NR_');

describe.skipIf(skip)('Linux 6.1, every ABI', () => {
  if (skip) it.skip(skip, () => {});

  it.each([...ABI_NAMES])('%s: installed headers match clang; kernel preset matches installed', (abi) => {
    const karch = getAbi(abi).karch;
    const installed = layoutTree({ tree: new FsTree(installedTree(karch)), spec: { kind: 'installed' }, abi, cache });
    const truth = readLayoutTruth(abi);

    const c = compareLayouts(truth, installed);
    expect(c.mismatches).toEqual([]);
    // A record we decline must be one clang could only lay out by error recovery (its header
    // fails to compile), and we must say why we declined it.
    const failed = new Set((truth.failedHeaders ?? []).map((f) => f.header));
    for (const m of c.missing) {
      expect(failed.has(m.header), `${m.header} ${m.name} missing but its header compiles`).toBe(true);
      expect(installed.diagnostics.some((d) => d.header === m.header && d.message.includes(m.name))).toBe(true);
    }
    expect(c.checkedRecords).toBeGreaterThan(4000);
    expect(c.missing.length).toBeLessThan(10);

    const macroTruth = readMacroTruth(abi);
    if (macroTruth) {
      const mc = compareMacros(macroTruth, installed.macros);
      expect(mc.mismatches).toEqual([]);
      expect(mc.missing).toEqual([]);
      expect(mc.checked).toBeGreaterThan(300);
    }

    const kernel = layoutTree({ tree: new FsTree(LINUX_SRC), spec: { kind: 'kernel' }, abi, cache });
    expectSameAnswers(kernel, installed);
  });
});

function expectSameAnswers(kernel: AbiLayout, installed: AbiLayout): void {
  const key = (r: { header: string; name: string }): string => `${r.header} ${r.name}`;
  const kernelRecords = new Map(kernel.records.map((r) => [key(r), r]));
  for (const r of installed.records) expect(kernelRecords.get(key(r)), key(r)).toEqual(r);
  expect(kernel.records.length).toBe(installed.records.length);
  const kernelMacros = new Map(kernel.macros.map((m) => [key(m), m]));
  for (const m of installed.macros) {
    const k = kernelMacros.get(key(m));
    if (k === undefined && generated(m)) continue;
    expect(k, key(m)).toEqual(m);
  }
}
