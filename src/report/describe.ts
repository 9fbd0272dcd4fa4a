// One change in words, the way every text format prints it: "system_event.flags moved 36→40".

import type { IoctlFields } from '../layout/model.js';
import type { SymbolChange } from '../diff/changes.js';

type Facts = { offset?: number; size?: number; type?: string; bitOffset?: number; bitWidth?: number; kind?: string; align?: number };
type MacroFacts = { value?: string } & Partial<IoctlFields>;

const at = (f: Facts): string => (f.bitOffset !== undefined ? `bit ${f.bitOffset}` : `${f.offset}`);
const width = (f: Facts): string => (f.bitWidth !== undefined ? `${f.bitWidth} bits` : `${f.size} bytes`);
const ioctl = (m: MacroFacts): string =>
  m.dir === undefined ? `${m.value}` : `${m.value} (${m.dir}, type ${m.type}, nr ${m.nr}, size ${m.size})`;

/** `subject` names the thing changed: the member path, or the record/macro name. */
export function describeChange(c: SymbolChange, subject = c.member || c.name): string {
  const b = (c.before ?? {}) as Facts;
  const a = (c.after ?? {}) as Facts;
  switch (c.change) {
    case 'introduced':
      return c.kind === 'macro' ? `${subject} introduced = ${ioctl(a as MacroFacts)}` : `${subject} introduced (size ${a.size}, align ${a.align})`;
    case 'deleted': return `${subject} deleted`;
    case 'added': return `${subject} added at ${at(a)} (${width(a)}, ${a.type})`;
    case 'removed': return `${subject} removed (was at ${at(b)}, ${width(b)})`;
    case 'moved': return `${subject} moved ${at(b)}→${at(a)}`;
    case 'resized': return `${subject} resized ${width(b)}→${width(a)}`;
    case 'retyped': return `${subject} retyped ${c.before}→${c.after}`;
    case 'record-size': return `${subject} size ${c.before}→${c.after}`;
    case 'record-align': return `${subject} align ${c.before}→${c.after}`;
    case 'value': return `${subject} = ${c.before}→${c.after}`;
    case 'ioctl': return `${subject} = ${ioctl(c.before as MacroFacts)}→${ioctl(c.after as MacroFacts)}`;
  }
}

/** A list of ABIs as a reader wants it: "all ABIs" when it is all of them. */
export function abiLabel(abis: readonly string[], all: readonly string[]): string {
  if (abis.length === all.length && all.every((a) => abis.includes(a))) return 'all ABIs';
  return abis.join(' ');
}

/** ABIs whose lines are identical, together, in first-seen order; ABIs without lines are left out. */
export function groupByLines<A extends string>(abis: readonly A[], linesOf: (abi: A) => string[] | undefined): { abis: A[]; lines: string[] }[] {
  const groups = new Map<string, { abis: A[]; lines: string[] }>();
  for (const abi of abis) {
    const lines = linesOf(abi);
    if (!lines || lines.length === 0) continue;
    const key = lines.join('\n');
    const g = groups.get(key);
    if (g) g.abis.push(abi);
    else groups.set(key, { abis: [abi], lines });
  }
  return [...groups.values()];
}

/** `line` cut at spaces to `width` columns; continuation lines get `indent` more spaces than the first. */
export function wrap(line: string, width = 80, indent = 2): string[] {
  if (line.length <= width) return [line];
  const lead = /^ */.exec(line)![0];
  const out: string[] = [];
  let rest = line;
  let prefix = lead;
  while (rest.length > width) {
    const cut = rest.lastIndexOf(' ', width);
    if (cut <= prefix.length) break;
    out.push(rest.slice(0, cut));
    prefix = `${lead}${' '.repeat(indent)}`;
    rest = prefix + rest.slice(cut + 1);
  }
  out.push(rest);
  return out;
}

/**
 * For reading, not for data: sub-members of a member added or removed by the same change say
 * nothing new ("system_event added" covers "system_event.flags added"). JSON keeps them all.
 */
export function collapseMembers<C extends { member: string | null }>(changes: C[], kindOf: (c: C) => string): C[] {
  const whole = new Set(changes.filter((c) => c.member && (kindOf(c) === 'added' || kindOf(c) === 'removed')).map((c) => `${kindOf(c)}\0${c.member}`));
  return changes.filter((c) => {
    for (let p = c.member ?? ''; p.includes('.');) {
      p = p.slice(0, p.lastIndexOf('.'));
      if (whole.has(`${kindOf(c)}\0${p}`)) return false;
    }
    return true;
  });
}
