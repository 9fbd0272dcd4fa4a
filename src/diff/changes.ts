// What changed in one symbol between two states: the raw facts (a member moved 4 -> 8, a record
// grew, a macro's value changed), before any verdict. Pure functions of two layouts.

import type { FieldLayout, IoctlFields, MacroValue, RecordLayout } from '../layout/model.js';

export type ChangeKind =
  | 'introduced' | 'deleted'
  | 'added' | 'removed' | 'moved' | 'resized' | 'retyped'
  | 'record-size' | 'record-align'
  | 'value' | 'ioctl';

export interface SymbolChange {
  kind: 'record' | 'macro';
  header: string;
  name: string;
  /** Member path for member changes; '' for the record or macro itself. */
  member: string;
  change: ChangeKind;
  before: unknown;
  after: unknown;
}

/** A member's layout facts, as change events carry them. */
export type FieldFacts = Omit<FieldLayout, 'path'>;

const facts = (f: FieldLayout): FieldFacts => {
  const { path: _path, ...rest } = f;
  return rest;
};

export function diffRecord(before: RecordLayout | undefined, after: RecordLayout | undefined): SymbolChange[] {
  const r = after ?? before;
  if (!r) return [];
  const out: SymbolChange[] = [];
  const push = (member: string, change: ChangeKind, b: unknown, a: unknown): void => {
    out.push({ kind: 'record', header: r.header, name: r.name, member, change, before: b, after: a });
  };
  if (!before) {
    push('', 'introduced', null, { kind: after!.kind, size: after!.size, align: after!.align });
    return out;
  }
  if (!after) {
    push('', 'deleted', { kind: before.kind, size: before.size, align: before.align }, null);
    return out;
  }
  if (before.size !== after.size) push('', 'record-size', before.size, after.size);
  if (before.align !== after.align) push('', 'record-align', before.align, after.align);

  const old = new Map(before.fields.map((f) => [f.path, f]));
  const now = new Map(after.fields.map((f) => [f.path, f]));
  for (const [path, f] of old) if (!now.has(path)) push(path, 'removed', facts(f), null);
  for (const [path, a] of now) {
    const b = old.get(path);
    if (!b) {
      push(path, 'added', null, facts(a));
      continue;
    }
    if (b.offset !== a.offset || b.bitOffset !== a.bitOffset) {
      push(path, 'moved', { offset: b.offset, bitOffset: b.bitOffset }, { offset: a.offset, bitOffset: a.bitOffset });
    }
    const resized = b.size !== a.size || b.bitWidth !== a.bitWidth;
    // The type rides along so a reader (and the verdicts) can tell which record grew inside which.
    if (resized) push(path, 'resized', { size: b.size, bitWidth: b.bitWidth, type: b.type }, { size: a.size, bitWidth: a.bitWidth, type: a.type });
    // `__u8 pad[16]` -> `__u8 pad[12]` is a resize, not a new type.
    if (b.type !== a.type && !(resized && elementType(b.type) === elementType(a.type))) push(path, 'retyped', b.type, a.type);
  }
  return out;
}

/** `__u8[4][2]` -> `__u8`. */
export const elementType = (type: string): string => type.replace(/(\[\d*\])+$/, '');

/**
 * The layout `diffRecord` was given as `before`, from `after` and the changes between them (field
 * order aside): what blame uses to see the record as it was before a commit, from the commit's
 * events and the layout stored for it.
 */
export function unapplyRecord(after: RecordLayout, changes: readonly SymbolChange[]): RecordLayout {
  const fields = new Map(after.fields.map((f) => [f.path, { ...f }]));
  let { size, align } = after;
  for (const c of changes) {
    const b = c.before as Partial<FieldLayout> & Record<string, unknown>;
    if (c.member === '') {
      if (c.change === 'record-size') size = c.before as number;
      if (c.change === 'record-align') align = c.before as number;
      continue;
    }
    if (c.change === 'added') {
      fields.delete(c.member);
      continue;
    }
    if (c.change === 'removed') {
      fields.set(c.member, { path: c.member, ...(b as FieldFacts) });
      continue;
    }
    const f = fields.get(c.member);
    if (!f) continue;
    if (c.change === 'retyped') f.type = c.before as string;
    // Facts come back from JSON, where an undefined bitOffset/bitWidth is simply absent.
    const patch = (key: 'offset' | 'size' | 'type' | 'bitOffset' | 'bitWidth'): void => {
      if (b[key] === undefined || b[key] === null) delete f[key];
      else (f as Record<string, unknown>)[key] = b[key];
    };
    if (c.change === 'moved') for (const k of ['offset', 'bitOffset'] as const) patch(k);
    if (c.change === 'resized') for (const k of ['size', 'bitWidth', 'type'] as const) patch(k);
  }
  return { ...after, size, align, fields: [...fields.values()] };
}

const ioctlFacts = (m: MacroValue): { value: string } & Partial<IoctlFields> => ({ value: m.value, ...m.ioctl });

export function diffMacro(before: MacroValue | undefined, after: MacroValue | undefined): SymbolChange[] {
  const m = after ?? before;
  if (!m) return [];
  const change = (kind: ChangeKind, b: unknown, a: unknown): SymbolChange[] =>
    [{ kind: 'macro', header: m.header, name: m.name, member: '', change: kind, before: b, after: a }];
  if (!before) return change('introduced', null, ioctlFacts(after!));
  if (!after) return change('deleted', ioctlFacts(before), null);
  if (before.value === after.value) return [];
  // An ioctl number: keep the decoded fields so a reader sees which one moved (usually the size).
  if (before.ioctl || after.ioctl) return change('ioctl', ioctlFacts(before), ioctlFacts(after));
  return change('value', before.value, after.value);
}
