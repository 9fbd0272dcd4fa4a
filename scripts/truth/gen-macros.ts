// Macro truth from clang: the value of every object-like macro of linux/kvm.h and asm/kvm.h
// that is an integer constant expression.
//   npx tsx scripts/truth/gen-macros.ts [--abi x86_64,arm|all] [--version 6.1]
// Writes $ABI_BLAME_CACHE/truth/<version>/macros-<abi>.json = [{name, header, value}].
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { AbiName } from '../../src/layout/model.js';
import { TARGETS, cacheDir, firstError, jsonLines, parseAbis, runClang } from './clang-dump.js';
import type { TruthMacro } from './compare.js';

const HEADERS = ['linux/kvm.h', 'asm/kvm.h'];

/** Object-like macros #defined in `headers`, in definition order, from `clang -E -dD`. */
function candidates(preprocessed: string, include: string): { name: string; header: string }[] {
  const out: { name: string; header: string }[] = [];
  let header: string | undefined;
  for (const line of preprocessed.split('\n')) {
    const marker = /^# \d+ "(.*)"/.exec(line);
    if (marker) {
      const h = marker[1]!.startsWith(`${include}/`) ? marker[1]!.slice(include.length + 1) : '';
      header = HEADERS.includes(h) ? h : undefined;
      continue;
    }
    const def = /^#define (\w+)(?=\s|$)/.exec(line); // `NAME(` would be function-like
    if (def && header) out.push({ name: def[1]!, header });
  }
  return out;
}

/** Lines of the TU (1-based, from stdin) that clang reported an error on. */
const errorLines = (stderr: string): Set<number> =>
  new Set([...stderr.matchAll(/^<stdin>:(\d+):\d+: (?:fatal )?error:/gm)].map((m) => Number(m[1])));

async function genAbi(abi: AbiName, outDir: string): Promise<void> {
  const include = join(cacheDir(), 'hdr', TARGETS[abi].arch, 'include');
  if (!existsSync(join(include, 'asm/kvm.h'))) { console.log(`${abi}: no asm/kvm.h, skipped`); return; }
  const base = ['-target', TARGETS[abi].triple, '-nostdinc', '-I', include, '-fno-color-diagnostics'];
  const prelude = HEADERS.map((h) => `#include <${h}>`).join('\n');

  const pp = await runClang([...base, '-E', '-dD'], `${prelude}\n`);
  let macros = candidates(pp.stdout, include);
  const total = macros.length;

  // Integer constant expressions: a file-scope array bound must be one (a foldable non-ICE is
  // only a gnu-folding-constant warning, made an error here). Lines with errors are dropped
  // until clang accepts them all; one macro per line, the prelude taking line 1.
  for (;;) {
    const tu = [prelude.replace(/\n/g, ' '), ...macros.map((m, i) => `char __ice_${i}[(${m.name}) ? 1 : 1];`)].join('\n');
    const run = await runClang([...base, '-fsyntax-only', '-ferror-limit=0', '-Werror=gnu-folding-constant'], `${tu}\n`);
    const bad = errorLines(run.stderr);
    if (bad.size === 0) {
      if (run.code !== 0) throw new Error(`${abi}: clang failed: ${firstError(run.stderr)}`);
      break;
    }
    macros = macros.filter((_, i) => !bad.has(i + 2));
  }

  // Values: widened to unsigned long long, with the sign test telling signed negatives apart.
  const tu = [prelude, ...macros.map((m, i) =>
    `const unsigned long long __v_${i} = (unsigned long long)(${m.name}); const int __s_${i} = (${m.name}) < 0;`)].join('\n');
  const ir = await runClang([...base, '-S', '-emit-llvm', '-o', '-', '-w'], `${tu}\n`);
  if (ir.code !== 0) throw new Error(`${abi}: clang -emit-llvm failed: ${firstError(ir.stderr)}`);
  const consts = new Map([...ir.stdout.matchAll(/^@(__[vs]_\d+) = .*constant i(?:64|32) (-?\d+)/gm)].map((m) => [m[1]!, BigInt(m[2]!)]));
  const out: TruthMacro[] = macros.map((m, i) => {
    const v = consts.get(`__v_${i}`);
    const s = consts.get(`__s_${i}`);
    if (v === undefined || s === undefined) throw new Error(`${abi}: no value for ${m.name} in the IR`);
    // LLVM prints an i64 as signed: reinterpret per the C type's sign.
    return { ...m, value: String(s ? BigInt.asIntN(64, v) : BigInt.asUintN(64, v)) };
  });

  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, `macros-${abi}.json`);
  writeFileSync(file, `${jsonLines(out)}\n`);
  console.log(`${abi}: ${out.length} integer macros of ${total} object-like -> ${file}`);
}

const { values } = parseArgs({ options: { abi: { type: 'string', default: 'all' }, version: { type: 'string', default: '6.1' } } });
for (const abi of parseAbis(values.abi)) await genAbi(abi, join(cacheDir(), 'truth', values.version));
