// Rows that are the same on several ABIs become one row listing them: most macros and many
// layouts are equal on all 13 ABIs, so this keeps the tables (and the writes) several times smaller.

import { ABI_NAMES, type AbiName } from '../layout/model.js';
import { canonicalJson } from '../store/dump.js';
import type { DeltaRow, EventRow } from '../store/rows.js';

const ORDER = new Map<AbiName, number>(ABI_NAMES.map((a, i) => [a, i]));

function group<R extends { abis: AbiName[] }>(rows: readonly R[], keyOf: (r: R) => string): R[] {
  const byKey = new Map<string, R>();
  for (const r of rows) {
    const k = keyOf(r);
    const g = byKey.get(k);
    if (g) g.abis = [...g.abis, ...r.abis];
    else byKey.set(k, { ...r, abis: [...r.abis] });
  }
  for (const g of byKey.values()) g.abis = [...new Set(g.abis)].sort((a, b) => ORDER.get(a)! - ORDER.get(b)!);
  return [...byKey.values()];
}

export function groupDeltas(rows: readonly DeltaRow[]): DeltaRow[] {
  return group(rows, (d) => `${d.kind}\0${d.header}\0${d.name}\0${d.layoutHash}\0${d.value}\0${canonicalJson(d.ioctl)}`);
}

export function groupEvents(rows: readonly EventRow[]): EventRow[] {
  return group(rows, (e) => `${e.kind}\0${e.header}\0${e.name}\0${e.member}\0${e.change}\0${canonicalJson(e.before)}\0${canonicalJson(e.after)}`);
}
