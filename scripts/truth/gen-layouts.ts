// Layout truth from clang for every record defined by every installed uapi header.
//   npx tsx scripts/truth/gen-layouts.ts [--abi x86_64,arm|all] [--jobs 3] [--version 6.1]
// Reads $ABI_BLAME_CACHE/hdr/<arch>/include (`make headers_install`), writes
// $ABI_BLAME_CACHE/truth/<version>/<abi>.json = {abi, records, failedHeaders}.
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { AbiName } from '../../src/layout/model.js';
import { TARGETS, cacheDir, jsonLines, layoutFileRecords, mapPool, parseAbis, type TruthRecord } from './clang-dump.js';

/** Every `*.h` under `dir`, as include paths (`linux/kvm.h`), sorted. */
function listHeaders(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.h'))
    .map((f) => f.split('\\').join('/'))
    .sort();
}

interface FailedHeader { header: string; firstError: string }

async function genAbi(abi: AbiName, jobs: number, outDir: string): Promise<FailedHeader[]> {
  const started = Date.now();
  const include = join(cacheDir(), 'hdr', TARGETS[abi].arch, 'include');
  const args = ['-target', TARGETS[abi].triple, '-nostdinc', '-I', include];
  const headers = listHeaders(include);
  const records: TruthRecord[] = [];
  const failedHeaders: FailedHeader[] = [];
  let defined = 0;
  let done = 0;
  const results = await mapPool(headers, jobs, async (header) => {
    const r = await layoutFileRecords(args, `#include <${header}>\n`, join(include, header), header, `${include}/`);
    if (++done % 100 === 0) process.stderr.write(`  ${abi}: ${done}/${headers.length} headers\n`);
    return { header, ...r };
  });
  for (const r of results) {
    records.push(...r.records);
    defined += r.defined.length;
    if (r.error) failedHeaders.push({ header: r.header, firstError: r.error.replaceAll(`${include}/`, '') });
  }
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, `${abi}.json`), `${jsonLines({ abi, failedHeaders, records })}\n`);
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`${abi}: ${records.length} records (${defined - records.length} defined but not laid out), `
    + `${headers.length} headers, ${failedHeaders.length} with errors, ${secs}s -> ${join(outDir, `${abi}.json`)}`);
  return failedHeaders;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { abi: { type: 'string', default: 'all' }, jobs: { type: 'string', default: '3' }, version: { type: 'string', default: '6.1' } },
  });
  const outDir = join(cacheDir(), 'truth', values.version);
  const abis = parseAbis(values.abi);
  const failedOn = new Map<string, { abis: AbiName[]; firstError: string }>();
  for (const abi of abis) {
    for (const f of await genAbi(abi, Number(values.jobs), outDir)) {
      const entry = failedOn.get(f.header) ?? { abis: [], firstError: f.firstError };
      entry.abis.push(abi);
      failedOn.set(f.header, entry);
    }
  }
  // Mostly headers that need libc (<sys/socket.h>, <sys/time.h>, ...), which -nostdinc hides.
  console.log(`\nheaders with errors (${failedOn.size}):`);
  for (const [header, { abis: on, firstError }] of failedOn) {
    console.log(`  ${header}${on.length === abis.length ? '' : ` [${on.join(',')}]`}: ${firstError}`);
  }
}

await main();
