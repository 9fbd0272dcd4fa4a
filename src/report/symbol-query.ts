// What the user typed as SYMBOL: `kvm_run`, `struct kvm_run`, `kvm_run.system_event.flags`,
// `KVM_CAP_ARM_PSCI_0_2`, `KVM_GET_XSAVE2`; optionally `linux/kvm.h:kvm_run` to pick a header.

import { UsageError } from '../cli/errors.js';

export class SymbolInputError extends UsageError {}

export interface SymbolQuery {
  /** As typed, for messages and the JSON's `symbol`. */
  text: string;
  /** Record tag, typedef name or macro name. */
  name: string;
  /** Member path below the record, '' for the whole symbol. */
  member: string;
  /** `struct`/`union` was written: only records match. */
  keyword?: 'struct' | 'union';
  header?: string;
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function parseSymbol(text: string): SymbolQuery {
  let rest = text.trim();
  let header: string | undefined;
  const colon = rest.indexOf(':');
  if (colon > 0) {
    header = rest.slice(0, colon);
    rest = rest.slice(colon + 1).trim();
  }
  let keyword: SymbolQuery['keyword'];
  const kw = /^(struct|union)\s+/.exec(rest);
  if (kw) {
    keyword = kw[1] as 'struct' | 'union';
    rest = rest.slice(kw[0].length);
  }
  const parts = rest.split('.');
  if (parts.some((p) => !IDENT.test(p))) {
    throw new SymbolInputError(`${JSON.stringify(text)}: expected a struct/union, a member path (kvm_run.system_event) or a macro name`);
  }
  const q: SymbolQuery = { text: text.trim(), name: parts[0]!, member: parts.slice(1).join('.') };
  if (keyword) q.keyword = keyword;
  if (header) q.header = header;
  return q;
}

/** Up to `max` names close to `wanted`: same name in another case, substrings, then small edit distances. */
export function suggest(wanted: string, names: readonly string[], max = 5): string[] {
  const w = wanted.toLowerCase();
  const scored: [number, string][] = [];
  for (const n of new Set(names)) {
    const l = n.toLowerCase();
    let score: number;
    if (l === w) score = 0;
    else if (l.includes(w) || w.includes(l)) score = 1 + Math.abs(l.length - w.length) / 100;
    else {
      const d = editDistance(l, w, 3);
      if (d > 3) continue;
      score = 1 + d;
    }
    scored.push([score, n]);
  }
  return scored.sort((a, b) => a[0] - b[0] || a[1].localeCompare(b[1])).slice(0, max).map(([, n]) => n);
}

/** Levenshtein distance, giving up (returning limit + 1) once it must exceed `limit`. */
function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      best = Math.min(best, cur[j]!);
    }
    if (best > limit) return limit + 1;
    prev = cur;
  }
  return prev[b.length]!;
}
