// Tokenized headers by content, shared across translation units, ABIs and commits: tokens do
// not depend on the ABI, only on the text and the view applied to it.

import { findGuard, Preprocessor, type HeaderUnit } from '../cpp/preprocess.js';
import { MacroTable } from '../cpp/macro.js';
import { tokenize } from '../cpp/tokenize.js';
import { headersInstallView, RAW_SOURCE_MACROS } from '../cpp/uapi-view.js';
import type { Abi } from './abi.js';

export class UnitCache {
  private readonly units = new Map<string, HeaderUnit>();
  private tokens = 0;

  /**
   * `maxTokens` bounds the memory a long history can pin (every version of every header it saw):
   * the least recently used headers are dropped past it, to be tokenized again if they come back.
   * One tree for many ABIs (the layout command) wants no bound: all 7 architectures' headers.
   * The default is about one tree's worth (Linux 6.1's uapi headers are 525 k tokens, all
   * architectures): what a history reuses is the current versions and a release's worth of old
   * ones for the side branches, and tokenizing is cheap next to the memos a cached unit pins.
   * Against 1.5 M: 1-2 % more CPU over 890 commits, 100-200 MiB less at the peak (BENCHMARKS.md).
   */
  constructor(private readonly maxTokens = 600_000) {}

  /** The header `name` whose text has identity `id`; `raw`: apply the headers_install view. */
  get(id: string, name: string, text: () => string, raw: boolean): HeaderUnit {
    const k = `${raw ? 'r' : 'i'}:${name}:${id}`;
    let u = this.units.get(k);
    if (u) {
      this.units.delete(k);
      this.units.set(k, u);
      return u;
    }
    const { file, tokens, problems } = tokenize({ name, text: raw ? headersInstallView(text()) : text() });
    u = { file, tokens, problems, guard: findGuard(tokens) };
    this.units.set(k, u);
    this.tokens += tokens.length;
    for (const [key, old] of this.units) {
      if (this.tokens <= this.maxTokens || old === u) break;
      this.units.delete(key);
      this.tokens -= old.tokens.length;
      old.memo = undefined; // what it pins (other headers' old versions) goes with it
    }
    return u;
  }

  get size(): number {
    return this.units.size;
  }
}

const predefinedByAbi = new Map<string, MacroTable>();

/** The ABI's predefined macros (and, for raw sources, unifdef's fixed ones) as a macro table. */
export function predefinedMacros(abi: Abi, raw: boolean, cache: UnitCache): MacroTable {
  const key = `${abi.name}:${raw}`;
  let table = predefinedByAbi.get(key);
  if (table) return table;
  let text = abi.predefined;
  if (raw) text += RAW_SOURCE_MACROS.defined.map((m) => `#define ${m} 1\n`).join('');
  const unit = cache.get(`predefined-${key}`, '<built-in>', () => text, false);
  table = new MacroTable();
  new Preprocessor({ resolve: (p) => (p === '<built-in>' ? unit : undefined) }, table).run('<built-in>');
  predefinedByAbi.set(key, table);
  return table;
}
