// Compares the engine's output against clang's truth. Pure functions: callers load the files.
import type { AbiLayout, MacroValue } from '../../src/layout/model.js';
import type { TruthField, TruthRecord } from './clang-dump.js';

/** Layout truth of one ABI as written by gen-layouts.ts. */
export interface LayoutTruth {
  abi: string;
  records: TruthRecord[];
  failedHeaders?: { header: string; firstError: string }[];
}

/** Macro truth as written by gen-macros.ts (`ioctl` is not part of it). */
export type TruthMacro = Pick<MacroValue, 'name' | 'header' | 'value'>;

export interface Mismatch { header: string; name: string; detail: string }

export interface LayoutComparison {
  checkedRecords: number;
  matchedRecords: number;
  /** Truth records absent from ours. */
  missing: { header: string; name: string }[];
  mismatches: Mismatch[];
}

const key = (r: { header: string; name: string }): string => `${r.header}\0${r.name}`;

const showField = (f: Partial<TruthField>): string =>
  `${f.path || '(unnamed)'} @${f.offset}` + (f.bitWidth === undefined ? '' : ` bits ${f.bitOffset}+${f.bitWidth}`);

/**
 * Unnamed bit-fields (`__u32 :8;`, `int :0;`) are padding, not members one can name: clang
 * lists them (path ending in an empty segment), the contract need not. They are left out of
 * the comparison on both sides; their effect shows in the offsets of what follows.
 */
const isNamed = (f: Partial<TruthField>): boolean =>
  f.bitWidth === undefined || !(f.path === '' || f.path!.endsWith('.'));

/** What differs between two records (record-level, then the first differing field), or undefined. */
function recordDiff(t: TruthRecord, o: AbiLayout['records'][number]): string | undefined {
  const diffs: string[] = [];
  if (t.kind !== o.kind) diffs.push(`kind: clang ${t.kind}, ours ${o.kind}`);
  if (t.size !== o.size) diffs.push(`size: clang ${t.size}, ours ${o.size}`);
  if (t.align !== o.align) diffs.push(`align: clang ${t.align}, ours ${o.align}`);
  if (Boolean(t.typedef) !== Boolean(o.typedef)) diffs.push(`typedef: clang ${Boolean(t.typedef)}, ours ${Boolean(o.typedef)}`);
  const tf = t.fields.filter(isNamed);
  const of = o.fields.filter(isNamed);
  for (let i = 0; i < Math.max(tf.length, of.length); i++) {
    const a = tf[i];
    const b = of[i];
    if (!a || !b) {
      const extra = a ? `clang has ${showField(a)}` : `ours has ${showField(b!)}`;
      diffs.push(`field count: clang ${tf.length}, ours ${of.length}; first extra #${i}: ${extra}`);
      break;
    }
    if (a.path !== b.path || a.offset !== b.offset || a.bitOffset !== b.bitOffset || a.bitWidth !== b.bitWidth) {
      diffs.push(`field #${i}: clang ${showField(a)}, ours ${showField(b)}`);
      break;
    }
  }
  return diffs.length ? diffs.join('; ') : undefined;
}

/** Matches records by (header, name): size, align, and each field's path, offset and bits. */
export function compareLayouts(truth: LayoutTruth, ours: AbiLayout): LayoutComparison {
  const byKey = new Map(ours.records.map((r) => [key(r), r]));
  const result: LayoutComparison = { checkedRecords: 0, matchedRecords: 0, missing: [], mismatches: [] };
  for (const t of truth.records) {
    result.checkedRecords++;
    const o = byKey.get(key(t));
    if (!o) { result.missing.push({ header: t.header, name: t.name }); continue; }
    const detail = recordDiff(t, o);
    if (detail) result.mismatches.push({ header: t.header, name: t.name, detail });
    else result.matchedRecords++;
  }
  return result;
}

export interface MacroComparison {
  checked: number;
  matched: number;
  missing: { header: string; name: string }[];
  mismatches: Mismatch[];
}

/** Every truth macro must be in ours (same header and name) with the same decimal value. */
export function compareMacros(truth: TruthMacro[], ours: MacroValue[]): MacroComparison {
  const byKey = new Map(ours.map((m) => [key(m), m]));
  const result: MacroComparison = { checked: 0, matched: 0, missing: [], mismatches: [] };
  for (const t of truth) {
    result.checked++;
    const o = byKey.get(key(t));
    if (!o) result.missing.push({ header: t.header, name: t.name });
    else if (o.value !== t.value) result.mismatches.push({ header: t.header, name: t.name, detail: `value: clang ${t.value}, ours ${o.value}` });
    else result.matched++;
  }
  return result;
}
