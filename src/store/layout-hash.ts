// Content addressing for RecordLayout bodies. The canonical JSON writes keys in one fixed order and
// drops absent optional keys and anything not in the model, so the same layout always hashes the
// same whatever object produced it (engine output, a jsonb round trip with its reordered keys).

import { createHash } from 'node:crypto';
import type { FieldLayout, RecordLayout } from '../layout/model.js';

export function canonicalField(f: FieldLayout): FieldLayout {
  const out: FieldLayout = { path: f.path, offset: f.offset, size: f.size, type: f.type };
  if (f.bitOffset !== undefined) out.bitOffset = f.bitOffset;
  if (f.bitWidth !== undefined) out.bitWidth = f.bitWidth;
  return out;
}

/** The same layout with keys in canonical order (also used to normalise what jsonb returns). */
export function canonicalLayout(r: RecordLayout): RecordLayout {
  const out: RecordLayout = { kind: r.kind, name: r.name, header: r.header } as RecordLayout;
  if (r.typedef) out.typedef = true;
  out.size = r.size;
  out.align = r.align;
  out.fields = r.fields.map(canonicalField);
  return out;
}

export function canonicalLayoutJson(r: RecordLayout): string {
  return JSON.stringify(canonicalLayout(r));
}

/** sha256 hex of the canonical JSON: the layouts table's key. */
export function layoutHash(r: RecordLayout): string {
  return layoutRow(r).hash;
}

/** A layouts table row: the canonical JSON and its hash, the JSON made once. */
export function layoutRow(r: RecordLayout): { hash: string; body: string } {
  const body = canonicalLayoutJson(r);
  return { hash: createHash('sha256').update(body).digest('hex'), body };
}
