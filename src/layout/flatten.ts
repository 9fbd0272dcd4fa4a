// A laid-out record -> the contract's flat field list: every named member at every depth,
// parent before its sub-members, offsets from the top-level record. Anonymous members add no
// path segment and are not listed themselves (C reaches their members directly). Arrays are
// not expanded.

import { resolve, typeName, type RecordDecl } from '../c/types.js';
import type { FieldLayout, RecordLayout } from './model.js';
import type { Measurer } from './record-layout.js';
import { sharedRecord } from './shared-records.js';

export function recordLayout(rec: RecordDecl, name: string, m: Measurer): RecordLayout {
  const shape = m.record(rec);
  const fields: FieldLayout[] = [];
  addFields(rec, '', 0, m, fields);
  const out: RecordLayout = { kind: rec.kind, name, header: rec.header, size: shape.size, align: shape.align, fields };
  if (!rec.tag) out.typedef = true;
  return sharedRecord(out);
}

function addFields(rec: RecordDecl, prefix: string, baseBits: number, m: Measurer, out: FieldLayout[]): void {
  for (const { member, bitOffset } of m.record(rec).members) {
    const bits = baseBits + bitOffset;
    const inner = resolve(member.type);
    if (member.name === undefined) {
      if (member.bitWidth === undefined && inner.k === 'record') addFields(inner.rec, prefix, bits, m, out);
      continue;
    }
    const path = prefix + member.name;
    const f: FieldLayout = { path, offset: Math.floor(bits / 8), size: m.size(member.type), type: typeName(member.type) };
    if (member.bitWidth !== undefined) {
      f.bitOffset = bits;
      f.bitWidth = member.bitWidth;
    }
    out.push(f);
    if (member.bitWidth === undefined && inner.k === 'record') addFields(inner.rec, `${path}.`, bits, m, out);
  }
}
