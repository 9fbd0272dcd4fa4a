// `abi-blame layout --tree DIR --abi LIST [--layout kernel|installed|FILE] --json`

import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { detectLayout, parseLayoutSpec, ProfileError, type LayoutSpec } from '../cpp/profile.js';
import { FsTree } from '../git/file-tree.js';
import { layoutAbis, layoutAbisJson } from '../layout/pool.js';
import type { AbiLayout } from '../layout/model.js';
import { parseAbiList } from './abi-list.js';
import { fail } from './errors.js';

export interface LayoutOptions { tree: string; abi: string; layout?: string; json?: boolean; header?: string[]; jobs?: string }

export function resolveLayoutSpec(tree: FsTree, layout: string | undefined): LayoutSpec {
  if (layout === 'kernel' || layout === 'installed') return { kind: layout };
  if (layout !== undefined) {
    let text: string;
    try {
      text = readFileSync(layout, 'utf8');
    } catch {
      fail(`--layout ${layout}: not 'kernel', 'installed' or a readable JSON file`);
    }
    try {
      return parseLayoutSpec(text, layout);
    } catch (e) {
      if (e instanceof ProfileError) fail(e.message);
      throw e;
    }
  }
  const detected = detectLayout(tree);
  if (!detected) fail(`${tree.root}: neither a kernel source tree (include/uapi, arch/) nor an installed header tree (include/linux); give --layout`);
  return detected;
}

export async function layoutCommand(opts: LayoutOptions): Promise<void> {
  const tree = new FsTree(opts.tree);
  if (!tree.isDir('')) fail(`--tree ${opts.tree}: no such directory`);
  const abis = parseAbiList(opts.abi);
  const spec = resolveLayoutSpec(tree, opts.layout);
  const workers = opts.jobs ? Number(opts.jobs) : availableParallelism();
  if (!Number.isInteger(workers) || workers < 1) fail(`--jobs ${opts.jobs}: expected a positive integer`);
  const req = { root: opts.tree, spec, abis, only: opts.header, workers };
  if (opts.json) await layoutAbisJson(req, (line) => process.stdout.write(`${line}\n`));
  else await layoutAbis(req, (r) => process.stdout.write(summary(r)));
}

function summary(r: AbiLayout): string {
  const lines = [`${r.abi}: ${r.records.length} records, ${r.macros.length} integer macros, ${r.diagnostics.length} diagnostics`];
  for (const rec of r.records) lines.push(`  ${rec.kind} ${rec.name} (${rec.header}): size ${rec.size}, align ${rec.align}`);
  for (const d of r.diagnostics) lines.push(`  ${d.header}:${d.line}: ${d.message}`);
  return `${lines.join('\n')}\n`;
}
