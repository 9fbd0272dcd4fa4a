// Where the tests find Linux 6.1 and clang's truth about it (made by scripts/prepare-linux.sh).
// Absent, tests that need them skip with the reason, unless ABI_BLAME_REQUIRE_TRUTH is set
// (scripts/test.sh sets it), where absence is a failure.

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import type { LayoutTruth, TruthMacro } from '../../scripts/truth/compare.js';

export const CACHE = process.env.ABI_BLAME_CACHE ?? join(homedir(), '.cache', 'abi-blame');
export const LINUX_SRC = join(CACHE, 'linux-source-6.1');
export const installedTree = (karch: string): string => join(CACHE, 'hdr', karch);
export const SHARED = join(import.meta.dirname, '..', '..', '..', 'shared');

const required = process.env.ABI_BLAME_REQUIRE_TRUTH === '1';

/** undefined when everything is there; otherwise why not (and throws if it is required). */
export function missing(paths: string[], what: string): string | undefined {
  const absent = paths.filter((p) => !existsSync(p));
  if (absent.length === 0) return undefined;
  const why = `${what} not prepared (${absent[0]} is missing): run scripts/prepare-linux.sh`;
  if (required) throw new Error(why);
  return why;
}

/** The files under `dirs` of `root`, and the single `files`, as path -> text (for a MemoryTree). */
export function readTree(root: string, dirs: string[], files: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string): void => {
    for (const name of readdirSync(join(root, rel))) {
      const r = `${rel}/${name}`;
      if (statSync(join(root, r)).isDirectory()) walk(r);
      else out[r] = readFileSync(join(root, r), 'latin1');
    }
  };
  for (const d of dirs) walk(d);
  for (const f of files) out[f] = readFileSync(join(root, f), 'latin1');
  return out;
}

export function hasClang(): boolean {
  try {
    execFileSync('clang', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    if (required) throw new Error('clang is required (scripts/prepare-linux.sh installs it)');
    return false;
  }
}

export const layoutTruthPath = (abi: string): string => join(CACHE, 'truth', '6.1', `${abi}.json`);
export const macroTruthPath = (abi: string): string => join(CACHE, 'truth', '6.1', `macros-${abi}.json`);

export function readLayoutTruth(abi: string): LayoutTruth {
  return JSON.parse(readFileSync(layoutTruthPath(abi), 'utf8')) as LayoutTruth;
}
export function readMacroTruth(abi: string): TruthMacro[] | undefined {
  return existsSync(macroTruthPath(abi)) ? (JSON.parse(readFileSync(macroTruthPath(abi), 'utf8')) as TruthMacro[]) : undefined;
}
