// Sizes, alignments and record layouts for one ABI, following clang 14's
// ItaniumRecordLayoutBuilder for C (the System V rules every one of the 13 psABIs uses):
// non-bit-fields go at the next offset aligned for their type; a bit-field goes at the next
// free bit unless it would straddle an aligned unit of its declared type; `packed` drops type
// alignment, `aligned(N)` raises it, `#pragma pack(N)` caps it.

import { resolve, type CType, type EnumDecl, type Member, type RecordDecl } from '../c/types.js';
import type { Abi, Scalar } from './abi.js';

/**
 * Not an Error (as cpp/expr.ts's ExprError): a unit's 'retry' macros ask the size of structs it
 * lacks thousands of times over a history, and a stack trace for each was 1 % of a layout worker.
 */
export class LayoutError {
  constructor(readonly message: string) {}
  toString(): string {
    return this.message;
  }
}

export interface MemberPlacement {
  member: Member;
  /** Bits from the start of the record. */
  bitOffset: number;
}

export interface RecordShape {
  size: number;
  align: number;
  members: MemberPlacement[];
}

export class Measurer {
  private readonly records = new Map<RecordDecl, RecordShape>();
  private readonly inProgress = new Set<RecordDecl>();

  constructor(readonly abi: Abi) {}

  size(t: CType): number {
    return this.sizeAlign(t).size;
  }
  align(t: CType): number {
    return this.sizeAlign(t).align;
  }

  sizeAlign(t: CType): Scalar {
    switch (t.k) {
      case 'typedef': {
        const inner = this.sizeAlign(t.of);
        // An aligned attribute on a typedef sets its alignment, up or down (clang: RequiredByTypedef).
        return t.align !== undefined ? { size: inner.size, align: this.attrAlign(t.align) } : inner;
      }
      case 'void': return { size: 1, align: 1 }; // GNU: sizeof(void) == 1
      case 'int': return this.intScalar(t.base);
      case 'float': return this.abi[t.base];
      case 'complex': {
        const e = this.sizeAlign(t.of);
        return { size: e.size * 2, align: e.align };
      }
      case 'ptr': return this.abi.pointer;
      case 'func': return { size: 1, align: 1 };
      case 'array': {
        const e = this.sizeAlign(t.of);
        return { size: e.size * (t.len ?? 0), align: e.align };
      }
      case 'record': {
        const r = this.record(t.rec);
        return { size: r.size, align: r.align };
      }
      case 'enum': return this.enumScalar(t.en);
    }
  }

  private intScalar(base: string): Scalar {
    switch (base) {
      case 'char': case 'schar': case 'uchar': case 'bool': return { size: 1, align: 1 };
      case 'short': case 'ushort': return this.abi.short;
      case 'int': case 'uint': return this.abi.int;
      case 'long': case 'ulong': return this.abi.long;
      case 'llong': case 'ullong': return this.abi.llong;
      default:
        if (!this.abi.int128) throw new LayoutError(`__int128 is not supported on ${this.abi.name}`);
        return this.abi.int128;
    }
  }

  private enumScalar(en: EnumDecl): Scalar {
    if (!en.complete) throw new LayoutError(`enum ${en.tag ?? '(anonymous)'} is incomplete`);
    const fitsIn = (bytes: number): boolean => {
      const bits = BigInt(bytes * 8);
      return en.min < 0n
        ? en.min >= -(1n << (bits - 1n)) && en.max < 1n << (bits - 1n)
        : en.max < 1n << bits;
    };
    if (en.packed) {
      for (const sc of [{ size: 1, align: 1 }, this.abi.short, this.abi.int]) if (fitsIn(sc.size)) return sc;
      return this.abi.llong;
    }
    if (fitsIn(4)) return this.abi.int;
    return this.abi.long.size === 8 ? this.abi.long : this.abi.llong;
  }

  /** `aligned` without an argument means the target's biggest alignment. */
  attrAlign(a: number): number {
    return a < 0 ? this.abi.defaultAttrAlign : a;
  }

