// Declarations parser: the preprocessed token stream of one translation unit -> its typedefs,
// struct/union/enum definitions and enumeration constants. Everything a header may also hold
// (function prototypes, inline function bodies, variables) is read past, not modelled.

import { evaluate, ExprError, type IntType, type IntValue, type TypeHooks } from '../cpp/expr.js';
import { TK, type Diagnostic, type Token } from '../cpp/tokenize.js';
import { resolve, type Attributes, type BaseInt, type CType, type EnumDecl, type Member, type RecordDecl } from './types.js';

/** What the parser needs from the layout stage (sizes for `sizeof` and array lengths). */
export interface Sizes {
  sizeAlign(t: CType): { size: number; align: number };
  int: IntType;
  long: IntType;
  llong: IntType;
  /** size_t (unsigned long on every Linux ABI). */
  sizeT: IntType;
  hasInt128: boolean;
  charSigned: boolean;
  abiName: string;
}

/** How a constant expression sees this translation unit's types and enumeration constants. */
export function constantHooks(sizes: Sizes, scope: Scope): TypeHooks {
  return {
    int: sizes.int, long: sizes.long, llong: sizes.llong, sizeT: sizes.sizeT,
    typeName: (ts, k) => {
      const r = parseTypeName(ts, k, sizes, scope);
      if (!r) return undefined;
      let sa;
      try {
        sa = sizes.sizeAlign(r.type);
      } catch (e) {
        throw new ExprError((e as Error).message, true); // incomplete here, maybe not elsewhere
      }
      return { end: r.end, int: intTypeOf(r.type, sizes), size: sa.size, align: sa.align };
    },
    ident: (name) => scope.enumConsts.get(name),
    isTypeName: (name) => scope.typedefs.has(name) || TYPE_WORDS.has(name),
  };
}

/** File-scope names: C has one scope for all of them in a header. */
export class Scope {
  readonly typedefs = new Map<string, CType>();
  readonly tags = new Map<string, RecordDecl | EnumDecl>();
  readonly enumConsts = new Map<string, IntValue>();
  /** Definitions in the order they appear. */
  readonly records: RecordDecl[] = [];
}

/** Not an Error: old headers throw thousands, and stack traces made them a hot spot. */
class ParseError {
  constructor(readonly message: string, readonly at: Token | undefined) {}
}

const QUALIFIERS = new Set([
  'const', 'volatile', 'restrict', '__restrict', '__restrict__', '__const', '__const__', '__volatile',
  '__volatile__', '_Atomic', '__extension__', 'inline', '__inline', '__inline__', 'static', 'extern',
  'register', 'auto', '_Noreturn', '_Thread_local', '__thread',
]);
const TYPE_WORDS = new Set([
  'void', 'char', 'short', 'int', 'long', 'signed', '__signed__', '__signed', 'unsigned', 'float', 'double',
  '_Bool', '__int128', '__int128_t', '__uint128_t', 'struct', 'union', 'enum', '_Alignas', '__attribute__',
  '__attribute', 'typeof', '__typeof__', '__typeof', '_Complex', '__complex__', '__builtin_va_list',
]);

export function parseDeclarations(tokens: readonly Token[], sizes: Sizes, scope = new Scope()): { scope: Scope; diagnostics: Diagnostic[] } {
  const p = new Parser(tokens, sizes, scope);
  p.translationUnit();
  return { scope, diagnostics: p.diagnostics };
}

/** Parses a type name at `toks[i]` (for casts and sizeof in macro values); undefined if none starts there. */
export function parseTypeName(toks: readonly Token[], i: number, sizes: Sizes, scope: Scope): { end: number; type: CType } | undefined {
  const p = new Parser(toks, sizes, scope);
  p.i = i;
  if (!p.startsType()) return undefined;
  try {
    const spec = p.declSpec();
    const d = p.declarator(spec.type, true);
    return { end: p.i, type: d.type };
  } catch (e) {
    if (e instanceof ParseError) return undefined;
    throw e;
  }
}

export class Parser {
  i = 0;
  readonly diagnostics: Diagnostic[] = [];
  private pack = 0;
  private readonly packStack: number[] = [];
  private hooksMemo: TypeHooks | undefined;

  constructor(private readonly toks: readonly Token[], private readonly sizes: Sizes, private readonly scope: Scope) {}

  private get hooks(): TypeHooks {
    return (this.hooksMemo ??= constantHooks(this.sizes, this.scope));
  }

