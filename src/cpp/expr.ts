// Integer constant expressions (C11 6.6), shared by `#if` and by macro values. Values carry their
// C integer type, because `-1` and `0xffffffff` differ by type, and `long` is 4 or 8 bytes by ABI.
// `#if` arithmetic uses intmax_t/uintmax_t for everything (C11 6.10.1p4).

import { TK, type Token } from './tokenize.js';

export interface IntType {
  /** Width in bits: 8, 16, 32, 64 or 128. */
  bits: number;
  unsigned: boolean;
  /** Conversion rank: 1 char, 2 short, 3 int, 4 long, 5 long long, 6 __int128. */
  rank: number;
}

export interface IntValue { v: bigint; type: IntType }

/**
 * Not an Error: most object-like macros are no integer constants, and building a stack trace
 * for each of them was a tenth of the engine's time.
 */
export class ExprError {
  /**
   * `retryable`: the expression names something this translation unit does not define (an
   * identifier, an incomplete struct), so another unit that defines more may succeed.
   */
  constructor(readonly message: string, readonly retryable = false) {}
}

/** What the C stage adds to plain `#if` arithmetic: types for casts and `sizeof`. */
export interface TypeHooks {
  /** The ABI's int, long, long long and size_t types. */
  int: IntType;
  long: IntType;
  llong: IntType;
  sizeT: IntType;
  /**
   * If a type name starts at `toks[i]`, parse it: returns the index after it and, for the
   * integer cast target, its integer type (undefined for pointers etc.: a cast to a pointer
   * type is not an integer constant). `size`/`align` answer `sizeof` and `_Alignof`.
   */
  typeName(toks: readonly Token[], i: number): { end: number; int?: IntType; size: number; align: number } | undefined;
  /** Enumeration constants. */
  ident(name: string): IntValue | undefined;
  /** A typedef name or a type keyword. */
  isTypeName(name: string): boolean;
}

const INTMAX: IntType = { bits: 64, unsigned: false, rank: 5 };
const UINTMAX: IntType = { bits: 64, unsigned: true, rank: 5 };

export function wrap(v: bigint, t: IntType): bigint {
  return t.unsigned ? BigInt.asUintN(t.bits, v) : BigInt.asIntN(t.bits, v);
}

/** Evaluates a whole token list; `hooks` absent means `#if` rules (identifiers are 0). */
export function evaluate(tokens: readonly Token[], hooks?: TypeHooks): IntValue {
  const p = new ExprParser(tokens, hooks);
  const v = p.conditional();
  if (p.i < tokens.length) throw new ExprError(`unexpected '${tokens[p.i]!.text}' in expression`);
  return v;
}

class ExprParser {
  i = 0;
  private readonly int: IntType;
  private readonly long: IntType;
  private readonly llong: IntType;
  private readonly uint: IntType;
  private readonly ulong: IntType;
  private readonly ullong: IntType;

  constructor(private readonly toks: readonly Token[], private readonly hooks?: TypeHooks) {
    const pp = !hooks;
    this.int = pp ? INTMAX : hooks.int;
    this.long = pp ? INTMAX : hooks.long;
    this.llong = pp ? INTMAX : hooks.llong;
    this.uint = pp ? UINTMAX : { ...hooks.int, unsigned: true };
    this.ulong = pp ? UINTMAX : { ...hooks.long, unsigned: true };
    this.ullong = pp ? UINTMAX : { ...hooks.llong, unsigned: true };
  }

  private peek(): string | undefined {
    return this.toks[this.i]?.text;
  }
  private accept(text: string): boolean {
    const t = this.toks[this.i];
    if (t && t.text === text && t.kind === TK.Punct) { this.i++; return true; }
    return false;
  }
  private expect(text: string): void {
    if (!this.accept(text)) throw new ExprError(`expected '${text}'${this.peek() ? ` before '${this.peek()}'` : ' at end of expression'}`);
  }

  conditional(): IntValue {
    const c = this.binary(0);
    if (!this.accept('?')) return c;
    const a = this.comma();
    this.expect(':');
    const b = this.conditional();
    const t = this.common(a.type, b.type);
    return c.v !== 0n ? this.conv(a, t) : this.conv(b, t);
  }

  private comma(): IntValue {
    let v = this.conditional();
    while (this.accept(',')) v = this.conditional();
    return v;
  }

  private static readonly PREC: Record<string, number> = {
    '||': 1, '&&': 2, '|': 3, '^': 4, '&': 5, '==': 6, '!=': 6,
    '<': 7, '>': 7, '<=': 7, '>=': 7, '<<': 8, '>>': 8, '+': 9, '-': 9, '*': 10, '/': 10, '%': 10,
  };

