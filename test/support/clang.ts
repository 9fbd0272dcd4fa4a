// Asking clang 14 itself, inside a test: record layouts and integer values of expressions.

import { layoutFileRecords, runClang, TARGETS, type TruthRecord } from '../../scripts/truth/clang-dump.js';
import type { AbiName } from '../../src/layout/model.js';

const targetArgs = (abi: AbiName, includeDirs: string[]): string[] =>
  ['-target', TARGETS[abi].triple, '-nostdinc', ...includeDirs.flatMap((d) => ['-I', d])];

/** Every record `file` (reached as `#include <header>`) defines, as clang lays it out. */
export async function clangRecords(abi: AbiName, includeDirs: string[], header: string, file: string): Promise<TruthRecord[]> {
  const r = await layoutFileRecords(targetArgs(abi, includeDirs), `#include <${header}>\n`, file, header, '');
  return r.records;
}

/** The value of each expression after `#include <header>`, as clang compiles it (unsigned 64-bit). */
export async function clangValues(abi: AbiName, includeDirs: string[], header: string, exprs: string[]): Promise<bigint[]> {
  const src = [`#include <${header}>`, ...exprs.map((e, i) => `const unsigned long long __v${i} = (unsigned long long)(${e});`)].join('\n');
  const r = await runClang([...targetArgs(abi, includeDirs), '-S', '-emit-llvm', '-o', '-', '-w'], src);
  if (r.code !== 0) throw new Error(`clang failed: ${r.stderr.split('\n')[0]}`);
  return exprs.map((_, i) => {
    const m = new RegExp(`^@__v${i} = .*constant i64 (-?\\d+)`, 'm').exec(r.stdout);
    if (!m) throw new Error(`no value for ${exprs[i]}`);
    return BigInt.asUintN(64, BigInt(m[1]!));
  });
}

/** clang's first error for a translation unit `#include <header>`, if any. */
export async function clangError(abi: AbiName, includeDirs: string[], header: string): Promise<string | undefined> {
  const r = await runClang([...targetArgs(abi, includeDirs), '-fsyntax-only', '-fno-color-diagnostics'], `#include <${header}>\n`);
  return /error: .*$/m.exec(r.stderr)?.[0];
}
