// Verdicts: does a change break userspace built against the old header? Computed from the layouts
// before and after, and from what else changed in the same step (a commit, or revision A -> B),
// never from a list of known cases. Each verdict carries its reason in words.
//
//   breaking    an existing member moved, shrank, changed size or went away; a record shrank, or
//               grew where another record embeds it or an ioctl number encodes its size; its
//               alignment changed; a macro's value or an ioctl number changed; a symbol removed
//   compatible  additions (in former padding, over a reserved member, as a union alternative, at
//               the tail); a reserved/pad member given up; tail growth of a record nothing embeds
//   cosmetic    a rename at the same offset with the same type

import { symbolKey, type FieldLayout, type IoctlFields, type RecordLayout } from '../layout/model.js';
import { elementType, type ChangeKind, type FieldFacts, type SymbolChange } from './changes.js';

export type Verdict = 'breaking' | 'compatible' | 'cosmetic';

export interface JudgedChange extends SymbolChange {
  verdict: Verdict;
  reason: string;
}

/** Layouts of one record around a step; either may be missing (introduced, deleted, unknown). */
export interface RecordPair { before?: RecordLayout; after?: RecordLayout }

/** One ABI, one step. */
export interface Step {
  /** Everything the verdicts may consult: at least the changes to judge, plus (for context) the
   * step's `record-size`, `resized` and `ioctl` changes of other symbols. */
  changes: readonly SymbolChange[];
  /** By symbolKey(): the records whose changes are judged. */
  layouts: ReadonlyMap<string, RecordPair>;
}

/** Judges `which` (default: all of the step's changes). */
export function judge(step: Step, which: readonly SymbolChange[] = step.changes): JudgedChange[] {
  const perRecord = new Map<string, RecordJudge>();
  return which.map((c) => {
    if (c.kind === 'macro') return { ...c, ...judgeMacro(c, step) };
    const key = symbolKey(c.header, c.name);
    let j = perRecord.get(key);
    if (!j) perRecord.set(key, (j = new RecordJudge(c.header, c.name, step)));
    return { ...c, ...j.judge(c) };
  });
}

type Judgement = { verdict: Verdict; reason: string };
const breaking = (reason: string): Judgement => ({ verdict: 'breaking', reason });
const compatible = (reason: string): Judgement => ({ verdict: 'compatible', reason });

const RESERVED = /^_*(pad|padding|reserved|rsvd|resvd|resv|unused|spare)([_\d].*)?$/i;
/** A member that exists to hold space: giving it up to new members is the designed way to extend. */
export const isReserved = (path: string): boolean => RESERVED.test(path.slice(path.lastIndexOf('.') + 1));

/** Members the kernel reads the caller's idea of a record's size from (extensible structs). */
const SIZE_MEMBER = /^(size|argsz|struct_size|structsz|usize|len|length|hdr_len)$/;

const parentOf = (path: string): string => path.slice(0, Math.max(0, path.lastIndexOf('.')));
const leafName = (path: string): string => path.slice(path.lastIndexOf('.') + 1);
const bits = (f: Pick<FieldLayout, 'offset' | 'size' | 'bitOffset' | 'bitWidth'>): [number, number] => {
  const start = f.bitOffset ?? f.offset * 8;
  return [start, start + (f.bitWidth ?? f.size * 8)];
};
const overlaps = (a: [number, number], b: [number, number]): boolean => a[0] < b[1] && b[0] < a[1];

class RecordJudge {
  private readonly before?: RecordLayout;
  private readonly after?: RecordLayout;
  /** Changes of this record in the step. */
  private readonly own: SymbolChange[];
  /** Member paths of this record's changes in the step, by kind of change. */
  private readonly touched = new Map<ChangeKind, Set<string>>();
  /** removed path -> added path, and back: pairs that are the same member under a new name. */
  private readonly renamedTo = new Map<string, string>();
  private readonly renamedFrom = new Map<string, string>();
  // Built on first use, once per record and step: a record can have thousands of members and a
  // step hundreds of added ones, so per-member scans of the fields would be quadratic.
  private afterByPath?: Map<string, FieldLayout>;
  private beforeByPath?: Map<string, FieldLayout>;
  private beforeLeaves?: FieldLayout[];
  private aggregates?: Set<string>;