  // --- token helpers ---------------------------------------------------------------------------

  private get tok(): Token | undefined {
    return this.toks[this.i];
  }
  private is(text: string): boolean {
    const t = this.toks[this.i];
    return t !== undefined && t.text === text && t.kind !== TK.String;
  }
  private accept(text: string): boolean {
    if (this.is(text)) { this.i++; return true; }
    return false;
  }
  private expect(text: string): void {
    if (!this.accept(text)) throw new ParseError(`expected '${text}'${this.tok ? ` before '${this.tok.text}'` : ' at end of input'}`, this.tok ?? this.toks[this.toks.length - 1]);
  }
  /** Skips a balanced (), [] or {} group starting at the current open token. */
  private skipGroup(): void {
    const open = this.tok!.text;
    const close = open === '(' ? ')' : open === '[' ? ']' : '}';
    let depth = 0;
    for (; this.i < this.toks.length; this.i++) {
      const t = this.toks[this.i]!.text;
      if (t === open) depth++;
      else if (t === close && --depth === 0) { this.i++; return; }
    }
  }
  /** Error recovery: skip to after the next ';' at this nesting level (or stop before a '}'). */
  private skipDeclaration(): void {
    while (this.i < this.toks.length) {
      const t = this.toks[this.i]!.text;
      if (t === ';') { this.i++; return; }
      if (t === '}') return;
      if (t === '(' || t === '[' || t === '{') { this.skipGroup(); continue; }
      this.i++;
    }
  }
  private diag(at: Token | undefined, message: string): void {
    this.diagnostics.push({ header: at?.file.name ?? '<unknown>', line: at?.line ?? 0, message });
  }

  startsType(): boolean {
    const t = this.tok;
    if (!t || t.kind !== TK.Ident) return false;
    return TYPE_WORDS.has(t.text) || QUALIFIERS.has(t.text) || t.text === 'typedef' || this.scope.typedefs.has(t.text);
  }

  // --- top level -------------------------------------------------------------------------------

  translationUnit(): void {
    while (this.i < this.toks.length) {
      const start = this.tok!;
      try {
        this.externalDeclaration();
      } catch (e) {
        if (!(e instanceof ParseError)) throw e;
        this.diag(e.at ?? start, e.message);
        if (this.i < this.toks.length && this.toks[this.i] === start) this.i++;
        this.skipDeclaration();
        if (this.is('}')) this.i++;
      }
    }
  }

  private externalDeclaration(): void {
    const t = this.tok!;
    if (this.accept(';')) return;
    if (t.text === '__pragma_pack') return this.pragmaPack();
    if (t.text === '_Static_assert' || t.text === 'asm' || t.text === '__asm__') return this.skipDeclaration();
    if (t.kind === TK.Ident && !this.startsType()) {
      throw new ParseError(`unknown type name '${t.text}'${this.int128Hint(t.text)}`, t);
    }
    const spec = this.declSpec();
    if (this.accept(';')) return;
    for (;;) {
      const d = this.declarator(spec.type, false);
      if (this.is('{')) { this.skipGroup(); return; } // a function body
      if (spec.isTypedef && d.name) this.defineTypedef(d.name, d.type, { ...spec.attrs, ...d.attrs });
      if (this.accept('=')) this.skipInitializer();
      if (this.accept(',')) continue;
      this.expect(';');
      return;
    }
  }

  private int128Hint(name: string): string {
    return (name === '__uint128_t' || name === '__int128_t') && !this.sizes.hasInt128
      ? ` (${this.sizes.abiName} has no 128-bit integer type)`
      : '';
  }

  private skipInitializer(): void {
    while (this.i < this.toks.length && !this.is(',') && !this.is(';')) {
      if (this.is('(') || this.is('{') || this.is('[')) this.skipGroup();
      else this.i++;
    }
  }

  private defineTypedef(name: string, type: CType, attrs: Attributes): void {
    const r = resolve(type);
    if (r.k === 'record' && !r.rec.tag && !r.rec.typedefName) r.rec.typedefName = name;
    if (type.k === 'enum' && !type.en.tag && attrs.packed) type.en.packed = true;
    this.scope.typedefs.set(name, { k: 'typedef', name, of: type, align: attrs.aligned });
  }

