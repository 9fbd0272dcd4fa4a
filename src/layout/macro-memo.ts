// The macro value memo: a macro's value, kept across the translation units of a history for one
// ABI and reused where the value cannot differ. Valuing macros is the largest share of laying
// out a unit that a commit changed (an edit of linux/kvm.h re-values its thousands of macros,
// nearly all as before), and most of it is expansion.
//
// What a value depends on is recorded while it is computed, not assumed:
// - the expansion is a function of the definitions of the names it looked up (found or not), so
//   each lookup is kept with the definition's text (its signature: definitions parsed from an
//   edited header are new objects with the same text);
// - the evaluation adds the C declarations of the unit, through `sizeof`, casts and enumeration
//   constants (TypeHooks). A value that consulted them holds only in a unit whose preprocessed
//   tokens are the same (the same declarations, the same ABI): their fingerprint is kept too.
// A kept value is reused only where every recorded lookup finds the same text and, if it consulted
// declarations, the unit's fingerprint is the same.

import { createHash, type Hash } from 'node:crypto';
import type { IncludedOutput } from '../cpp/preprocess.js';
import type { Macro, MacroTable, MacroWatcher } from '../cpp/macro.js';
import type { TypeHooks } from '../cpp/expr.js';
import { TK, type Token } from '../cpp/tokenize.js';
import type { MacroEvaluation } from './macro-values.js';

interface Kept {
  /** Names looked up while expanding, each followed by the signature of what was found ('' for nothing). */
  lookups: string[];
  /** The unit's fingerprint, where the evaluation consulted its declarations. */
  scope?: string;
  result: MacroEvaluation;
  /** The expansion went through `_IOC` (the value is decoded as an ioctl). */
  usedIoc: boolean;
}

/** Kept values per name: a macro valued differently in different units keeps a few. */
const VARIANTS = 3;
/** Past this many names the memo starts over (a long history's macros that are gone). */
const MAX_NAMES = 200_000;

export class MacroMemo {
  private readonly byName = new Map<string, Kept[]>();
  /** Valuations answered from the memo, and those computed. */
  hits = 0;
  misses = 0;

  /** The kept value of `name` that holds in this unit (`table`, and its fingerprint if asked). */
  find(name: string, table: MacroTable, scope: () => string): Kept | undefined {
    next: for (const k of this.byName.get(name) ?? []) {
      // The fingerprint first: one comparison, made once per unit.
      if (k.scope !== undefined && k.scope !== scope()) continue;
      const l = k.lookups;
      for (let i = 0; i < l.length; i += 2) if (signature(table.find(l[i]!)) !== l[i + 1]) continue next;
      this.hits++;
      return k;
    }
    this.misses++;
    return undefined;
  }

  keep(name: string, kept: Kept): void {
    let variants = this.byName.get(name);
    if (!variants) {
      if (this.byName.size >= MAX_NAMES) this.byName.clear();
      this.byName.set(name, (variants = []));
    }
    variants.unshift(kept);
    if (variants.length > VARIANTS) variants.length = VARIANTS;
  }
}

/** Watches one valuation: the names it looks up and whether it consults the declarations. */
export class ValuationRecorder implements MacroWatcher {
  private readonly seen = new Map<string, string>();
  consultedScope = false;

  read(name: string, m: Macro | undefined): void {
    if (!this.seen.has(name)) this.seen.set(name, signature(m));
  }
  write(): void {} // valuing defines nothing

  lookups(): string[] {
    const out: string[] = [];
    for (const [name, sig] of this.seen) out.push(name, sig);
    return out;
  }
}

/**
 * `hooks` that tell `recorder()` when an answer came from the unit's declarations. A type name
 * can only start with an identifier: a probe at a `(` followed by anything else (the usual
 * parenthesized arithmetic) consults nothing.
 */
export function watchedHooks(hooks: TypeHooks, recorder: () => ValuationRecorder | undefined): TypeHooks {
  const consult = (): void => {
    const r = recorder();
    if (r) r.consultedScope = true;
  };
  return {
    int: hooks.int, long: hooks.long, llong: hooks.llong, sizeT: hooks.sizeT,
    typeName: (toks, i) => {
      if (toks[i]?.kind === TK.Ident) consult();
      return hooks.typeName(toks, i);
    },
    ident: (name) => (consult(), hooks.ident(name)),
    isTypeName: (name) => (consult(), hooks.isTypeName(name)),
  };
}

/**
 * What a unit's declarations are a function of (with the ABI): its preprocessed tokens, and the
 * header each comes from (a record's header is part of its layout). Texts are enough: the
 * tokenizer gives a text one kind. Line numbers are left out: they only reach diagnostics.
 * An outermost include's output (`includes`) enters as its effect's own fingerprint, computed
 * once for every unit that replays it: most of a unit's tokens are its includes'. The same tokens
 * split differently give another fingerprint, which costs a memo miss, never a wrong answer.
 */
export function tokensFingerprint(tokens: readonly Token[], includes: readonly IncludedOutput[] = []): string {
  const h = createHash('sha1');
  let from = 0;
  for (const { start, end, effect } of includes) {
    hashTexts(h, tokens, from, start);
    h.update(`\x02${(effect.fingerprint ??= tokensFingerprint(effect.tokens))}\0`);
    from = end;
  }
  hashTexts(h, tokens, from, tokens.length);
  return h.digest('hex');
}

/** Token texts `[from, to)`, each run of one file after its name. */
function hashTexts(h: Hash, tokens: readonly Token[], from: number, to: number): void {
  const CHUNK = 8192;
  let file: Token['file'] | undefined;
  for (let i = from; i < to; i += CHUNK) {
    const texts = new Array<string>(Math.min(CHUNK, to - i));
    for (let k = 0; k < texts.length; k++) {
      const t = tokens[i + k]!;
      texts[k] = t.file === file ? t.text : `\x01${(file = t.file).name}\x01${t.text}`;
    }
    h.update(texts.join('\0'));
    h.update('\0');
  }
}

/** A definition's text, as far as expansion can tell ('' for no definition); kept on the macro. */
function signature(m: Macro | undefined): string {
  if (!m) return '';
  if (m.signature === undefined) {
    let s = m.params ? `(${m.params.join(',')}${m.variadic ? ',...' : ''})` : '=';
    for (const t of m.body) s += `${t.space ? ' ' : ''}${t.kind}:${t.text}\x00`;
    m.signature = s;
  }
  return m.signature;
}
