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
//   constants (TypeHooks): each question it asked them is kept with the answer it got.
// A kept value is reused only where every recorded lookup finds the same text and every recorded
// question gets the same answer: the evaluation, a function of its tokens and of those answers,
// would then go the same way. The questions are asked again only where the unit's tokens differ
// from those the value was kept under (their fingerprint): an edit of a struct in linux/kvm.h
// changes the fingerprint, yet leaves the size of nearly every struct its ioctls name.

import { createHash, type Hash } from 'node:crypto';
import type { IncludedOutput } from '../cpp/preprocess.js';
import type { Macro, MacroTable, MacroWatcher } from '../cpp/macro.js';
import { ExprError, type IntType, type IntValue, type TypeHooks } from '../cpp/expr.js';
import { TK, type Token } from '../cpp/tokenize.js';
import type { MacroEvaluation } from './macro-values.js';

type TypeAnswer = ReturnType<TypeHooks['typeName']>;

/** A question a valuation asked the unit's declarations, with the answer it got. */
type Consult =
  /** `toks`: the type name and what follows it up to the `)` that closes its group (groupRest). */
  | { ask: 'typeName'; toks: readonly Token[]; answer: TypeAnswer | ExprError }
  | { ask: 'ident'; name: string; answer: IntValue | undefined }
  | { ask: 'isTypeName'; name: string; answer: boolean };

interface Kept {
  /** Names looked up while expanding, each followed by the signature of what was found ('' for nothing). */
  lookups: string[];
  /** The questions asked of the unit's declarations, in order; none: the value holds in any unit. */
  consults?: Consult[];
  /** The fingerprint of a unit where `consults` were answered as kept (asked again elsewhere). */
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

  /**
   * The kept value of `name` that holds in this unit: `table`, its fingerprint (`scope`, computed
   * when asked) and its declarations (`hooks`, parsed when asked).
   */
  find(name: string, table: MacroTable, scope: () => string, hooks: TypeHooks): Kept | undefined {
    next: for (const k of this.byName.get(name) ?? []) {
      const l = k.lookups;
      for (let i = 0; i < l.length; i += 2) if (signature(table.find(l[i]!)) !== l[i + 1]) continue next;
      if (k.consults && k.scope !== scope()) {
        for (const c of k.consults) if (!sameAnswer(c, hooks)) continue next;
        k.scope = scope(); // the next unit with these tokens compares one string
      }
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

/** Watches one valuation: the names it looks up and the questions it asks the declarations. */
export class ValuationRecorder implements MacroWatcher {
  private readonly seen = new Map<string, string>();
  readonly consults: Consult[] = [];

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
 * `hooks` that tell `recorder()` each question asked of the unit's declarations and its answer.
 * A type name can only start with an identifier: a probe at a `(` followed by anything else (the
 * usual parenthesized arithmetic) consults nothing.
 */
export function watchedHooks(hooks: TypeHooks, recorder: () => ValuationRecorder | undefined): TypeHooks {
  return {
    int: hooks.int, long: hooks.long, llong: hooks.llong, sizeT: hooks.sizeT,
    typeName: (toks, i) => {
      const r = toks[i]?.kind === TK.Ident ? recorder() : undefined;
      if (!r) return hooks.typeName(toks, i);
      const rest = groupRest(toks, i);
      let answer: TypeAnswer;
      try {
        answer = hooks.typeName(rest, 0);
      } catch (e) {
        if (e instanceof ExprError) r.consults.push({ ask: 'typeName', toks: rest, answer: e });
        throw e;
      }
      r.consults.push({ ask: 'typeName', toks: rest, answer });
      return answer && { ...answer, end: answer.end + i };
    },
    ident: (name) => {
      const answer = hooks.ident(name);
      recorder()?.consults.push({ ask: 'ident', name, answer });
      return answer;
    },
    isTypeName: (name) => {
      const answer = hooks.isTypeName(name);
      recorder()?.consults.push({ ask: 'isTypeName', name, answer });
      return answer;
    },
  };
}

/**
 * The tokens from `i` through the `)` that closes the group `i` is in, or to the end. A type name
 * is probed after the `(` of a cast or `sizeof`, and ends before that `)`: the question is asked
 * (when kept and when asked again) of these tokens alone, so that a kept value holds a few tokens,
 * not the rest of its expression.
 */
function groupRest(toks: readonly Token[], i: number): Token[] {
  let depth = 0;
  for (let k = i; k < toks.length; k++) {
    const t = toks[k]!.text;
    if (t === '(') depth++;
    else if (t === ')' && depth-- === 0) return toks.slice(i, k + 1);
  }
  return toks.slice(i);
}

/** Does this unit (`hooks`) answer the question as it was answered when the value was kept? */
function sameAnswer(c: Consult, hooks: TypeHooks): boolean {
  switch (c.ask) {
    case 'ident': {
      const now = hooks.ident(c.name);
      return now === c.answer || (!!now && !!c.answer && now.v === c.answer.v && sameIntType(now.type, c.answer.type));
    }
    case 'isTypeName':
      return hooks.isTypeName(c.name) === c.answer;
    case 'typeName': {
      let now: TypeAnswer | ExprError;
      try {
        now = hooks.typeName(c.toks, 0);
      } catch (e) {
        if (!(e instanceof ExprError)) throw e;
        now = e;
      }
      const was = c.answer;
      if (now instanceof ExprError || was instanceof ExprError) {
        return now instanceof ExprError && was instanceof ExprError && now.message === was.message && now.retryable === was.retryable;
      }
      if (!now || !was) return now === was;
      return now.end === was.end && now.size === was.size && now.align === was.align &&
        (now.int === was.int || (!!now.int && !!was.int && sameIntType(now.int, was.int)));
    }
  }
}

const sameIntType = (a: IntType, b: IntType): boolean => a.bits === b.bits && a.unsigned === b.unsigned && a.rank === b.rank;

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