  private pragmaPack(): void {
    this.i++;
    const args: string[] = [];
    if (this.accept('(')) {
      while (this.tok && !this.is(')')) { if (!this.is(',')) args.push(this.tok.text); this.i++; }
      this.accept(')');
    }
    const num = args.find((a) => /^\d+$/.test(a));
    if (args[0] === 'push') {
      this.packStack.push(this.pack);
      if (num) this.pack = Number(num);
    } else if (args[0] === 'pop') {
      this.pack = this.packStack.pop() ?? 0;
    } else {
      this.pack = num ? Number(num) : 0;
    }
  }

  // --- declaration specifiers ------------------------------------------------------------------

  declSpec(): { type: CType; isTypedef: boolean; attrs: Attributes } {
    let isTypedef = false;
    const attrs: Attributes = {};
    let type: CType | undefined;
    let signed: boolean | undefined;
    let longs = 0;
    let complex = false;
    let base: 'char' | 'short' | 'int' | 'int128' | 'float' | 'double' | 'void' | 'bool' | undefined;
    const start = this.tok;

    for (;;) {
      const t = this.tok;
      if (!t || t.kind !== TK.Ident) break;
      const w = t.text;
      if (w === 'typedef') { isTypedef = true; this.i++; continue; }
      if (QUALIFIERS.has(w)) { this.i++; continue; }
      if (w === '__attribute__' || w === '__attribute') { this.attributes(attrs); continue; }
      if (w === '_Alignas') { this.alignas(attrs); continue; }
      if (w === 'signed' || w === '__signed__' || w === '__signed') { signed = true; this.i++; continue; }
      if (w === 'unsigned') { signed = false; this.i++; continue; }
      if (w === 'long') { longs++; this.i++; continue; }
      // `int` only completes `short int`, `long int` and `unsigned int`.
      if (w === 'int') { base ??= 'int'; this.i++; continue; }
      if (w === 'char' || w === 'short' || w === 'float' || w === 'double' || w === 'void') { base = w; this.i++; continue; }
      if (w === '_Bool') { base = 'bool'; this.i++; continue; }
      if (w === '__int128') {
        if (!this.sizes.hasInt128) throw new ParseError(`__int128 is not supported on ${this.sizes.abiName}`, t);
        base = 'int128'; this.i++; continue;
      }
      if (w === 'struct' || w === 'union') { type = this.recordSpec(w); continue; }
      if (w === 'enum') { type = this.enumSpec(); continue; }
      if (w === '_Complex' || w === '__complex__') { complex = true; this.i++; continue; }
      if (w === 'typeof' || w === '__typeof__' || w === '__typeof' || w === '__builtin_va_list') {
        throw new ParseError(`'${w}' is not supported in declarations`, t);
      }
      if (type || base || longs || signed !== undefined) break;
      if ((w === '__int128_t' || w === '__uint128_t') && this.sizes.hasInt128) {
        type = { k: 'int', base: w === '__int128_t' ? 'int128' : 'uint128' };
        this.i++;
        continue;
      }
      const td = this.scope.typedefs.get(w);
      if (!td) break;
      type = td;
      this.i++;
    }
    if (!type) type = this.baseType(base, signed, longs, this.tok ?? start);
    if (complex) type = { k: 'complex', of: type };
    return { type, isTypedef, attrs };
  }

  private baseType(base: string | undefined, signed: boolean | undefined, longs: number, at: Token | undefined): CType {
    if (base === undefined && signed === undefined && longs === 0) {
      throw new ParseError(at ? `unknown type name '${at.text}'${this.int128Hint(at.text)}` : 'type expected', at);
    }
    const u = signed === false;
    let b: BaseInt;
    switch (base) {
      case 'void': return { k: 'void' };
      case 'bool': return { k: 'int', base: 'bool' };
      case 'float': return { k: 'float', base: 'float' };
      case 'double': return { k: 'float', base: longs ? 'ldouble' : 'double' };
      case 'char': b = signed === undefined ? 'char' : u ? 'uchar' : 'schar'; break;
      case 'short': b = u ? 'ushort' : 'short'; break;
      case 'int128': b = u ? 'uint128' : 'int128'; break;
      default: b = longs >= 2 ? (u ? 'ullong' : 'llong') : longs === 1 ? (u ? 'ulong' : 'long') : u ? 'uint' : 'int';
    }
    return { k: 'int', base: b };
  }

