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

type FieldFacts = Omit<FieldLayout, 'path'>;

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
    if (b.size !== a.size || b.bitWidth !== a.bitWidth) {
      push(path, 'resized', { size: b.size, bitWidth: b.bitWidth }, { size: a.size, bitWidth: a.bitWidth });
    }
    if (b.type !== a.type) push(path, 'retyped', b.type, a.type);
  }
  return out;
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
