// Integer constants take their type from the ABI: `1L` is 32 bits on ILP32 and 64 on LP64, so
// `-1L < 0xffffffffU` is 0 on i386 (both convert to unsigned long) and 1 on x86_64; in `#if`
// (intmax_t and uintmax_t for all) it is 0 everywhere.
// The expression evaluator keeps parsed constants across units (src/cpp/expr.ts): valued for one
// ABI after another in one process, each must still get its own ABI's values, as clang gives them.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { layoutTree } from '../src/layout/engine.js';
import { MemoryTree } from '../src/git/file-tree.js';
import type { AbiName } from '../src/layout/model.js';
import { clangValues } from './support/clang.js';
import { hasClang } from './support/linux.js';

const HEADER = `#define LESS (-1L < 0xffffffffU)
#define SUM (0xffffffffU + 1L)
#define HALF ((0xffffffffUL + 1) >> 1)
#define WIDE (4294967296 >> 1)
#if -1L < 0xffffffffU
#define IF_LESS 1
#else
#define IF_LESS 0
#endif
`;
const NAMES = ['LESS', 'SUM', 'HALF', 'WIDE', 'IF_LESS'];
/** ILP32 and LP64 in turn, so that every ABI follows one of the other width. */
const ORDER: AbiName[] = ['i386', 'x86_64', 'arm', 'aarch64', 'ppc32', 'ppc64', 'i386', 'mips64', 'mips'];

describe('integer constants per ABI', () => {
  it.skipIf(!hasClang())('the values clang gives, ABI after ABI in one process', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'abi-blame-int-constants-'));
    writeFileSync(join(dir, 'consts.h'), HEADER);
    const tree = new MemoryTree({ 'consts.h': HEADER });
    const values = new Map<AbiName, string[]>();
    try {
      for (const abi of ORDER) {
        const macros = layoutTree({ tree, spec: { kind: 'custom', include: [''], arch: {} }, abi }).macros;
        const ours = NAMES.map((n) => macros.find((m) => m.name === n)?.value);
        const clang = await clangValues(abi, [dir], 'consts.h', NAMES);
        expect(ours, abi).not.toContain(undefined);
        expect(ours.map((v) => BigInt.asUintN(64, BigInt(v!))), abi).toEqual(clang);
        values.set(abi, ours as string[]);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    // Not a test that passes whatever the width: the ABIs do differ.
    expect(values.get('i386')).not.toEqual(values.get('x86_64'));
  });
});
