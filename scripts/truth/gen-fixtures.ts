// Expected layouts of the feature fixtures test/c/*.c, from clang, for all 13 ABIs.
//   npx tsx scripts/truth/gen-fixtures.ts [file.c ...]
// Writes test/c/<name>.expected.json = {"<abi>": TruthRecord[]} (header = the file name).
// Every struct/union (and typedef'd untagged record) the file defines is laid out.
import { readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ABI_NAMES } from '../../src/layout/model.js';
import { TARGETS, jsonLines, layoutFileRecords, mapPool, type TruthRecord } from './clang-dump.js';

const dir = resolve(import.meta.dirname, '../../test/c');
const files = process.argv.length > 2
  ? process.argv.slice(2).map((f) => f.replace(/^.*\//, ''))
  : readdirSync(dir).filter((f) => f.endsWith('.c')).sort();

for (const file of files) {
  const perAbi = await mapPool([...ABI_NAMES], 3, async (abi) => {
    const args = ['-target', TARGETS[abi].triple, '-nostdinc', '-I', dir];
    const r = await layoutFileRecords(args, `#include <${file}>\n`, join(dir, file), file, `${dir}/`);
    // Fixtures must compile everywhere: an error would silently drop records.
    if (r.error) throw new Error(`${file} (${abi}): ${r.error}`);
    if (r.records.length !== r.defined.length) throw new Error(`${file} (${abi}): clang laid out ${r.records.length} of ${r.defined.length} records`);
    return [abi, r.records] as const;
  });
  const expected: Record<string, TruthRecord[]> = Object.fromEntries(perAbi);
  writeFileSync(join(dir, file.replace(/\.c$/, '.expected.json')), `${jsonLines(expected)}\n`);
  console.log(`${file}: ${perAbi.map(([abi, recs]) => `${abi} ${recs.length}`).join(', ')}`);
}