  private binary(minPrec: number): IntValue {
    let lhs = this.unary();
    for (;;) {
      const t = this.toks[this.i];
      if (!t || t.kind !== TK.Punct) return lhs;
      const prec = ExprParser.PREC[t.text];
      if (prec === undefined || prec <= minPrec) return lhs;
      this.i++;
      const rhs = this.binary(prec);
      lhs = this.apply(t.text, lhs, rhs);
    }
  }

  private apply(op: string, a: IntValue, b: IntValue): IntValue {
    const bool = (x: boolean): IntValue => ({ v: x ? 1n : 0n, type: this.int });
    if (op === '&&') return bool(a.v !== 0n && b.v !== 0n);
    if (op === '||') return bool(a.v !== 0n || b.v !== 0n);
    if (op === '<<' || op === '>>') {
      const t = this.promote(a.type);
      const n = Number(b.v);
      if (n < 0 || n >= t.bits) throw new ExprError(`shift count ${n} out of range`);
      return { v: wrap(op === '<<' ? a.v << BigInt(n) : a.v >> BigInt(n), t), type: t };
    }
    const t = this.common(a.type, b.type);
    const x = wrap(a.v, t);
    const y = wrap(b.v, t);
    switch (op) {
      case '+': return { v: wrap(x + y, t), type: t };
      case '-': return { v: wrap(x - y, t), type: t };
      case '*': return { v: wrap(x * y, t), type: t };
      case '/':
        if (y === 0n) throw new ExprError('division by zero');
        return { v: wrap(x / y, t), type: t };
      case '%':
        if (y === 0n) throw new ExprError('division by zero');
        return { v: wrap(x % y, t), type: t };
      case '&': return { v: wrap(x & y, t), type: t };
      case '|': return { v: wrap(x | y, t), type: t };
      case '^': return { v: wrap(x ^ y, t), type: t };
      case '==': return bool(x === y);
      case '!=': return bool(x !== y);
      case '<': return bool(x < y);
      case '>': return bool(x > y);
      case '<=': return bool(x <= y);
      case '>=': return bool(x >= y);
    }
    throw new ExprError(`unknown operator '${op}'`);
  }

  private unary(): IntValue {
    const t = this.toks[this.i];
    if (!t) throw new ExprError('expression ends too early');
    if (t.kind === TK.Punct) {
      switch (t.text) {
        case '+': { this.i++; const v = this.unary(); const ty = this.promote(v.type); return { v: wrap(v.v, ty), type: ty }; }
        case '-': { this.i++; const v = this.unary(); const ty = this.promote(v.type); return { v: wrap(-v.v, ty), type: ty }; }
        case '~': { this.i++; const v = this.unary(); const ty = this.promote(v.type); return { v: wrap(~v.v, ty), type: ty }; }
        case '!': { this.i++; const v = this.unary(); return { v: v.v === 0n ? 1n : 0n, type: this.int }; }
        case '(': {
          const cast = this.hooks?.typeName(this.toks, this.i + 1);
          if (cast && this.toks[cast.end]?.text === ')') {
            this.i = cast.end + 1;
            const v = this.unary();
            if (!cast.int) throw new ExprError('cast to a non-integer type');
            return { v: wrap(v.v, cast.int), type: cast.int };
          }
          this.i++;
          const v = this.comma();
          this.expect(')');
          return v;
        }
      }
    }
    if (t.kind === TK.Ident && this.hooks) {
      if (t.text === 'sizeof' || t.text === '_Alignof' || t.text === '__alignof__' || t.text === '__alignof') {
        this.i++;
        const isSize = t.text === 'sizeof';
        if (this.peek() === '(') {
          const ty = this.hooks.typeName(this.toks, this.i + 1);
          if (ty && this.toks[ty.end]?.text === ')') {
            this.i = ty.end + 1;
            return { v: BigInt(isSize ? ty.size : ty.align), type: this.hooks.sizeT };
          }
        }
        throw new ExprError(`${t.text} of an expression is not supported`);
      }
    }
    return this.primary();
  }

  private primary(): IntValue {
    const t = this.toks[this.i++]!;
    if (t.kind === TK.Number) return this.number(t.text);
    if (t.kind === TK.Char) return { v: charValue(t.text), type: this.int };
    if (t.kind === TK.Ident) {
      if (!this.hooks) return { v: 0n, type: this.int }; // #if: unknown identifiers are 0
      const v = this.hooks.ident(t.text);
      if (v) return v;
      if (this.hooks.isTypeName(t.text)) throw new ExprError(`type name '${t.text}' where a value belongs`);
      throw new ExprError(`'${t.text}' is not an integer constant`, true);
    }
    throw new ExprError(`unexpected '${t.text}' in expression`);
  }

