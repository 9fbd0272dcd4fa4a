// Running `abi-blame index` in tests: the built CLI on clones of the corpus bundles, and the
// database contents as a canonical dump.

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../src/store/db.js';
import { canonicalDump } from '../../src/store/queries.js';
import { SHARED } from './linux.js';

const CLI = join(import.meta.dirname, '..', '..', 'dist', 'cli', 'main.js');
const CORPUS = join(SHARED, 'corpus');

export const LAYOUTS = {
  'kvmtool-uapi': { include: ['include'], arch: { x86: ['x86/include'], arm64: ['arm/aarch64/include'], arm: ['arm/aarch32/include'], powerpc: ['powerpc/include'], mips: ['mips/include'], riscv: ['riscv/include'] } },
  'kernel-headers': { include: ['generic/include'], arch: { x86: ['x86/include'], arm64: ['arm64/include'], arm: ['arm/include'], riscv: ['riscv/include'], s390: ['s390/include'], powerpc: ['powerpc/include'], mips: ['mips/include'] } },
};

export function indexCli(args: string[], env: Record<string, string> = {}) {
  return spawnSync('node', [CLI, 'index', ...args], { encoding: 'utf8', env: { ...process.env, DATABASE_URL: '', ...env } });
}

export function cloneBundle(name: string): string {
  const dir = join(mkdtempSync(join(tmpdir(), `abi-blame-${name}-`)), `${name}.git`);
  execFileSync('git', ['clone', '-q', '--bare', join(CORPUS, `${name}.bundle`), dir]);
  return dir;
}

export function layoutFile(layout: unknown): string {
  const f = join(mkdtempSync(join(tmpdir(), 'abi-blame-layout-')), 'layout.json');
  writeFileSync(f, JSON.stringify(layout));
  return f;
}

export async function dump(opts: { url?: string; pgliteDir?: string }): Promise<string> {
  const s = await openStore(opts);
  try {
    return await canonicalDump(s.db);
  } finally {
    await s.close();
  }
}