  record(rec: RecordDecl): RecordShape {
    const done = this.records.get(rec);
    if (done) return done;
    const name = rec.tag ?? rec.typedefName ?? '(anonymous)';
    if (rec.invalid) throw new LayoutError(`${rec.kind} ${name}: ${rec.invalid}`);
    if (!rec.members) throw new LayoutError(`${rec.kind} ${name} is incomplete`);
    if (this.inProgress.has(rec)) throw new LayoutError(`${rec.kind} ${name} contains itself`);
    this.inProgress.add(rec);
    try {
      const shape = this.layout(rec, rec.members);
      this.records.set(rec, shape);
      return shape;
    } finally {
      this.inProgress.delete(rec);
    }
  }

  private layout(rec: RecordDecl, members: Member[]): RecordShape {
    const isUnion = rec.kind === 'union';
    const recPacked = rec.attrs.packed === true;
    const maxFieldAlign = rec.maxFieldAlign * 8; // bits; 0 = no #pragma pack
    let dataBits = 0; // end of the data, rounded to bytes (for a union: the largest member so far)
    let unfilledBits = 0; // bits of the last byte a bit-field left free for the next bit-field
    let sizeBits = 0;
    let alignBits = 8;
    if (rec.attrs.aligned !== undefined) alignBits = Math.max(alignBits, this.attrAlign(rec.attrs.aligned) * 8);
    const placements: MemberPlacement[] = [];

    for (const m of members) {
      const fieldPacked = recPacked || m.attrs.packed === true;
      const explicitAlign = m.attrs.aligned !== undefined ? this.attrAlign(m.attrs.aligned) * 8 : 0;
      const t = this.sizeAlign(m.type);
      let fieldAlign = t.align * 8;
      let offset: number;

      if (m.bitWidth !== undefined) {
        const width = m.bitWidth;
        const unitBits = t.size * 8;
        if (width > unitBits) throw new LayoutError(`bit-field ${m.name ?? ''} is wider than its type`);
        offset = isUnion ? 0 : dataBits - unfilledBits;
        // Packed bit-fields go at the very next bit (clang: FieldAlign = 1 bit).
        if (fieldPacked && width !== 0) fieldAlign = 1;
        if (explicitAlign) fieldAlign = Math.max(fieldAlign, explicitAlign);
        if (maxFieldAlign && width) fieldAlign = Math.min(fieldAlign, maxFieldAlign);
        const allowPadding = maxFieldAlign === 0;
        if (width === 0 || (allowPadding && (offset % fieldAlign) + width > unitBits)) {
          offset = alignTo(offset, fieldAlign);
        } else if (explicitAlign && (maxFieldAlign === 0 || explicitAlign <= maxFieldAlign)) {
          offset = alignTo(offset, explicitAlign);
        }
        placements.push({ member: m, bitOffset: offset });
        // Unnamed bit-fields do not affect the record's alignment, except on ARM and AArch64.
        if (!this.abi.zeroLengthBitfieldAlign && m.name === undefined) fieldAlign = 1;
        if (isUnion) dataBits = Math.max(dataBits, alignTo(width, 8));
        else {
          dataBits = alignTo(offset + width, 8);
          unfilledBits = dataBits - (offset + width);
        }
      } else {
        const r = resolve(m.type);
        const flexible = r.k === 'array' && r.len === undefined;
        const sizeBitsOfField = flexible ? 0 : t.size * 8;
        if (fieldPacked) fieldAlign = 8;
        if (explicitAlign) fieldAlign = Math.max(fieldAlign, explicitAlign);
        if (maxFieldAlign) fieldAlign = Math.min(fieldAlign, maxFieldAlign);
        offset = isUnion ? 0 : alignTo(dataBits, fieldAlign);
        placements.push({ member: m, bitOffset: offset });
        dataBits = isUnion ? Math.max(dataBits, sizeBitsOfField) : offset + sizeBitsOfField;
        unfilledBits = 0;
      }
      sizeBits = Math.max(sizeBits, dataBits);
      alignBits = Math.max(alignBits, fieldAlign);
    }
    const size = alignTo(sizeBits, alignBits) / 8;
    return { size, align: alignBits / 8, members: placements };
  }
}

function alignTo(x: number, a: number): number {
  return Math.ceil(x / a) * a;
}
