// The engine's output: plain data, exactly the `layout --json` contract of docs/PRODUCT.md.

import type { Diagnostic } from '../cpp/tokenize.js';

export type { Diagnostic };

export const ABI_NAMES = [
  'x86_64', 'i386', 'x32', 'aarch64', 'arm', 'riscv64', 'riscv32',
  's390x', 'ppc64le', 'ppc64', 'ppc32', 'mips', 'mips64',
] as const;
export type AbiName = (typeof ABI_NAMES)[number];

/** Map key of a record or macro: its header and name (a name can be defined in several headers). */
export const symbolKey = (header: string, name: string): string => `${header}\0${name}`;

export interface FieldLayout {
  /** Member names from the top-level record joined by '.'; anonymous members add no segment. */
  path: string;
  /** Bytes from the start of the top-level record (for bit-fields: floor(bitOffset / 8)). */
  offset: number;
  /** sizeof the member's type (for bit-fields: of the declared type). */
  size: number;
  /** The type as written (`__u32`, `struct kvm_regs`, `__u8[6]`). */
  type: string;
  /** Bit-fields only: bits from the start of the record, in allocation order (as clang dumps it). */
  bitOffset?: number;
  bitWidth?: number;
}

export interface RecordLayout {
  kind: 'struct' | 'union';
  name: string;
  /** Include path of the header defining it: `linux/kvm.h`, `asm/kvm.h`. */
  header: string;
  /** Present when the record has no tag and is named by a typedef. */
  typedef?: true;
  size: number;
  align: number;
  fields: FieldLayout[];
}

export type IoctlDir = 'none' | 'read' | 'write' | 'read-write';

export interface IoctlFields { dir: IoctlDir; type: number; nr: number; size: number }

export interface MacroValue {
  name: string;
  header: string;
  /** Decimal; negative only when the C type of the expression is signed. */
  value: string;
  ioctl?: IoctlFields;
}

/** Equal as the store keeps them (what canonicalLayoutJson writes), compared without building strings. */
export function sameRecord(a: RecordLayout | undefined, b: RecordLayout | undefined): boolean {
  if (a === b) return true;
  if (!a || !b) return false;
  if (a.kind !== b.kind || a.name !== b.name || a.header !== b.header || a.size !== b.size || a.align !== b.align
    || a.typedef !== b.typedef || a.fields.length !== b.fields.length) return false;
  for (let i = 0; i < a.fields.length; i++) {
    const f = a.fields[i]!;
    const g = b.fields[i]!;
    if (f.path !== g.path || f.offset !== g.offset || f.size !== g.size || f.type !== g.type || f.bitOffset !== g.bitOffset || f.bitWidth !== g.bitWidth) return false;
  }
  return true;
}

export function sameMacro(a: MacroValue | undefined, b: MacroValue | undefined): boolean {
  if (a === b) return true;
  if (!a || !b) return false;
  const [x, y] = [a.ioctl, b.ioctl];
  return a.name === b.name && a.header === b.header && a.value === b.value
    && (x === y || (!!x && !!y && x.dir === y.dir && x.type === y.type && x.nr === y.nr && x.size === y.size));
}

export interface AbiLayout {
  abi: AbiName;
  records: RecordLayout[];
  macros: MacroValue[];
  diagnostics: Diagnostic[];
}