  /** `__attribute__((packed, aligned(8)))`; other attributes are read and ignored. */
  attributes(attrs: Attributes): void {
    while (this.is('__attribute__') || this.is('__attribute')) {
      this.i++;
      this.expect('(');
      this.expect('(');
      while (!this.is(')')) {
        const name = this.tok?.text.replace(/^__(.*)__$/, '$1');
        if (!name) throw new ParseError('unterminated __attribute__', this.toks[this.toks.length - 1]);
        this.i++;
        if (name === 'packed') attrs.packed = true;
        if (this.is('(')) {
          if (name === 'aligned') {
            const start = this.i + 1;
            this.skipGroup();
            const v = this.constant(this.toks.slice(start, this.i - 1));
            attrs.aligned = Math.max(attrs.aligned ?? 0, Number(v));
          } else {
            this.skipGroup();
          }
        } else if (name === 'aligned') {
          attrs.aligned = -1; // the target's biggest alignment
        }
        if (!this.accept(',')) break;
      }
      this.expect(')');
      this.expect(')');
    }
  }

  private alignas(attrs: Attributes): void {
    this.i++;
    this.expect('(');
    const tn = parseTypeName(this.toks, this.i, this.sizes, this.scope);
    let a: number;
    if (tn && this.toks[tn.end]?.text === ')') {
      a = this.sizes.sizeAlign(tn.type).align;
      this.i = tn.end;
    } else {
      const start = this.i;
      while (this.tok && !this.is(')')) this.i++;
      a = Number(this.constant(this.toks.slice(start, this.i)));
    }
    this.expect(')');
    attrs.aligned = Math.max(attrs.aligned ?? 0, a);
  }

  private constant(toks: readonly Token[]): bigint {
    try {
      return evaluate(toks, this.hooks).v;
    } catch (e) {
      if (e instanceof ExprError) throw new ParseError(e.message, toks[0] ?? this.tok);
      throw e;
    }
  }

  // --- struct / union / enum -------------------------------------------------------------------

  /**
   * `struct|union|enum [attributes] [tag] [attributes]`: the keyword token, the tag, and the
   * attributes; `definition` when a `{` follows. Without one, attributes after the tag belong to
   * the declaration (`struct ts_config __attribute__((aligned(8))) *config;`) and are left unread.
   */
  private tagHead(what: string): { kw: Token; tag?: string; attrs: Attributes; definition: boolean } {
    const kw = this.tok!;
    this.i++;
    const attrs: Attributes = {};
    this.attributes(attrs);
    let tag: string | undefined;
    if (this.tok?.kind === TK.Ident && !this.is('__attribute__')) tag = this.tok.text, this.i++;
    const afterTag = this.i;
    this.attributes(attrs);
    if (this.is('{')) return { kw, tag, attrs, definition: true };
    if (!tag) throw new ParseError(`expected '{' after '${what}'`, this.tok ?? kw);
    this.i = afterTag;
    return { kw, tag, attrs, definition: false };
  }

  private recordSpec(kind: 'struct' | 'union'): CType {
    const { kw, tag, attrs, definition } = this.tagHead(kind);
    if (!definition) {
      const known = this.scope.tags.get(tag!);
      if (known && 'kind' in known) return { k: 'record', rec: known };
      const rec: RecordDecl = { kind, tag, attrs: {}, maxFieldAlign: 0, header: kw.file.name, line: kw.line };
      this.scope.tags.set(tag!, rec);
      return { k: 'record', rec };
    }
    let rec: RecordDecl;
    const known = tag ? this.scope.tags.get(tag) : undefined;
    const redefinition = known !== undefined && 'kind' in known && known.members !== undefined;
    if (known && 'kind' in known && !redefinition) {
      rec = known;
      rec.header = kw.file.name;
      rec.line = kw.line;
    } else {
      rec = { kind, tag, attrs: {}, maxFieldAlign: 0, header: kw.file.name, line: kw.line };
      if (tag && !redefinition) this.scope.tags.set(tag, rec);
    }
    rec.maxFieldAlign = this.pack;
    rec.members = this.members(rec);
    this.attributes(attrs);
    rec.attrs = attrs;
    if (redefinition) {
      const first = known as RecordDecl;
      this.diag(kw, `redefinition of ${kind} ${tag} (first defined at ${first.header}:${first.line})`);
      return { k: 'record', rec: first };
    }
    this.scope.records.push(rec);
    return { k: 'record', rec };
  }

