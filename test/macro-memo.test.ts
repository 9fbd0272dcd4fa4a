// The macro value memo (src/layout/macro-memo.ts): a history of edits, each tree laid out from the
// one before with the memo of everything before it, must give every macro the value clang gives
// and the value a fresh engine (no history, no memo) gives. The edits change what a kept value
// depends on one way at a time: a struct's size under an ioctl, a macro of another header, a name
// that was not defined, an enumeration constant, a typedef that turns parentheses into a cast,
// the ioctl field layout; and an edit that changes none of it must be answered from the memo.
// The records come along: an edit of #defines alone keeps them (the unit's tokens are the same).

import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LayoutSpec } from '../src/cpp/profile.js';
import { MemoryTree } from '../src/git/file-tree.js';
import type { AbiName, MacroValue, RecordLayout } from '../src/layout/model.js';
import { toAbiLayout, TreeLayouter, type TreeState } from '../src/layout/tree-state.js';
import { clangValues } from './support/clang.js';
import { hasClang } from './support/linux.js';

const IOC = `#define _IOC_NRBITS 8
#define _IOC_TYPEBITS 8
#define _IOC_SIZEBITS 14
#define _IOC_DIRBITS 2
#define _IOC_NRSHIFT 0
#define _IOC_TYPESHIFT (_IOC_NRSHIFT + _IOC_NRBITS)
#define _IOC_SIZESHIFT (_IOC_TYPESHIFT + _IOC_TYPEBITS)
#define _IOC_DIRSHIFT (_IOC_SIZESHIFT + _IOC_SIZEBITS)
#define _IOC_NONE 0U
#define _IOC_WRITE 1U
#define _IOC_READ 2U
#define _IOC(dir, type, nr, size) (((dir) << _IOC_DIRSHIFT) | ((type) << _IOC_TYPESHIFT) | ((nr) << _IOC_NRSHIFT) | ((size) << _IOC_SIZESHIFT))
#define _IOW(type, nr, size) _IOC(_IOC_WRITE, (type), (nr), (sizeof(size)))
#define _IOR(type, nr, size) _IOC(_IOC_READ, (type), (nr), (sizeof(size)))
`;

const BASE = `#ifndef T_BASE_H
#define T_BASE_H
#define BASE 10
typedef unsigned int u32;
typedef unsigned long long u64;
#endif
`;

const MAIN = `#include <t/ioc.h>
#include <t/base.h>
struct s { u32 a; };
struct other { u64 x; };
enum { E1 = 5 };
#define IOC_S _IOW('x', 1, struct s)
#define IOC_OTHER _IOR('x', 2, struct other)
#define FROM_BASE (BASE + 1)
#define LATER (UNDEF_YET + 1)
#define ENUMV (E1 * 2)
#define CAST ((t_later)-1 + 0)
#define SZ sizeof(struct s)
#define LONGBITS (sizeof(long) * 8)
#define PLAIN 42
#define N_ARR 2
struct arr { u32 v[N_ARR]; };
#define ARR_SZ sizeof(struct arr)
`;

const FILES: Record<string, string> = { 'include/t/ioc.h': IOC, 'include/t/base.h': BASE, 'include/t/main.h': MAIN };
const SPEC: LayoutSpec = { kind: 'custom', include: ['include'], arch: {} };

type Files = Record<string, string>;
const edit = (path: string, from: string, to: string) => (f: Files): Files => {
  if (!f[path]!.includes(from)) throw new Error(`test edit: ${from} not in ${path}`);
  return { ...f, [path]: f[path]!.replace(from, to) };
};

/** Each step: what it changes, the edit, and whether the memo must answer every kept macro. */
const STEPS: [string, (f: Files) => Files][] = [
  ['a struct under an ioctl grows', edit('include/t/main.h', 'struct s { u32 a; };', 'struct s { u32 a; u64 b; };')],
  ['a macro of another header changes', edit('include/t/base.h', '#define BASE 10', '#define BASE 20')],
  ['a name not defined before is defined', edit('include/t/main.h', '#define PLAIN 42', '#define PLAIN 42\n#define UNDEF_YET 3')],
  ['an enumeration constant changes', edit('include/t/main.h', 'enum { E1 = 5 };', 'enum { E1 = 6 };')],
  ['a typedef makes parentheses a cast', edit('include/t/base.h', 'typedef unsigned int u32;', 'typedef unsigned int u32;\ntypedef unsigned char t_later;')],
  ['only an unrelated macro is added', edit('include/t/main.h', '#define PLAIN 42', '#define PLAIN 42\n#define UNRELATED 7')],
  ['only an unrelated struct is added', edit('include/t/main.h', 'struct other { u64 x; };', 'struct other { u64 x; };\nstruct unrelated { u32 z; };')],
  ['a macro sizing an array changes', edit('include/t/main.h', '#define N_ARR 2', '#define N_ARR 3')],
  ['the ioctl layout changes (3 direction bits)', (f) => edit('include/t/ioc.h', '#define _IOC_SIZEBITS 14', '#define _IOC_SIZEBITS 13')(edit('include/t/ioc.h', '#define _IOC_DIRBITS 2', '#define _IOC_DIRBITS 3')(f))],
];