  constructor(private readonly header: string, private readonly name: string, private readonly step: Step) {
    const pair = step.layouts.get(symbolKey(header, name));
    this.before = pair?.before;
    this.after = pair?.after;
    this.own = step.changes.filter((c) => c.kind === 'record' && c.header === header && c.name === name);
    for (const c of this.own) {
      let paths = this.touched.get(c.change);
      if (!paths) this.touched.set(c.change, (paths = new Set()));
      paths.add(c.member);
    }
    this.findRenames();
  }

  private has(change: ChangeKind, path: string): boolean {
    return this.touched.get(change)?.has(path) ?? false;
  }

  judge(c: SymbolChange): Judgement {
    switch (c.change) {
      case 'introduced': return compatible('new record');
      case 'deleted': return breaking('record removed');
      case 'record-size': return this.size(c.before as number, c.after as number);
      case 'record-align': return this.align(c.before as number, c.after as number);
      case 'added': return this.added(c.member);
      case 'removed': return this.removed(c.member);
      case 'moved': return this.moved(c.member, c.before as FieldFacts, c.after as FieldFacts);
      case 'resized': return this.resized(c.member, c.before as FieldFacts, c.after as FieldFacts);
      case 'retyped': return this.retyped(c.member, c.before as string, c.after as string);
      default: return breaking(`${c.change} changed`);
    }
  }

  private added(path: string): Judgement {
    const from = this.renamedFrom.get(path);
    if (from !== undefined) return { verdict: 'cosmetic', reason: `renamed from ${leafName(from)}, same offset and type` };
    const parent = parentOf(path);
    if (parent && this.has('added', parent)) return compatible(`part of new member ${parent}`);
    const f = this.after && (this.afterByPath ??= byPath(this.after)).get(path);
    if (!f || !this.before) return compatible('new member');
    // Judged within its parent: a new member of system_event is placed among system_event's old
    // members, not among the other alternatives of the union system_event lives in.
    const old = parent ? (this.beforeByPath ??= byPath(this.before)).get(parent) : undefined;
    const scope = old ? { start: old.offset * 8, end: (old.offset + old.size) * 8, name: parent } : { start: 0, end: this.before.size * 8, name: this.name };
    const range = bits(f);
    if (range[0] >= scope.end) return compatible(`new member past the old end of ${scope.name} (${(scope.end - scope.start) / 8} bytes)`);
    const prefix = `${parent}.`;
    const hit = (this.beforeLeaves ??= leaves(this.before)).filter((l) => (!parent || l.path.startsWith(prefix)) && overlaps(bits(l), range));
    if (hit.length === 0) return compatible('new member in former padding');
    const kept = hit.filter((l) => this.unchanged(l));
    if (kept.length > 0 && kept.every((l) => isReserved(l.path))) return compatible(`new member over reserved ${names(kept)}`);
    if (kept.length > 0) return compatible(`new member overlaying ${names(kept)}: a new union alternative`);
    const vacated = hit.filter((l) => !this.unchanged(l));
    return compatible(`new member in space ${names(vacated)} used to occupy${vacated.every((l) => isReserved(l.path)) ? '' : ' (see its change)'}`);
  }

  private removed(path: string): Judgement {
    const to = this.renamedTo.get(path);
    if (to !== undefined) return { verdict: 'cosmetic', reason: `renamed to ${leafName(to)}, same offset and type` };
    if (isReserved(path)) return compatible('reserved member given up');
    const parent = parentOf(path);
    if (parent && this.has('removed', parent)) return breaking(`removed with ${parent}`);
    return breaking('member removed');
  }

  private moved(path: string, b: FieldFacts, a: FieldFacts): Judgement {
    const where = (f: FieldFacts): string => (f.bitOffset !== undefined ? `bit ${f.bitOffset}` : `${f.offset}`);
    if (isReserved(path)) return compatible(`reserved member moved ${where(b)}→${where(a)}`);
    return breaking(`moved ${where(b)}→${where(a)}`);
  }

  private resized(path: string, b: FieldFacts, a: FieldFacts): Judgement {
    const what = b.bitWidth !== undefined || a.bitWidth !== undefined ? `${b.bitWidth ?? b.size * 8}→${a.bitWidth ?? a.size * 8} bits` : `${b.size}→${a.size} bytes`;
    if (isReserved(path)) return a.size <= b.size ? compatible(`reserved member shrank ${what}`) : compatible(`reserved member grew ${what}`);
    const aggregate = (this.aggregates ??= parents([this.before, this.after])).has(path);
    if (aggregate && a.size > b.size) {
      const pushed = this.own.filter((c) => c.change === 'moved' && !isReserved(c.member));
      if (pushed.length === 0) return compatible(`grew ${what} into space no member used`);
      return breaking(`grew ${what}; ${names(pushed.map((c) => ({ path: c.member })))} moved`);
    }
    return breaking(`${a.size < b.size || (a.bitWidth ?? 0) < (b.bitWidth ?? 0) ? 'shrank' : 'grew'} ${what}`);
  }