  /** A constant's value and type depend on its text and the widths of int, long and long long. */
  private number(text: string): IntValue {
    // A unit values the same few constants again and again (BigInt, regular expressions).
    const bits = this.hooks ? (this.int.bits * 256 + this.long.bits) * 256 + this.llong.bits : 0;
    let known = NUMBERS.get(bits);
    if (!known) NUMBERS.set(bits, (known = new Map()));
    let v = known.get(text);
    if (!v) {
      if (known.size >= MAX_NUMBERS) known.clear();
      known.set(text, (v = this.parseNumber(text)));
    }
    return v;
  }

  private parseNumber(text: string): IntValue {
    if (/^[1-9][0-9]{0,8}$|^0$/.test(text)) return { v: BigInt(text), type: this.int }; // fits in int
    const m = /^(0[xX][0-9a-fA-F]+|0[bB][01]+|[0-9]+)([uUlL]*)$/.exec(text);
    if (!m) throw new ExprError(`'${text}' is not an integer constant`);
    const digits = m[1]!;
    const suffix = m[2]!.toLowerCase();
    let v: bigint;
    if (/^0[0-7]+$/.test(digits)) v = BigInt('0o' + digits.slice(1));
    else if (/^0[0-9]+$/.test(digits)) throw new ExprError(`invalid octal constant '${text}'`);
    else v = BigInt(digits);
    const decimal = /^[1-9]|^0$/.test(digits);
    const u = suffix.includes('u');
    const l = suffix.replace('u', '');
    if (l !== '' && l !== 'l' && l !== 'll') throw new ExprError(`invalid suffix on '${text}'`);
    // C11 6.4.4.1: the first type in the list that can represent the value.
    const candidates: IntType[] = [];
    if (l === '') candidates.push(...(u ? [this.uint] : decimal ? [this.int] : [this.int, this.uint]));
    if (l !== 'll') candidates.push(...(u ? [this.ulong] : decimal ? [this.long] : [this.long, this.ulong]));
    candidates.push(...(u ? [this.ullong] : decimal ? [this.llong] : [this.llong, this.ullong]));
    for (const c of candidates) if (fits(v, c)) return { v, type: c };
    // GCC and clang give an unsuffixed decimal too big for long long the type unsigned long long.
    if (fits(v, this.ullong)) return { v, type: this.ullong };
    throw new ExprError(`integer constant '${text}' is too large`);
  }

  private promote(t: IntType): IntType {
    return t.rank < 3 ? this.int : t;
  }

  /** The usual arithmetic conversions (C11 6.3.1.8). */
  private common(a: IntType, b: IntType): IntType {
    a = this.promote(a);
    b = this.promote(b);
    if (a.unsigned === b.unsigned) return a.rank >= b.rank ? a : b;
    const [u, s] = a.unsigned ? [a, b] : [b, a];
    if (u.rank >= s.rank) return u;
    if (s.bits > u.bits) return s;
    return { ...s, unsigned: true };
  }

  private conv(x: IntValue, t: IntType): IntValue {
    return { v: wrap(x.v, t), type: t };
  }
}

/** Integer constants by the widths of int, long and long long (0: `#if`, intmax_t for all), and text. */
const NUMBERS = new Map<number, Map<string, IntValue>>();
const MAX_NUMBERS = 100_000;

function fits(v: bigint, t: IntType): boolean {
  return t.unsigned ? v < 1n << BigInt(t.bits) : v < 1n << BigInt(t.bits - 1);
}

const ESCAPES: Record<string, number> = { n: 10, t: 9, r: 13, '0': 0, a: 7, b: 8, f: 12, v: 11, '\\': 92, "'": 39, '"': 34, '?': 63 };

function charValue(text: string): bigint {
  const body = text.slice(text.indexOf("'") + 1, -1);
  if (body[0] !== '\\') return BigInt(body.charCodeAt(0));
  const e = body.slice(1);
  if (/^[0-7]{1,3}$/.test(e)) return BigInt(parseInt(e, 8));
  if (/^x[0-9a-fA-F]+$/.test(e)) return BigInt(parseInt(e.slice(1), 16));
  const c = ESCAPES[e];
  if (c === undefined) throw new ExprError(`unknown escape in ${text}`);
  return BigInt(c);
}