const ABIS: AbiName[] = ['x86_64', 'i386'];

const macrosOf = (state: TreeState): Map<string, MacroValue> =>
  new Map(toAbiLayout(state).macros.filter((m) => m.header === 't/main.h').map((m) => [m.name, m]));
const recordsOf = (state: TreeState): RecordLayout[] => toAbiLayout(state).records;

/** Edits that leave every declaration's tokens as they were: the records are taken, not parsed again. */
const DEFINES_ONLY = new Set([
  'a macro of another header changes', 'a name not defined before is defined', 'only an unrelated macro is added', 'the ioctl layout changes (3 direction bits)',
]);

function writeTree(files: Files): string {
  const root = mkdtempSync(join(tmpdir(), 'abi-blame-macro-memo-'));
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    writeFileSync(join(root, p), text);
  }
  return join(root, 'include');
}

describe('macro value memo across a history of edits', () => {
  it.each(ABIS)('%s: same values as a fresh engine after every edit', (abi) => {
    const layouter = new TreeLayouter(abi, SPEC);
    let files = FILES;
    let state = layouter.compute(new MemoryTree(files)).state;
    for (const [what, change] of STEPS) {
      files = change(files);
      const memo = layouter.macroMemo!;
      const [hits, misses] = [memo.hits, memo.misses];
      const before = state.units.get('t/main.h')!.declarations;
      state = layouter.compute(new MemoryTree(files), state).state;
      const freshState = new TreeLayouter(abi, SPEC, undefined, false).compute(new MemoryTree(files)).state;
      const fresh = macrosOf(freshState);
      expect(macrosOf(state), what).toEqual(fresh);
      expect(recordsOf(state), what).toEqual(recordsOf(freshState));
      // The fingerprint the records are kept under: the same exactly when no declaration changed.
      expect(before, what).toMatch(/^[0-9a-f]{40}$/);
      expect(state.units.get('t/main.h')!.declarations === before, what).toBe(DEFINES_ONLY.has(what));
      expect(fresh.size, what).toBeGreaterThanOrEqual(7);
      if (what.startsWith('only an unrelated')) {
        // Nothing any kept value depends on changed: all answered from the memo (after a new
        // struct, the values that asked the declarations for sizes, casts and enumeration
        // constants get the same answers: kept although the unit's tokens are new).
        expect(memo.misses - misses, what).toBe(0);
        expect(memo.hits - hits, what).toBeGreaterThan(5);
      } else {
        expect(memo.misses - misses, `${what}: something had to be valued again`).toBeGreaterThan(0);
      }
    }
  });

  it.skipIf(!hasClang()).each(ABIS)('%s: the values clang gives, after every edit', async (abi) => {
    const layouter = new TreeLayouter(abi, SPEC);
    let files = FILES;
    let state = layouter.compute(new MemoryTree(files)).state;
    for (const [what, change] of [['the first tree', (f: Files) => f] as const, ...STEPS]) {
      files = change(files);
      state = layouter.compute(new MemoryTree(files), state).state;
      const ours = macrosOf(state);
      const names = [...ours.keys()].filter((n) => !n.startsWith('_'));
      const dirs = [writeTree(files)];
      const clang = await clangValues(abi, dirs, 't/main.h', names);
      expect(names.map((n) => BigInt.asUintN(64, BigInt(ours.get(n)!.value))), what).toEqual(clang);
      // The ioctl fields as the tree's own _IOC_* macros take them apart.
      const ioctls = names.filter((n) => ours.get(n)!.ioctl);
      expect(ioctls, what).toEqual(['IOC_S', 'IOC_OTHER']);
      const sizes = await clangValues(abi, dirs, 't/main.h',
        ioctls.map((n) => `(${n} >> _IOC_SIZESHIFT) & ((1U << _IOC_SIZEBITS) - 1)`));
      expect(ioctls.map((n) => BigInt(ours.get(n)!.ioctl!.size)), what).toEqual(sizes);
    }
  });
});
