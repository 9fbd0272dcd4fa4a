// Macro expansion (C11 6.10.3) with Prosser's hide sets, as chibicc does it. Tokens to read come
// from a Reader: a stack of pending tokens, then (for a whole translation unit) the file itself.

import { retoken, TK, token, tokenize, type HideSet, type Token } from './tokenize.js';

export interface Macro {
  name: string;
  /** undefined for object-like macros. */
  params?: string[];
  variadic: boolean;
  body: Token[];
  /** Where it was defined: include path and line. */
  header: string;
  line: number;
  /** Its text for the macro value memo (layout/macro-memo.ts), made when first asked for. */
  signature?: string;
}

/** A `#define` line (the tokens after `define`) as a macro; undefined without a name. */
export function parseDefine(rest: readonly Token[]): Macro | undefined {
  const nameTok = rest[0];
  if (!nameTok || nameTok.kind !== TK.Ident) return undefined;
  const lp = rest[1];
  let body: Token[];
  let params: string[] | undefined;
  let variadic = false;
  if (lp && lp.text === '(' && !lp.space) {
    params = [];
    let namedVariadic: string | undefined;
    let i = 2;
    for (; i < rest.length && rest[i]!.text !== ')'; i++) {
      const t = rest[i]!;
      if (t.text === '...') variadic = true;
      else if (t.kind === TK.Ident) {
        // GNU named variadic parameter: `args...` stands for __VA_ARGS__.
        if (rest[i + 1]?.text === '...') { variadic = true; namedVariadic = t.text; i++; continue; }
        params.push(t.text);
      }
    }
    body = rest.slice(i + 1);
    if (namedVariadic) body = body.map((t) => (t.text === namedVariadic ? retoken(t, { text: '__VA_ARGS__' }) : t));
  } else {
    body = rest.slice(1);
  }
  return { name: nameTok.text, params, variadic, body, header: nameTok.file.name, line: nameTok.line };
}

/**
 * The macros of one translation unit, over a shared base (the ABI's predefined macros) that is
 * never copied: a unit's own definitions and #undefs shadow it.
 */
export class MacroTable {
  private readonly own = new Map<string, Macro | null>();
  /** Told of every lookup and change while set (the preprocessor's include memo, cpp/include-memo.ts). */
  watcher?: MacroWatcher;
  constructor(private readonly base?: MacroTable) {}

  get(name: string): Macro | undefined {
    const m = this.find(name);
    this.watcher?.read(name, m);
    return m;
  }
  /** A lookup nobody is told of. */
  find(name: string): Macro | undefined {
    const m = this.own.get(name);
    if (m !== undefined) return m ?? undefined;
    return this.base?.find(name);
  }
  has(name: string): boolean {
    return this.get(name) !== undefined;
  }
  set(name: string, m: Macro): void {
    this.own.set(name, m);
    this.watcher?.write(name, m);
  }
  delete(name: string): void {
    this.own.set(name, null);
    this.watcher?.write(name, null);
  }
  /** Macros defined (and still defined) by this unit itself, not the base. */
  ownMacros(): Macro[] {
    // An array, not a generator: a unit iterates thousands, and each step was an object to collect.
    const out: Macro[] = [];
    for (const m of this.own.values()) if (m) out.push(m);
    return out;
  }
}

export interface MacroWatcher {
  read(name: string, m: Macro | undefined): void;
  /** null: #undef */
  write(name: string, m: Macro | null): void;
}

export interface TokenSource {
  /** The next token, or undefined at the end. Directives are the source's own business. */
  next(): Token | undefined;
  peek(): Token | undefined;
}

/** Pending tokens (a stack, last element read first) in front of an optional underlying source. */
export class Reader implements TokenSource {
  private pending: Token[] = [];
  constructor(private readonly under?: TokenSource) {}

  static of(tokens: readonly Token[]): Reader {
    const r = new Reader();
    r.pushFront(tokens);
    return r;
  }

  next(): Token | undefined {
    return this.pending.length > 0 ? this.pending.pop() : this.under?.next();
  }
  peek(): Token | undefined {
    return this.pending.length > 0 ? this.pending[this.pending.length - 1] : this.under?.peek();
  }
  pushFront(tokens: readonly Token[]): void {
    for (let i = tokens.length - 1; i >= 0; i--) this.pending.push(tokens[i]!);
  }
}

export function hidden(set: HideSet | undefined, name: string): boolean {
  for (let h = set; h; h = h.next) if (h.name === name) return true;
  return false;
}

function addHide(set: HideSet | undefined, name: string): HideSet {
  return { name, next: set };
}

function intersect(a: HideSet | undefined, b: HideSet | undefined): HideSet | undefined {
  let out: HideSet | undefined;
  for (let h = a; h; h = h.next) if (hidden(b, h.name)) out = { name: h.name, next: out };
  return out;
}

/** Observes expansion: the ioctl decoder wants to know whether `_IOC` was used. */
export type ExpansionHook = (macro: Macro) => void;

export class Expander {
  constructor(
    readonly macros: MacroTable,
    private readonly onExpand?: ExpansionHook,
  ) {}

  /**
   * Tries to expand `tok` (already read from `reader`). Returns true when it was a macro whose
   * expansion is now pending in `reader`; false when `tok` is to be output as it is.
   */
  expand(tok: Token, reader: Reader): boolean {
    if (tok.kind !== TK.Ident) return false;
    const m = this.macros.get(tok.text);
    if (!m || hidden(tok.hide, m.name)) return false;

    if (!m.params) {
      const hs = addHide(tok.hide, m.name);
      this.onExpand?.(m);
      reader.pushFront(this.copyBody(m.body, hs, tok));
      return true;
    }
    const lp = reader.peek();
    if (!lp || lp.text !== '(' || lp.kind !== TK.Punct) return false;
    reader.next();
    const args = this.readArgs(m, reader);
    if (!args) return false; // unterminated: leave the name as it is
    this.onExpand?.(m);
    const hs = addHide(intersect(tok.hide, args.rparen.hide), m.name);
    reader.pushFront(this.copyBody(this.substitute(m, args.args), hs, tok));
    return true;
  }