  private members(rec: RecordDecl): Member[] {
    this.expect('{');
    const members: Member[] = [];
    while (!this.accept('}')) {
      if (!this.tok) throw new ParseError(`unterminated ${rec.kind}`, this.toks[this.toks.length - 1]);
      if (this.accept(';')) continue;
      const start = this.tok;
      try {
        this.memberDeclaration(members);
      } catch (e) {
        if (!(e instanceof ParseError)) throw e;
        rec.invalid ??= `${e.message} (${(e.at ?? start).file.name}:${(e.at ?? start).line})`;
        this.diag(e.at ?? start, e.message);
        this.skipDeclaration();
      }
    }
    return members;
  }

  private memberDeclaration(members: Member[]): void {
    const t = this.tok!;
    if (t.kind === TK.Ident && !this.startsType()) throw new ParseError(`unknown type name '${t.text}'${this.int128Hint(t.text)}`, t);
    const spec = this.declSpec();
    if (this.accept(';')) {
      // An anonymous struct/union member; anything else declares nothing.
      const r = spec.type;
      if (r.k === 'record' || (r.k === 'typedef' && resolve(r).k === 'record')) {
        members.push({ type: r, attrs: spec.attrs, line: t.line });
      }
      return;
    }
    for (;;) {
      const line = this.tok?.line ?? t.line;
      const d = this.is(':') ? { name: undefined, type: spec.type, attrs: {} as Attributes } : this.declarator(spec.type, false);
      let bitWidth: number | undefined;
      if (this.accept(':')) {
        const start = this.i;
        while (this.tok && !this.is(',') && !this.is(';') && !this.is('__attribute__')) {
          if (this.is('(')) this.skipGroup();
          else this.i++;
        }
        bitWidth = Number(this.constant(this.toks.slice(start, this.i)));
      }
      const attrs: Attributes = { ...spec.attrs, ...d.attrs };
      this.attributes(attrs);
      if (spec.attrs.aligned !== undefined && d.attrs.aligned !== undefined) attrs.aligned = Math.max(spec.attrs.aligned, d.attrs.aligned);
      members.push({ name: d.name, type: d.type, bitWidth, attrs, line });
      if (this.accept(',')) continue;
      this.expect(';');
      return;
    }
  }

  private enumSpec(): CType {
    const { kw, tag, attrs, definition } = this.tagHead('enum');
    if (!definition) {
      const known = this.scope.tags.get(tag!);
      if (known && !('kind' in known)) return { k: 'enum', en: known };
      const en: EnumDecl = { tag, complete: false, packed: false, min: 0n, max: 0n };
      this.scope.tags.set(tag!, en);
      return { k: 'enum', en };
    }
    this.i++;
    const known = tag ? this.scope.tags.get(tag) : undefined;
    const en: EnumDecl = known && !('kind' in known) ? known : { tag, complete: false, packed: false, min: 0n, max: 0n };
    if (tag) this.scope.tags.set(tag, en);
    let next = 0n;
    let min = 0n;
    let max = 0n;
    const names: string[] = [];
    while (!this.accept('}')) {
      const nameTok = this.tok;
      if (!nameTok || nameTok.kind !== TK.Ident) throw new ParseError('enumerator name expected', nameTok ?? kw);
      this.i++;
      this.attributes({});
      if (this.accept('=')) {
        const start = this.i;
        let depth = 0;
        while (this.tok && !(depth === 0 && (this.is(',') || this.is('}')))) {
          if (this.is('(')) depth++;
          else if (this.is(')')) depth--;
          this.i++;
        }
        next = this.constant(this.toks.slice(start, this.i));
      }
      const v = next;
      if (v < min) min = v;
      if (v > max) max = v;
      names.push(nameTok.text);
      this.scope.enumConsts.set(nameTok.text, { v, type: this.sizes.int });
      next = v + 1n;
      if (!this.accept(',')) { this.expect('}'); break; }
    }
    this.attributes(attrs);
    Object.assign(en, { complete: true, packed: en.packed || attrs.packed === true, min, max });
    // C: enumerators are ints; GCC and clang give the enum's type to ones that don't fit.
    if (!fitsInt(min, max)) {
      const wide = intTypeOf({ k: 'enum', en }, this.sizes)!;
      for (const n of names) this.scope.enumConsts.get(n)!.type = wide;
    }
    return { k: 'enum', en };
  }

  // --- declarators -------------------------------------------------------------------------------

