// One translation unit, `#include <ENTRY>`: preprocess, parse, lay out the records the entry
// header defines and value its macros. The result depends only on the files of its closure (and
// the ABI), which is what lets the indexer keep it across commits that leave them alone.

import { Preprocessor, type HeaderUnit, type IncludeResolver } from '../cpp/preprocess.js';
import { MacroTable } from '../cpp/macro.js';
import type { TypeHooks } from '../cpp/expr.js';
import { constantHooks, parseDeclarations, type Scope, type Sizes } from '../c/parse.js';
import type { Abi } from './abi.js';
import { recordLayout } from './flatten.js';
import { tokensFingerprint, type MacroMemo } from './macro-memo.js';
import { MacroEvaluator } from './macro-values.js';
import type { Diagnostic, MacroValue, RecordLayout } from './model.js';
import { LayoutError, Measurer } from './record-layout.js';

/** A macro of the entry header: its value, or why not ('retry': it names what this unit lacks). */
export type OwnMacro = MacroValue | 'retry' | 'never';

export interface UnitResult {
  entry: string;
  records: RecordLayout[];
  macros: Map<string, OwnMacro>;
  /** Values this unit gives to 'retry' macros of headers before it (see tree-state.ts). */
  borrowed: MacroValue[];
  /** Include paths looked up, found or not: the unit changes only if one of them does. */
  closure: string[];
  diagnostics: Diagnostic[];
  /**
   * The fingerprint of its preprocessed tokens, where its records are a function of them alone
   * (no diagnostic came from its declarations): a later unit of the entry with the same tokens
   * takes these records without parsing (an edit of #defines only).
   */
  declarations?: string;
}

export interface UnitContext {
  abi: Abi;
  resolver: IncludeResolver;
  fallback: (path: string) => HeaderUnit | undefined;
  predefined: MacroTable;
  /** The macros of another header that came out 'retry' in that header's own unit, run before. */
  retries: (header: string) => ReadonlySet<string> | undefined;
  /** Macro values kept from earlier units of this ABI (a history's trees). */
  macroMemo?: MacroMemo;
}

/** `previous`: the entry's unit in the tree before (history mode: its records may be reused). */
export function layoutUnit(entry: string, ctx: UnitContext, previous?: UnitResult): UnitResult {
  const macroTable = new MacroTable(ctx.predefined);
  const pp = new Preprocessor(ctx.resolver, macroTable, ctx.fallback).run(entry);
  const sizes = sizesOf(ctx.abi);
  let fingerprint: string | undefined;
  const tokens = (): string => (fingerprint ??= tokensFingerprint(pp.tokens, pp.includes));
  // Parsed when needed: for the records unless the previous unit's hold, else for a macro value
  // that consults the declarations (sizeof, casts, enumeration constants), or a kept one whose
  // questions to them are asked again (macro-memo.ts).
  let scope: Scope | undefined;
  const declarationDiags: Diagnostic[] = [];
  const declare = (): Scope => {
    if (!scope) {
      const r = parseDeclarations(pp.tokens, sizes);
      scope = r.scope;
      declarationDiags.push(...r.diagnostics);
    }
    return scope;
  };

  let records: RecordLayout[];
  const reused = previous?.declarations !== undefined && previous.declarations === tokens();
  if (reused) records = previous.records;
  else {
    records = [];
    for (const rec of declare().records) {
      if (rec.header !== entry) continue;
      const name = rec.tag ?? rec.typedefName;
      if (!name) continue; // untagged and never named: only reachable as a member
      try {
        records.push(recordLayout(rec, name, sizes.measurer));
      } catch (e) {
        if (!(e instanceof LayoutError)) throw e;
        declarationDiags.push({ header: rec.header, line: rec.line, message: `${rec.kind} ${name} not laid out: ${e.message}` });
      }
    }
  }

  const macros = new Map<string, OwnMacro>();
  const borrowed: MacroValue[] = [];
  const memo = ctx.macroMemo && { values: ctx.macroMemo, scope: tokens };
  const evaluator = new MacroEvaluator(macroTable, lazyHooks(sizes, declare), memo);
  // Macros come in runs of one header: its retries are asked for once per run.
  let runHeader: string | undefined;
  let retries: ReadonlySet<string> | undefined;
  for (const m of macroTable.ownMacros()) {
    if (m.params || m.body.length === 0) continue;
    const own = m.header === entry;
    if (!own) {
      if (m.header !== runHeader) retries = ctx.retries((runHeader = m.header));
      if (!retries?.has(m.name)) continue;
    }
    const r = evaluator.evaluate(m.name);
    if (r.value === undefined) {
      if (own) macros.set(m.name, r.retryable ? 'retry' : 'never');
      continue;
    }
    const v: MacroValue = { name: m.name, header: m.header, value: r.value.toString() };
    if (r.ioctl) v.ioctl = r.ioctl;
    if (own) macros.set(m.name, v);
    else borrowed.push(v);
  }
  // Reused records came from the same tokens, whose declarations gave no diagnostic then either.
  const declarations = reused ? previous.declarations : ctx.macroMemo && declarationDiags.length === 0 ? tokens() : undefined;
  const diagnostics = [...pp.diagnostics, ...declarationDiags];
  return { entry, records, macros, borrowed, closure: pp.closure, diagnostics, ...(declarations ? { declarations } : {}) };
}

/** Hooks that parse the declarations on first use: a unit whose macro values never consult them never parses them. */
function lazyHooks(sizes: Sizes, scope: () => Scope): TypeHooks {
  let hooks: TypeHooks | undefined;
  const get = (): TypeHooks => (hooks ??= constantHooks(sizes, scope()));
  return {
    int: sizes.int, long: sizes.long, llong: sizes.llong, sizeT: sizes.sizeT,
    typeName: (toks, i) => get().typeName(toks, i),
    ident: (name) => get().ident(name),
    isTypeName: (name) => get().isTypeName(name),
  };
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
