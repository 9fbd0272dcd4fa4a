// The layout engine: a header tree and an ABI -> every record layout and integer macro value.
// Each header is its own translation unit (`#include <HEADER>`), the way userspace meets it and
// the way the compiler truth is taken; its records and macros are the ones it defines itself.

import { findGuard, Preprocessor, type HeaderUnit, type IncludeResolver } from '../cpp/preprocess.js';
import { buildHeaderMap, type HeaderMap, type LayoutSpec } from '../cpp/profile.js';
import { tokenize, type SourceFile } from '../cpp/tokenize.js';
import { headersInstallView, RAW_SOURCE_MACROS } from '../cpp/uapi-view.js';
import { FALLBACK_HEADERS } from '../cpp/fallback-headers.js';
import { MacroTable } from '../cpp/macro.js';
import { constantHooks, parseDeclarations, type Sizes } from '../c/parse.js';
import type { FileTree } from '../git/file-tree.js';
import { getAbi, type Abi } from './abi.js';
import { recordLayout } from './flatten.js';
import { MacroEvaluator, MacroValues } from './macro-values.js';
import type { AbiLayout, AbiName, Diagnostic, RecordLayout } from './model.js';
import { LayoutError, Measurer } from './record-layout.js';

/**
 * Tokenized headers by content: shared across translation units, ABIs and (for the indexer)
 * commits. Tokens do not depend on the ABI, only on the text and the view applied to it.
 */
export class UnitCache {
  private readonly units = new Map<string, HeaderUnit>();

  get(key: string, name: string, text: () => string, raw: boolean): HeaderUnit {
    const k = `${raw ? 'r' : 'i'}:${name}:${key}`;
    let u = this.units.get(k);
    if (!u) {
      const file: SourceFile = { name, text: raw ? headersInstallView(text()) : text() };
      const { tokens, problems } = tokenize(file);
      u = { file, tokens, problems, guard: findGuard(tokens) };
      this.units.set(k, u);
    }
    return u;
  }

  get size(): number {
    return this.units.size;
  }
}

export interface LayoutRequest {
  tree: FileTree;
  spec: LayoutSpec;
  abi: AbiName;
  /** Only these headers (include paths) as translation units; default: every header. */
  only?: string[];
  cache?: UnitCache;
}

export function layoutTree(req: LayoutRequest): AbiLayout {
  const abi = getAbi(req.abi);
  const map = buildHeaderMap(req.tree, req.spec, abi.karch);
  const cache = req.cache ?? new UnitCache();
  const resolver = treeResolver(req.tree, map, cache);
  const predefined = predefinedMacros(abi, map.rawSource, cache);
  const fallback = (path: string): HeaderUnit | undefined => {
    const text = FALLBACK_HEADERS[path];
    return text === undefined ? undefined : cache.get('builtin', path, () => text, false);
  };

  const records: RecordLayout[] = [];
  const macros = new MacroValues();
  const diagnostics = new DiagnosticSet();
  const entries = req.only ?? [...map.headers.keys()];
  for (const entry of entries) {
    const tu = layoutUnit(entry, abi, resolver, fallback, predefined, macros);
    records.push(...tu.records);
    for (const d of tu.diagnostics) diagnostics.add(d);
  }
  const wanted = new Set(entries);
  return { abi: abi.name, records, macros: macros.list().filter((m) => wanted.has(m.header)), diagnostics: diagnostics.list() };
}

export interface UnitLayout { records: RecordLayout[]; diagnostics: Diagnostic[] }

/** One translation unit: preprocess, parse, lay out what the entry header defines, evaluate macros. */
export function layoutUnit(
  entry: string,
  abi: Abi,
  resolver: IncludeResolver,
  fallback: (path: string) => HeaderUnit | undefined,
  predefined: MacroTable,
  macros: MacroValues,
): UnitLayout {
  const macroTable = new MacroTable(predefined);
  const pp = new Preprocessor(resolver, macroTable, fallback).run(entry);
  const sizes = sizesOf(abi);
  const { scope, diagnostics: parseDiags } = parseDeclarations(pp.tokens, sizes);
  const diagnostics: Diagnostic[] = [...pp.diagnostics, ...parseDiags];

  const records: RecordLayout[] = [];
  for (const rec of scope.records) {
    if (rec.header !== entry) continue;
    const name = rec.tag ?? rec.typedefName;
    if (!name) continue; // untagged and never named: only reachable as a member
    try {
      records.push(recordLayout(rec, name, sizes.measurer));
    } catch (e) {
      if (!(e instanceof LayoutError)) throw e;
      diagnostics.push({ header: rec.header, line: rec.line, message: `${rec.kind} ${name} not laid out: ${e.message}` });
    }
  }

  const evaluator = new MacroEvaluator(macroTable, constantHooks(sizes, scope));
  for (const m of macroTable.ownMacros()) {
    if (m.params || m.body.length === 0) continue;
    const own = m.header === entry;
    if (!own && !macros.wantsForeign(m.header, m.name)) continue;
    macros.record(m, own, evaluator.evaluate(m.name));
  }
  return { records, diagnostics };
}

function treeResolver(tree: FileTree, map: HeaderMap, cache: UnitCache): IncludeResolver {
  const resolved = new Map<string, HeaderUnit | undefined>();
  const lookup = (path: string): HeaderUnit | undefined => {
    const ref = map.headers.get(path);
    if (!ref) return undefined;
    if ('synthetic' in ref) return cache.get('synthetic', path, () => ref.synthetic, false);
    const f = tree.read(ref.treePath);
    return f && cache.get(f.id, path, () => f.text, map.rawSource);
  };
  return {
    resolve(path) {
      if (!resolved.has(path)) resolved.set(path, lookup(path));
      return resolved.get(path);
    },
  };
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

interface SizesWithMeasurer extends Sizes { measurer: Measurer }

function sizesOf(abi: Abi): SizesWithMeasurer {
  const measurer = new Measurer(abi);
  const intType = (bytes: number, unsigned: boolean, rank: number) => ({ bits: bytes * 8, unsigned, rank });
  return {
    measurer,
    sizeAlign: (t) => measurer.sizeAlign(t),
    int: intType(4, false, 3),
    long: intType(abi.long.size, false, 4),
    llong: intType(8, false, 5),
    sizeT: intType(abi.long.size, true, abi.long.size === 8 ? 4 : 3),
    hasInt128: abi.int128 !== undefined,
    charSigned: abi.charSigned,
    abiName: abi.name,
  };
}

/** Diagnostics from headers included by many units are reported once. */
class DiagnosticSet {
  private readonly seen = new Set<string>();
  private readonly items: Diagnostic[] = [];
  add(d: Diagnostic): void {
    const k = `${d.header}\0${d.line}\0${d.message}`;
    if (this.seen.has(k)) return;
    this.seen.add(k);
    this.items.push(d);
  }
  list(): Diagnostic[] {
    return this.items;
  }
}