  /** `* const * name [N] (params)` and the parenthesized forms. `abstract`: the name may be absent. */
  declarator(base: CType, abstract: boolean): { name?: string; type: CType; attrs: Attributes } {
    const attrs: Attributes = {};
    let type = base;
    for (;;) {
      if (this.accept('*')) { type = { k: 'ptr', to: type }; continue; }
      if (this.tok && QUALIFIERS.has(this.tok.text)) { this.i++; continue; }
      if (this.is('__attribute__') || this.is('__attribute')) { this.attributes(attrs); continue; }
      break;
    }
    // `( declarator )`: parse what follows the parenthesis first, then the inside with that type.
    if (this.is('(') && this.nestedDeclaratorFollows()) {
      const open = this.i;
      this.skipGroup();
      const outer = this.suffixes(type);
      const end = this.i;
      this.i = open + 1;
      const inner = this.declarator(outer, abstract);
      this.expect(')');
      this.i = end;
      this.attributes(attrs);
      return { name: inner.name, type: inner.type, attrs: { ...inner.attrs, ...attrs } };
    }
    let name: string | undefined;
    if (this.tok?.kind === TK.Ident && !this.startsTypeWord()) {
      name = this.tok.text;
      this.i++;
    } else if (!abstract && !this.is(':')) {
      throw new ParseError(`expected a declarator${this.tok ? ` before '${this.tok.text}'` : ''}`, this.tok);
    }
    type = this.suffixes(type);
    this.attributes(attrs);
    if (this.is('asm') || this.is('__asm__')) this.i++, this.skipGroup();
    this.attributes(attrs);
    return { name, type, attrs };
  }

  private startsTypeWord(): boolean {
    const t = this.tok!;
    return TYPE_WORDS.has(t.text) && t.text !== '__attribute__';
  }

  private nestedDeclaratorFollows(): boolean {
    const n = this.toks[this.i + 1];
    if (!n) return false;
    if (n.text === '*' || n.text === '(' || n.text === '__attribute__') return true;
    if (n.text === '[') return true;
    return n.kind === TK.Ident && !this.scope.typedefs.has(n.text) && !TYPE_WORDS.has(n.text) && !QUALIFIERS.has(n.text);
  }

  private suffixes(type: CType): CType {
    if (this.is('[')) {
      const dims: (number | undefined)[] = [];
      while (this.accept('[')) {
        const start = this.i;
        let depth = 0;
        while (this.tok && !(depth === 0 && this.is(']'))) {
          if (this.is('[') || this.is('(')) depth++;
          else if (this.is(']') || this.is(')')) depth--;
          this.i++;
        }
        const exprToks = this.toks.slice(start, this.i).filter((t) => !QUALIFIERS.has(t.text));
        this.expect(']');
        if (exprToks.length === 0) dims.push(undefined);
        else {
          const n = this.constant(exprToks);
          if (n < 0n) throw new ParseError('array size is negative', exprToks[0]);
          dims.push(Number(n));
        }
      }
      for (let k = dims.length - 1; k >= 0; k--) type = { k: 'array', of: type, len: dims[k] };
      return type;
    }
    if (this.is('(')) {
      this.skipGroup();
      return { k: 'func' };
    }
    return type;
  }
}

function fitsInt(min: bigint, max: bigint): boolean {
  return min >= -(1n << 31n) && max < 1n << 31n;
}

/** The integer type of a cast target, or undefined if it is not an integer type. */
export function intTypeOf(t: CType, sizes: Sizes): IntType | undefined {
  const r = resolve(t);
  if (r.k === 'enum') {
    const { size } = sizes.sizeAlign(r);
    const unsigned = r.en.min >= 0n && !fitsIntSigned(r.en.max, size);
    return { bits: size * 8, unsigned, rank: size === 8 ? 5 : 3 };
  }
  if (r.k !== 'int') return undefined;
  const { size } = sizes.sizeAlign(r);
  const b = r.base;
  const unsigned = b === 'bool' || b.startsWith('u') || (b === 'char' && !sizes.charSigned);
  const rank = { char: 1, schar: 1, uchar: 1, bool: 1, short: 2, ushort: 2, int: 3, uint: 3, long: 4, ulong: 4, llong: 5, ullong: 5, int128: 6, uint128: 6 }[b];
  return { bits: size * 8, unsigned, rank };
}

function fitsIntSigned(max: bigint, size: number): boolean {
  return max < 1n << BigInt(size * 8 - 1);
}