  private retyped(path: string, b: string, a: string): Judgement {
    if (this.has('resized', path)) return breaking(`type ${b}→${a} changes its size`);
    return compatible(`type ${b}→${a}, same size and offset`);
  }

  private size(b: number, a: number): Judgement {
    if (a < b) return breaking(`shrank ${b}→${a} bytes`);
    const moved = this.own.filter((c) => c.change === 'moved' && !isReserved(c.member));
    if (moved.length > 0) return breaking(`grew ${b}→${a} bytes; ${names(moved.map((c) => ({ path: c.member })))} moved`);
    const embedders = this.embedders();
    if (embedders.length > 0) return breaking(`grew ${b}→${a} bytes; embedded in ${embedders.slice(0, 3).join(', ')}`);
    const ioctls = this.step.changes.filter((c) => c.change === 'ioctl'
      && (c.before as Partial<IoctlFields>).size === b && (c.after as Partial<IoctlFields>).size === a);
    if (ioctls.length > 0) return breaking(`grew ${b}→${a} bytes; its size is encoded in ${ioctls.map((c) => c.name).slice(0, 3).join(', ')}`);
    const sizeMember = this.after?.fields.find((f) => !f.path.includes('.') && SIZE_MEMBER.test(f.path));
    if (sizeMember) return compatible(`grew ${b}→${a} bytes at the tail; userspace passes its size in ${sizeMember.path}`);
    return compatible(`grew ${b}→${a} bytes at the tail; no record embeds it and no ioctl encodes its size`);
  }

  private align(b: number, a: number): Judgement {
    const embedders = this.embedders();
    if (embedders.length > 0) return breaking(`alignment ${b}→${a} moves it where it is embedded: ${embedders.slice(0, 3).join(', ')}`);
    return compatible(`alignment ${b}→${a}; no record embeds it`);
  }

  /**
   * Members of other records of this type (or arrays of it) that changed in the step: from the
   * layouts the step has, and from the step's `resized` changes, whose facts carry the type.
   */
  private embedders(): string[] {
    const types = new Set([`struct ${this.name}`, `union ${this.name}`, this.name]);
    const self = symbolKey(this.header, this.name);
    const out = new Set<string>();
    for (const [key, pair] of this.step.layouts) {
      if (key === self || !pair.after) continue;
      for (const f of pair.after.fields) if (types.has(elementType(f.type))) out.add(`${pair.after.name}.${f.path}`);
    }
    for (const c of this.step.changes) {
      if (c.kind === 'record' && c.change === 'resized' && types.has(elementType((c.after as FieldFacts).type ?? '')) && symbolKey(c.header, c.name) !== self) {
        out.add(`${c.name}.${c.member}`);
      }
    }
    return [...out];
  }

  /** Same place and size after the step (renames count as the same member). */
  private unchanged(f: FieldLayout): boolean {
    if (this.renamedTo.has(f.path)) return true;
    return !this.has('moved', f.path) && !this.has('resized', f.path) && !this.has('removed', f.path);
  }

  private findRenames(): void {
    const removed = this.own.filter((c) => c.change === 'removed').sort(byDepth);
    const addedUnder = new Map<string, SymbolChange[]>();
    for (const a of this.own) {
      if (a.change !== 'added') continue;
      const list = addedUnder.get(parentOf(a.member));
      if (list) list.push(a);
      else addedUnder.set(parentOf(a.member), [a]);
    }
    const used = new Set<string>();
    for (const r of removed) {
      const parent = parentOf(r.member);
      const parentTo = this.renamedTo.get(parent) ?? parent;
      const match = addedUnder.get(parentTo)?.find((a) => !used.has(a.member)
        && (parentTo !== parent ? leafName(a.member) === leafName(r.member) : leafName(a.member) !== leafName(r.member))
        && sameFacts(r.before as FieldFacts, a.after as FieldFacts));
      if (!match) continue;
      used.add(match.member);
      this.renamedTo.set(r.member, match.member);
      this.renamedFrom.set(match.member, r.member);
    }
  }
}

