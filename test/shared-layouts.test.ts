// Records shared by value across ABIs (layout/shared-records.ts): a layout worker holds the records
// of up to 7 ABIs at every commit it keeps, and most of them are the same across those ABIs.
// Whether each record is right is kernel-6.1.test.ts's to check (every ABI against clang, laid out
// in one process, so sharing is in play there too); this file checks that equal records are one
// object, and that records that differ never are.

import { describe, expect, it } from 'vitest';
import { FsTree } from '../src/git/file-tree.js';
import { getAbi } from '../src/layout/abi.js';
import { layoutTree, UnitCache } from '../src/layout/engine.js';
import type { AbiLayout, AbiName } from '../src/layout/model.js';
import { installedTree, missing } from './support/linux.js';

const ABIS: AbiName[] = ['x86_64', 'i386', 'aarch64'];
const skip = missing(ABIS.map((a) => installedTree(getAbi(a).karch)), 'the installed Linux 6.1 headers');

describe.skipIf(skip)('records of several ABIs laid out by one process', () => {
  if (skip) it.skip(skip, () => {});
  const cache = new UnitCache();
  const layouts = new Map<AbiName, AbiLayout>(ABIS.map((abi) => [abi, layoutTree({ tree: new FsTree(installedTree(getAbi(abi).karch)), spec: { kind: 'installed' }, abi, cache })]));
  const key = (s: { header: string; name: string }): string => `${s.header} ${s.name}`;

  it.each([['i386'], ['aarch64']] as const)('x86_64 and %s share the records that are equal, and only those', (abi) => {
    const others = new Map(layouts.get(abi)!.records.map((r) => [key(r), r]));
    let equal = 0;
    let shared = 0;
    let different = 0;
    for (const r of layouts.get('x86_64')!.records) {
      const other = others.get(key(r));
      if (!other) continue;
      if (JSON.stringify(r) === JSON.stringify(other)) {
        equal++;
        if (other === r) shared++;
      } else {
        expect(other, key(r)).not.toBe(r);
        different++;
      }
    }
    expect(equal).toBeGreaterThan(2_000);
    expect(shared).toBe(equal);
    // i386: `long` and pointers are 4 bytes, `__u64` 4-aligned; records with them differ.
    if (abi === 'i386') expect(different).toBeGreaterThan(100);
  });

  it('hold a fraction of the field objects they would hold unshared', () => {
    const all = [...layouts.values()].flatMap((l) => l.records.flatMap((r) => r.fields));
    // Unshared, every field is an object of its own.
    expect(new Set(all).size).toBeLessThan(all.length / 2);
  });
});
