// The diff report as SARIF 2.1.0, for CI annotations (GitHub code scanning, GitLab, Azure). One
// result per change, its ABIs grouped; breaking changes are errors (notes once allowlisted),
// compatible ones notes, cosmetic ones "none". Locations name the header's source file as the
// layout profile places it; uapi records carry no line numbers, so the record is a logical location.

import type { LayoutSpec } from '../cpp/profile.js';
import { getAbi } from '../layout/abi.js';
import type { AbiName } from '../layout/model.js';
import { describeChange, groupByLines } from './describe.js';
import type { DiffReport } from './diff.js';
import { changeOf, symbolTitle } from './diff-text.js';

const RULES = [
  { id: 'abi-breaking', name: 'BreakingAbiChange', text: 'A change that breaks userspace built against the old header' },
  { id: 'abi-compatible', name: 'CompatibleAbiChange', text: 'An ABI change old userspace keeps working with' },
  { id: 'abi-cosmetic', name: 'CosmeticAbiChange', text: 'A rename with the same layout' },
];

export function diffSarif(r: DiffReport, spec: LayoutSpec, version: string): string {
  const results: unknown[] = [];
  for (const h of r.headers) {
    for (const sym of h.symbols) {
      // One result per distinct change; its ABIs are those where it reads the same.
      const texts = groupByLines(r.abis, (abi) => sym.abis.find((a) => a.abi === abi)?.changes.map((c) => JSON.stringify([
        describeChange(changeOf(h, sym, c)), c.verdict, c.reason, c.allowed === true, c.member,
      ])));
      const seen = new Map<string, AbiName[]>();
      for (const g of texts) for (const t of g.lines) seen.set(t, [...(seen.get(t) ?? []), ...(g.abis as AbiName[])]);
      for (const [t, abis] of seen) {
        const [text, verdict, reason, allowed, member] = JSON.parse(t) as [string, string, string, boolean, string | null];
        results.push({
          ruleId: `abi-${verdict}`,
          level: verdict === 'breaking' ? (allowed ? 'note' : 'error') : verdict === 'compatible' ? 'note' : 'none',
          message: { text: `${symbolTitle(sym)}: ${text}: ${verdict}${allowed ? ' (allowed)' : ''}: ${reason} [${abis.join(' ')}]` },
          locations: [{
            physicalLocation: { artifactLocation: { uri: sourcePath(spec, h.header, abis[0]!) } },
            logicalLocations: [{ fullyQualifiedName: member ? `${sym.name}.${member}` : sym.name, kind: sym.kind === 'macro' ? 'macro' : member ? 'member' : 'type' }],
          }],
          properties: { abis, header: h.header, verdict, allowed },
        });
      }
    }
  }
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: { driver: { name: 'abi-blame', version, rules: RULES.map((x) => ({ id: x.id, name: x.name, shortDescription: { text: x.text } })) } },
      automationDetails: { id: `abi-blame/diff/${r.from.rev}..${r.to.rev}` },
      properties: { from: r.from, to: r.to, summary: r.summary },
      results,
    }],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}

/** Where an include path's file lives in the repository, per the layout profile. */
export function sourcePath(spec: LayoutSpec, header: string, abi: AbiName): string {
  const karch = getAbi(abi).karch;
  const isAsm = header.startsWith('asm/');
  switch (spec.kind) {
    case 'kernel': return isAsm ? `arch/${karch}/include/uapi/${header}` : `include/uapi/${header}`;
    case 'installed': return `include/${header}`;
    case 'custom': {
      const dir = (isAsm ? spec.arch[karch]?.[0] : undefined) ?? spec.include[0] ?? '';
      return dir ? `${dir}/${header}` : header;
    }
  }
}