const byPath = (l: RecordLayout): Map<string, FieldLayout> => new Map(l.fields.map((f) => [f.path, f]));
/** Paths that have sub-members, in any of the layouts. */
function parents(layouts: (RecordLayout | undefined)[]): Set<string> {
  const out = new Set<string>();
  for (const l of layouts) {
    for (const f of l?.fields ?? []) {
      for (let p = parentOf(f.path); p && !out.has(p); p = parentOf(p)) out.add(p);
    }
  }
  return out;
}
/** Members without sub-members. */
const leaves = (l: RecordLayout): FieldLayout[] => {
  const inner = parents([l]);
  return l.fields.filter((f) => !inner.has(f.path));
};

const byDepth = (a: SymbolChange, b: SymbolChange): number => a.member.split('.').length - b.member.split('.').length;
const sameFacts = (a: FieldFacts, b: FieldFacts): boolean =>
  a.offset === b.offset && a.size === b.size && a.type === b.type && a.bitOffset === b.bitOffset && a.bitWidth === b.bitWidth;
const names = (fs: { path: string }[]): string => {
  const list = [...new Set(fs.map((f) => f.path))];
  return list.length <= 3 ? list.join(', ') : `${list.slice(0, 3).join(', ')} and ${list.length - 3} more`;
};

function judgeMacro(c: SymbolChange, step: Step): Judgement {
  switch (c.change) {
    case 'introduced': return compatible('new macro');
    case 'deleted': return breaking('macro removed');
    case 'value': return judgeValue(c.name, BigInt(c.before as string), BigInt(c.after as string));
    case 'ioctl': return breaking(ioctlReason(c.before as Partial<IoctlFields>, c.after as Partial<IoctlFields>, c.header, step));
    default: return breaking(`${c.change} changed`);
  }
}

/**
 * Limits and counts that exist to grow as entries are added (`FRA_MAX`, `__NR_syscalls`,
 * `DRM_MSM_NUM_IOCTLS`, `FUSE_KERNEL_MINOR_VERSION`, `..._ALL`): binaries built with the old
 * value keep working when it grows. Matched by the naming conventions uapi headers use for them.
 */
const GROWING = /(^|_)(MAX|CNT|COUNT|LAST|LATEST|NUM|NR|MINOR|VERSION|ALL)(_|$)|_syscalls$/i;

function judgeValue(name: string, b: bigint, a: bigint): Judgement {
  // `1 << 31` vs `1U << 31`: the constant's signedness changed, its bits did not.
  const width = [32n, 64n].find((w) => BigInt.asUintN(Number(w), b) === BigInt.asUintN(Number(w), a) && b >= -(1n << (w - 1n)) && a < 1n << w);
  if (width !== undefined) return compatible(`value ${b}→${a}: the same ${width}-bit pattern, only the constant's signedness changed`);
  if (a > b && GROWING.test(name)) return compatible(`value ${b}→${a}: a count or limit that grows as entries are added`);
  return breaking(`value ${b}→${a}`);
}

/** What moved in an ioctl number: usually its size, because the record it carries grew. */
function ioctlReason(b: Partial<IoctlFields>, a: Partial<IoctlFields>, header: string, step: Step): string {
  const parts: string[] = [];
  if (b.size !== a.size) {
    const grew = step.changes.filter((c) => c.change === 'record-size' && c.before === b.size && c.after === a.size);
    // Several records can change by the same amount in one step: the ioctl's own header first.
    grew.sort((x, y) => Number(y.header === header) - Number(x.header === header));
    const cause = grew.length > 0 ? ` because ${grew.slice(0, 2).map((g) => g.name).join(' or ')} ${a.size! > b.size! ? 'grew' : 'shrank'}` : '';
    parts.push(`size ${b.size}→${a.size}${cause}`);
  }
  if (b.dir !== a.dir) parts.push(`direction ${b.dir}→${a.dir}`);
  if (b.type !== a.type) parts.push(`type ${b.type}→${a.type}`);
  if (b.nr !== a.nr) parts.push(`nr ${b.nr}→${a.nr}`);
  if (parts.length === 0) parts.push(`number ${(b as { value?: string }).value}→${(a as { value?: string }).value}`);
  return `ioctl number changed: ${parts.join(', ')}`;
}
