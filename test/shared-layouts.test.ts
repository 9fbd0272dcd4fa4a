// Records shared by value across ABIs (layout/shared-records.ts): a layout worker holds the records
// of up to 7 ABIs at every commit it keeps, and most of them are the same across those ABIs.
// Whether each record is right is kernel-6.1.test.ts's to check (every ABI against clang, laid out
// in one process, so sharing is in play there too); this file checks that equal records are one
// object, and that records that differ never are.

import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { FsTree } from '../src/git/file-tree.js';
import { getAbi } from '../src/layout/abi.js';
import { layoutTree, UnitCache } from '../src/layout/engine.js';
import type { AbiLayout, AbiName, RecordLayout } from '../src/layout/model.js';
import { sharedRecord } from '../src/layout/shared-records.js';
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

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

it('keeps a few versions of each record alive, not every version a history made', async () => {
  // 200 versions of 50 records, as a history that keeps adding members would make them.
  const record = (n: number, version: number): RecordLayout => ({
    kind: 'struct', name: `r${n}`, header: 'linux/shared-test.h', size: 8 * (version + 1), align: 8,
    fields: Array.from({ length: version + 1 }, (_, i) => ({ path: `m${i}`, offset: 8 * i, size: 8, type: '__u64' })),
  });
  const made: WeakRef<RecordLayout>[] = [];
  for (let version = 0; version < 200; version++) for (let n = 0; n < 50; n++) made.push(new WeakRef(sharedRecord(record(n, version))));
  // The one that matters: an equal record made again is the one kept.
  const again = record(7, 199);
  expect(sharedRecord(again)).not.toBe(again);
  expect(sharedRecord(again)).toEqual(again);
  // WeakRefs hold their targets to the end of the current job.
  await new Promise((resolve) => setTimeout(resolve, 0));
  gc();
  const alive = made.filter((r) => r.deref() !== undefined).length;
  // 16 kept per name were 800 alive here (measured on the code that kept them); 4 are 200.
  expect(alive).toBeLessThanOrEqual(50 * 4);
  expect(alive).toBeGreaterThanOrEqual(50);
});
