// Tokenizer: C source text -> preprocessing tokens (C11 6.4, the subset headers use).
// Comments become whitespace; backslash-newlines are spliced. Tokens are small immutable objects
// the preprocessor copies when it expands macros.

export const enum TK {
  Ident,
  Number,
  String,
  Char,
  Punct,
  /** A character no C token starts with (`@`, `$`, a stray `\`). */
  Other,
}

export interface SourceFile extends TokenFile {
  text: string;
}

/**
 * The file tokens came from: its name, in one object per tokenized text (compared by identity).
 * Not the text: tokens live in caches long after it was read, and would keep every version of
 * every header a history's token cache saw (texts were 114 of a layout worker's 542 MiB).
 */
export interface TokenFile {
  /** Include path (`linux/kvm.h`) or a pseudo name (`<built-in>`). */
  readonly name: string;
}

/**
 * A preprocessing token. A layout worker's token cache held a history's header versions as 1.5 M
 * of these, a third of its live heap (600 k now, unit-cache.ts): kind, the two whitespace flags
 * and the line share one small integer, so a cached token is 3 fields (48 bytes) where 6 were 72
 * (BENCHMARKS.md). A class, so that a token is only ever made by `token` or `retoken` (an object
 * literal would lack the bits).
 */
export class Token {
  /** Macro names this token came out of (the "hide set" of Prosser's algorithm): expanded tokens only. */
  declare readonly hide?: HideSet;
  constructor(readonly text: string, readonly file: TokenFile, private readonly bits: number) {}
  get kind(): TK {
    return this.bits & 7;
  }
  /** Whitespace (or a comment) precedes it on its line. */
  get space(): boolean {
    return (this.bits & 8) !== 0;
  }
  /** First token on its line (directives start here). */
  get bol(): boolean {
    return (this.bits & 16) !== 0;
  }
  get line(): number {
    return this.bits >>> 5;
  }
}

/** A token a macro expansion made: a fourth field, on these alone. */
class ExpandedToken extends Token {
  constructor(text: string, file: TokenFile, bits: number, override readonly hide: HideSet) {
    super(text, file, bits);
  }
}

/** `line` stays exact up to 2^27 lines (the bits are read unsigned). */
export function token(kind: TK, text: string, file: TokenFile, line: number, space: boolean, bol: boolean, hide?: HideSet): Token {
  const bits = kind | (space ? 8 : 0) | (bol ? 16 : 0) | (line << 5);
  return hide ? new ExpandedToken(text, file, bits, hide) : new Token(text, file, bits);
}

/** `t` with some of its parts replaced (its file, line and hide set kept). */
export function retoken(t: Token, change: { kind?: TK; text?: string; space?: boolean; bol?: boolean }): Token {
  return token(change.kind ?? t.kind, change.text ?? t.text, t.file, t.line, change.space ?? t.space, change.bol ?? t.bol, t.hide);
}

/** An immutable linked set of macro names; tokens share tails. */
export interface HideSet { name: string; next: HideSet | undefined }

/** Something a stage could not read or lay out, where, and why. Never a stop. */
export interface Diagnostic { header: string; line: number; message: string }

export interface TokenizeProblem { line: number; message: string }

export interface Tokenized { file: TokenFile; tokens: Token[]; problems: TokenizeProblem[] }

const PUNCTS3 = new Set(['<<=', '>>=', '...']);
const PUNCTS2 = new Set([
  '->', '++', '--', '<<', '>>', '<=', '>=', '==', '!=', '&&', '||', '*=', '/=', '%=', '+=', '-=',
  '&=', '^=', '|=', '##',
]);

function isIdentStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 36;
}
function isIdentChar(c: number): boolean {
  return isIdentStart(c) || (c >= 48 && c <= 57);
}
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Collapses backslash-newline splices, adding the swallowed newlines after the logical line. */
function spliceLines(text: string): string {
  if (text.indexOf('\\') < 0) return text;
  const lines = text.split('\n');
  const out: string[] = [];
  let pending = 0;
  let cur = '';
  let joining = false;
  for (let k = 0; k < lines.length; k++) {
    let line = lines[k]!;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (line.endsWith('\\')) {
      cur += line.slice(0, -1);
      pending++;
      joining = true;
      continue;
    }
    cur += line;
    out.push(cur);
    for (; pending > 0; pending--) out.push('');
    cur = '';
    joining = false;
  }
  if (joining) out.push(cur);
  return out.join('\n');
}

