// The diff report as plain text, at most 80 columns, to paste into a mailing-list reply; and as
// Markdown. Both group ABIs whose changes to a symbol read the same.

import type { SymbolChange } from '../diff/changes.js';
import { abiLabel, collapseMembers, describeChange, groupByLines, wrap } from './describe.js';
import type { AbiDiff, DiffReport, HeaderDiff, ReportChange, SymbolDiff } from './diff.js';

export function diffText(r: DiffReport): string {
  const out: string[] = [...wrap(title(r)), ...wrap(source(r)), ''];
  out.push('ABI        breaking  compatible  cosmetic  allowed');
  for (const s of r.summary) {
    out.push(`${s.abi.padEnd(9)}${[s.breaking, s.compatible, s.cosmetic, s.allowed].map((n, i) => String(n).padStart([10, 12, 10, 9][i]!)).join('')}`);
  }
  if (r.headers.length === 0) out.push('', 'No ABI-relevant changes.');
  for (const h of r.headers) {
    out.push('', h.header);
    for (const sym of h.symbols) {
      out.push(`  ${symbolTitle(sym)}`);
      for (const g of groups(r, h, sym)) {
        out.push(...wrap(`    ${abiLabel(g.abis, r.abis)}`, 80, 4));
        for (const line of g.lines) out.push(...wrap(line, 80, 4));
      }
    }
  }
  return `${out.join('\n')}\n`;
}

export function diffMarkdown(r: DiffReport): string {
  const out: string[] = [`# ${title(r)}`, '', source(r), '', '| ABI | breaking | compatible | cosmetic | allowed |', '| --- | ---: | ---: | ---: | ---: |'];
  for (const s of r.summary) out.push(`| ${s.abi} | ${s.breaking} | ${s.compatible} | ${s.cosmetic} | ${s.allowed} |`);
  if (r.headers.length === 0) out.push('', 'No ABI-relevant changes.');
  for (const h of r.headers) {
    out.push('', `## \`${h.header}\``);
    for (const sym of h.symbols) {
      out.push('', `### ${symbolTitle(sym)}`, '', '| ABIs | change | verdict | reason |', '| --- | --- | --- | --- |');
      for (const g of groupByLines(r.abis, (abi) => mdRows(h, sym, sym.abis.find((a) => a.abi === abi)))) {
        for (const row of g.lines) out.push(`| ${abiLabel(g.abis, r.abis)} ${row}`);
      }
    }
  }
  return `${out.join('\n')}\n`;
}

const title = (r: DiffReport): string => `abi-blame diff ${r.from.rev}..${r.to.rev} (${r.from.sha.slice(0, 12)}..${r.to.sha.slice(0, 12)}), ${r.abis.length} ABIs`;

const source = (r: DiffReport): string => {
  const one = (x: DiffReport['from']): string => (x.source === 'index' ? `${x.rev} from the index` : `${x.rev} laid out from git`);
  return `${one(r.from)}; ${one(r.to)}. Verdicts: ${r.breaking ? 'BREAKING changes found' : 'no unacknowledged breaking change'}.`;
};

export const symbolTitle = (s: SymbolDiff): string => (s.kind === 'macro' ? s.name : `${s.kind} ${s.name}`);

export function changeOf(h: HeaderDiff, s: SymbolDiff, c: ReportChange): SymbolChange {
  return { kind: s.kind === 'macro' ? 'macro' : 'record', header: h.header, name: s.name, member: c.member ?? '', change: c.change, before: c.before, after: c.after };
}

/** An ABI's changes as the text formats list them (sub-members of added/removed members folded in). */
export const shown = (a: AbiDiff | undefined): ReportChange[] | undefined => a && collapseMembers(a.changes, (c) => c.change);

export const verdictWord = (c: ReportChange): string => (c.allowed ? 'breaking (allowed)' : c.verdict === 'breaking' ? 'BREAKING' : c.verdict);

function groups(r: DiffReport, h: HeaderDiff, sym: SymbolDiff): { abis: string[]; lines: string[] }[] {
  return groupByLines(r.abis, (abi) => shown(sym.abis.find((a) => a.abi === abi))?.flatMap((c) => [
    `      ${describeChange(changeOf(h, sym, c))}`,
    `        ${verdictWord(c)}: ${c.reason}`,
  ]));
}

function mdRows(h: HeaderDiff, s: SymbolDiff, a: AbiDiff | undefined): string[] | undefined {
  const cell = (t: string): string => t.replace(/\|/g, '\\|');
  return shown(a)?.map((c) => `| ${cell(describeChange(changeOf(h, s, c)))} | ${verdictWord(c)} | ${cell(c.reason)} |`);
}