  /** Fully expands a token list that stands on its own (a macro argument, an `#if` line). */
  expandAll(tokens: readonly Token[]): Token[] {
    const reader = Reader.of(tokens);
    const out: Token[] = [];
    for (let t = reader.next(); t; t = reader.next()) if (!this.expand(t, reader)) out.push(t);
    return out;
  }

  private copyBody(body: readonly Token[], hs: HideSet, origin: Token): Token[] {
    const out = new Array<Token>(body.length);
    for (let i = 0; i < body.length; i++) {
      const b = body[i]!;
      out[i] = token(b.kind, b.text, origin.file, origin.line, i === 0 ? origin.space : b.space, false, mergeHide(b.hide, hs));
    }
    return out;
  }

  private readArgs(m: Macro, reader: Reader): { args: Token[][]; rparen: Token } | undefined {
    const args: Token[][] = [];
    let cur: Token[] = [];
    let depth = 0;
    const nparams = m.params!.length;
    for (;;) {
      const t = reader.next();
      if (!t) return undefined;
      if (t.kind === TK.Punct) {
        if (t.text === '(') depth++;
        else if (t.text === ')') {
          if (depth === 0) {
            args.push(cur);
            // `F()` passes one empty argument; a zero-parameter macro takes none.
            if (nparams === 0 && args.length === 1 && args[0]!.length === 0) args.length = 0;
            return { args, rparen: t };
          }
          depth--;
        } else if (t.text === ',' && depth === 0 && !(m.variadic && args.length === nparams)) {
          args.push(cur);
          cur = [];
          continue;
        }
      }
      cur.push(t);
    }
  }

  private substitute(m: Macro, args: Token[][]): Token[] {
    const params = m.params!;
    const argOf = (name: string): Token[] | undefined => {
      if (m.variadic && name === '__VA_ARGS__') return args[params.length] ?? [];
      const i = params.indexOf(name);
      return i < 0 ? undefined : (args[i] ?? []);
    };
    const expanded = new Map<string, Token[]>();
    const expandedArg = (name: string, raw: Token[]): Token[] => {
      let e = expanded.get(name);
      if (!e) { e = this.expandAll(raw); expanded.set(name, e); }
      return e;
    };

    const body = m.body;
    const out: Token[] = [];
    for (let i = 0; i < body.length; i++) {
      const t = body[i]!;
      // # param: stringize
      if (t.kind === TK.Punct && t.text === '#' && i + 1 < body.length) {
        const a = argOf(body[i + 1]!.text);
        if (a) {
          out.push(stringize(a, t));
          i++;
          continue;
        }
      }
      // GNU `, ## __VA_ARGS__`: drop the comma when the variadic argument is empty.
      if (t.text === ',' && body[i + 1]?.text === '##' && body[i + 2]?.text === '__VA_ARGS__' && m.variadic) {
        const va = args[params.length] ?? [];
        if (va.length === 0) { i += 2; continue; }
        out.push(t);
        i++; // the ## disappears; __VA_ARGS__ is inserted unexpanded next round
        continue;
      }
      if (t.kind === TK.Punct && t.text === '##' && out.length > 0 && i + 1 < body.length) {
        const rhsTok = body[i + 1]!;
        const rhs = argOf(rhsTok.text) ?? [rhsTok];
        i++;
        if (rhs.length === 0) continue;
        const lhs = out.pop()!;
        out.push(paste(lhs, rhs[0]!), ...rhs.slice(1));
        continue;
      }
      const a = t.kind === TK.Ident ? argOf(t.text) : undefined;
      if (a) {
        // Operand of a following ## is inserted unexpanded.
        if (body[i + 1]?.text === '##') {
          if (a.length === 0) {
            // Placemarker: `x ## y` with empty x yields y.
            const rhsTok = body[i + 2];
            if (rhsTok) {
              const rhs = argOf(rhsTok.text) ?? [rhsTok];
              out.push(...rhs);
              i += 2;
            }
            continue;
          }
          out.push(...a.map((x, k) => (k === 0 ? retoken(x, { space: t.space }) : x)));
          continue;
        }
        const e = expandedArg(t.text, a);
        out.push(...e.map((x, k) => (k === 0 ? retoken(x, { space: t.space }) : x)));
        continue;
      }
      out.push(t);
    }
    return out;
  }
}

function mergeHide(a: HideSet | undefined, b: HideSet): HideSet {
  if (!a) return b;
  let out = b;
  for (let h: HideSet | undefined = a; h; h = h.next) if (!hidden(out, h.name)) out = { name: h.name, next: out };
  return out;
}

export function stringize(tokens: readonly Token[], at: Token): Token {
  let s = '';
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (i > 0 && t.space) s += ' ';
    s += t.kind === TK.String || t.kind === TK.Char ? t.text.replace(/[\\"]/g, '\\$&') : t.text;
  }
  return token(TK.String, `"${s}"`, at.file, at.line, at.space, false);
}

function paste(lhs: Token, rhs: Token): Token {
  const text = lhs.text + rhs.text;
  const toks = tokenize({ name: lhs.file.name, text }).tokens;
  const kind = toks.length === 1 ? toks[0]!.kind : TK.Other;
  return token(kind, text, lhs.file, lhs.line, lhs.space, false, lhs.hide);
}