export function tokenize(source: SourceFile): Tokenized {
  const file: TokenFile = { name: source.name };
  const src = spliceLines(source.text);
  const tokens: Token[] = [];
  const problems: TokenizeProblem[] = [];
  const n = src.length;
  let i = 0;
  let line = 1;
  let bol = true;
  let space = false;

  while (i < n) {
    const c = src.charCodeAt(i);
    if (c === 10) { line++; i++; bol = true; space = false; continue; }
    if (c === 32 || c === 9 || c === 13 || c === 12 || c === 11) { i++; space = true; continue; }
    if (c === 47 /* / */) {
      const d = src.charCodeAt(i + 1);
      if (d === 47) {
        const e = src.indexOf('\n', i);
        i = e < 0 ? n : e;
        space = true;
        continue;
      }
      if (d === 42) {
        const e = src.indexOf('*/', i + 2);
        const startLine = line;
        const end = e < 0 ? n : e + 2;
        for (let k = i; k < end; k++) if (src.charCodeAt(k) === 10) line++;
        if (e < 0) problems.push({ line: startLine, message: 'unterminated comment' });
        i = end;
        space = true;
        continue;
      }
    }
    const start = i;
    let kind: TK;
    if (isIdentStart(c)) {
      i++;
      while (i < n && isIdentChar(src.charCodeAt(i))) i++;
      // L'x', u8"..." prefixes
      const q = src.charCodeAt(i);
      if ((q === 39 || q === 34) && /^(L|u|U|u8)$/.test(src.slice(start, i))) {
        const e = scanQuoted(src, i, q);
        if (e > 0) { i = e; kind = q === 39 ? TK.Char : TK.String; } else kind = TK.Ident;
      } else {
        kind = TK.Ident;
      }
    } else if (isDigit(c) || (c === 46 && isDigit(src.charCodeAt(i + 1)))) {
      // pp-number: digits, letters, '.', and e+ e- p+ p- pairs
      i++;
      for (;;) {
        const d = src.charCodeAt(i);
        if ((d === 43 || d === 45) && /[eEpP]/.test(src[i - 1]!)) { i++; continue; }
        if (isIdentChar(d) || d === 46) { i++; continue; }
        break;
      }
      kind = TK.Number;
    } else if (c === 34 || c === 39) {
      const e = scanQuoted(src, i, c);
      // An apostrophe in prose (`#if 0` text, `#error don't`) is a lone character, as in cpp.
      if (e > 0) { i = e; kind = c === 39 ? TK.Char : TK.String; } else { i++; kind = TK.Other; }
    } else {
      const three = src.substr(i, 3);
      if (PUNCTS3.has(three)) i += 3;
      else if (PUNCTS2.has(src.substr(i, 2))) i += 2;
      else i++;
      kind = isPunctChar(c) ? TK.Punct : TK.Other;
    }
    tokens.push(token(kind, intern(src.slice(start, i)), file, line, space, bol));
    bol = false;
    space = false;
  }
  return { file, tokens, problems };
}

/**
 * Strings by value: the tokens of a history's versions of a header share their texts (a worker's
 * heap held 1.5 M short strings of 357 k distinct values), and so do the member paths the layout
 * stage makes from them (layout/shared-records.ts). A string kept is a copy of its own, because a
 * slice (V8 makes one of 13 characters or more) keeps the whole text it was cut from alive, and a
 * concatenation its parts. Bounded: cleared when full (what holds a string keeps it).
 */
const texts = new Map<string, string>();
const MAX_TEXTS = 1 << 18;

export function intern(s: string): string {
  let text = texts.get(s);
  if (text === undefined) {
    if (texts.size >= MAX_TEXTS) texts.clear();
    text = s.length >= 13 ? (' ' + s).slice(1) : s;
    texts.set(text, text);
  }
  return text;
}

function isPunctChar(c: number): boolean {
  return '!%&()*+,-./:;<=>?[]^{|}~#'.indexOf(String.fromCharCode(c)) >= 0;
}

/** End of the literal starting at `i`, or -1 when it is not closed on its line. */
function scanQuoted(src: string, i: number, quote: number): number {
  for (let k = i + 1; k < src.length; k++) {
    const d = src.charCodeAt(k);
    if (d === 92) { k++; continue; }
    if (d === quote) return k + 1;
    if (d === 10) break;
  }
  return -1;
}
