// Blame as a person reads it: one block per commit, oldest first; within it, ABIs with the same
// effect share one line, breaking changes are shouted.
//
//   2c9f1c3a5b7e  2022-05-04  Paolo Bonzini  v5.18-rc6
//       KVM: fix system_event to be 8-byte aligned
//     x86_64 x32 aarch64 arm riscv64 riscv32 s390x ppc64le ppc64 ppc32 mips mips64
//       system_event.ndata added at 36 (4 bytes, __u32)
//         compatible: new member in former padding
//     i386
//       system_event.flags moved 36→40 (+4→+8 in system_event)
//         BREAKING: moved 36→40

import type { SymbolChange } from '../diff/changes.js';
import type { BlameChange, BlameEntry, BlameResult } from './blame.js';
import { abiLabel, collapseMembers, describeChange, groupByLines, wrap } from './describe.js';

export function blameText(r: BlameResult): string {
  const out: string[] = [];
  const what = r.kind === 'macro' ? 'macro' : 'record';
  out.push(`${r.symbol}: ${what} ${r.name} in ${r.header}, ${r.abis.length} ABIs, ${r.events.length} commit${r.events.length === 1 ? '' : 's'}, oldest first`);
  if (r.otherHeaders.length > 0) out.push(`(also indexed in ${r.otherHeaders.join(', ')}: name one as HEADER:${r.name})`);
  for (const e of r.events) {
    out.push('');
    out.push([e.commit.slice(0, 12), e.date?.slice(0, 10) ?? '', e.author?.replace(/ <.*>$/, '') ?? '', e.release ?? '(in no release tag)'].join('  '));
    if (e.subject) out.push(`    ${e.subject}`);
    out.push(...entryLines(r, e));
  }
  return `${out.flatMap((l) => wrap(l)).join('\n')}\n`;
}

function entryLines(r: BlameResult, e: BlameEntry): string[] {
  const groups = groupByLines(r.abis, (abi) => {
    const mine = e.changes.filter((c) => c.abi === abi);
    return collapseMembers(mine, (c) => c.kind).flatMap((c) => changeLines(r, c, e.memberOffset?.[abi]));
  });
  const out: string[] = [];
  for (const g of groups) out.push(`  ${abiLabel(g.abis, r.abis)}`, ...g.lines);
  const touched = new Set(groups.flatMap((g) => g.abis));
  const untouched = r.abis.filter((a) => !touched.has(a));
  if (untouched.length > 0 && untouched.length < r.abis.length) out.push(`  ${untouched.join(' ')}`, '    no change here');
  return out;
}

function changeLines(r: BlameResult, c: BlameChange, base: number | undefined): string[] {
  const change: SymbolChange = { kind: r.kind, header: r.header, name: r.name, member: c.member ?? '', change: c.kind, before: c.before, after: c.after };
  let text = describeChange(change);
  // Offsets are from the start of the record; inside the member asked about, say where they fall in it too.
  if (c.kind === 'moved' && base !== undefined && r.member && c.member !== r.member) {
    const b = (c.before as { offset: number }).offset - base;
    const a = (c.after as { offset: number }).offset - base;
    text += ` (+${b}→+${a} in ${r.member})`;
  }
  const verdict = c.verdict === 'breaking' ? 'BREAKING' : c.verdict;
  return [`    ${text}`, `      ${verdict}: ${c.reason}`];
}
