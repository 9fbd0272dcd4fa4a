// The preprocessor: one translation unit (`#include <HEADER>`) -> the token stream the C stage
// parses, plus the macro table as it stands at the end (macro values are read from it).

import { normalizePath } from '../git/file-tree.js';
import { evaluate, ExprError } from './expr.js';
import { findEffect, IncludeRecording, type IncludeEffect } from './include-memo.js';
import { Expander, parseDefine, Reader, type Macro, type MacroTable, type MacroWatcher, type TokenSource } from './macro.js';
import { retoken, TK, token, type Diagnostic, type Token, type TokenFile } from './tokenize.js';

/** A tokenized header, shared by every translation unit that includes it. */
export interface HeaderUnit {
  file: TokenFile;
  tokens: Token[];
  /** Tokenizer problems (unterminated comment). */
  problems: { line: number; message: string }[];
  /** The macro of a whole-file `#ifndef X / #define X ... #endif` guard, if it has one. */
  guard?: string;
  /** Its #defines, parsed on first use: token index of the name -> macro and end of line. */
  defines?: Map<number, { macro: Macro; end: number }>;
  /** What including it did, per set of circumstances (cpp/include-memo.ts). */
  memo?: IncludeEffect[];
}

/** Where includes come from: the tree, seen through its layout profile. */
export interface IncludeResolver {
  /** The header for an include path, or undefined if there is none. */
  resolve(includePath: string): HeaderUnit | undefined;
}


export interface PreprocessResult {
  tokens: Token[];
  macros: MacroTable;
  diagnostics: Diagnostic[];
  /**
   * Every include path this unit looked up, found or not, the entry first: what the unit's
   * output depends on besides the predefined macros (a header added later can change it too).
   */
  closure: string[];
  /**
   * The output of the entry's outermost includes that ran as a whole (recorded or replayed), in
   * order: `tokens[start, end)` are exactly `effect.tokens`. A fingerprint of the output can take
   * each effect's own, computed once, instead of going over its tokens again in every unit.
   */
  includes: IncludedOutput[];
}

export interface IncludedOutput { start: number; end: number; effect: IncludeEffect }

/** One #if group: is the current branch taken, has any branch been, where it started. */
interface Cond { active: boolean; taken: boolean; line: number }

interface FileFrame {
  unit: HeaderUnit;
  pos: number;
  conds: Cond[];
}

const MAX_INCLUDE_DEPTH = 200;

export class Preprocessor implements TokenSource, MacroWatcher {
  private readonly frames: FileFrame[] = [];
  /** Included headers being recorded for the include memo, outermost first. */
  private readonly recordings: IncludeRecording[] = [];
  /** A macro expansion is reading tokens: an include met now feeds its arguments, not the output. */
  private expanding = false;
  private readonly out: Token[] = [];
  private readonly includes: IncludedOutput[] = [];
  readonly diagnostics: Diagnostic[] = [];
  private readonly once = new Set<string>();
  private readonly lookedUp = new Set<string>();
  private readonly expander: Expander;
  private readonly reader: Reader;

  constructor(
    private readonly resolver: IncludeResolver,
    readonly macros: MacroTable,
    /** Fallbacks for base headers a tree may lack (`linux/types.h` in kvmtool's copies). */
    private readonly fallback: (includePath: string) => HeaderUnit | undefined = () => undefined,
  ) {
    this.expander = new Expander(macros);
    this.reader = new Reader(this);
  }

  /** Runs `#include <entry>` to the end. */
  run(entry: string): PreprocessResult {
    const unit = this.resolve(entry);
    if (!unit) throw new Error(`no header ${entry}`);
    this.enter(unit);
    for (let t = this.reader.next(); t; t = this.reader.next()) {
      this.expanding = true;
      const expanded = this.expander.expand(t, this.reader);
      this.expanding = false;
      if (!expanded) this.out.push(t);
    }
    return { tokens: this.out, macros: this.macros, diagnostics: this.diagnostics, closure: [...this.lookedUp], includes: this.includes };
  }

  /** The tree's header for an include path, else the built-in fallback; remembered in the closure. */
  private resolve(path: string, withFallback = true): HeaderUnit | undefined {
    this.lookedUp.add(path);
    const unit = this.find(path, withFallback);
    for (const r of this.recordings) r.resolves.push({ path, fallback: withFallback, unit });
    return unit;
  }

  private find(path: string, withFallback: boolean): HeaderUnit | undefined {
    return this.resolver.resolve(path) ?? (withFallback ? this.fallback(path) : undefined);
  }

  // --- MacroWatcher: what the headers being recorded read and define ---------------------------

  read(name: string, m: Macro | undefined): void {
    for (const r of this.recordings) r.read(name, m);
  }
  write(name: string, m: Macro | null): void {
    for (const r of this.recordings) r.write(name, m);
  }

  // --- TokenSource: the file stack, with directives handled as they are met -------------------

  peek(): Token | undefined {
    for (;;) {
      const f = this.frames[this.frames.length - 1];
      if (!f) return undefined;
      const t = f.unit.tokens[f.pos];
      if (!t) { this.leave(); continue; }
      if (t.bol && t.kind === TK.Punct && t.text === '#') { this.directive(f); continue; }
      if (f.conds.length > 0 && !f.conds[f.conds.length - 1]!.active) { this.skipLine(f); continue; }
      return t;
    }
  }

  next(): Token | undefined {
    const t = this.peek();
    if (t) this.frames[this.frames.length - 1]!.pos++;
    return t;
  }

  private enter(unit: HeaderUnit): void {
    if (this.frames.length >= MAX_INCLUDE_DEPTH) {
      this.diag(this.here(), `#include nested too deeply at ${unit.file.name}`);
      for (const r of this.recordings) r.valid = false; // the depth they ran at mattered
      return;
    }
    for (const p of unit.problems) this.diagnostics.push({ header: unit.file.name, line: p.line, message: p.message });
    this.frames.push({ unit, pos: 0, conds: [] });
  }

  private leave(): void {
    const f = this.frames.pop()!;
    for (const c of f.conds) this.diagnostics.push({ header: f.unit.file.name, line: c.line, message: 'unterminated #if' });
    const r = this.recordings[this.recordings.length - 1];
    if (r?.depth === this.frames.length) {
      this.recordings.pop();
      // Ending inside an expansion, the header's last tokens went into a macro's arguments.
      const effect = this.expanding ? undefined : r.finish(this.out, this.diagnostics);
      if (this.recordings.length === 0) {
        this.macros.watcher = undefined;
        if (effect) this.includes.push({ start: r.outStart, end: this.out.length, effect });
      }
    }
  }

  private here(): Token | undefined {
    const f = this.frames[this.frames.length - 1];
    return f?.unit.tokens[Math.min(f.pos, f.unit.tokens.length - 1)];
  }

  private diag(at: Token | undefined, message: string): void {
    this.diagnostics.push({ header: at?.file.name ?? '<unknown>', line: at?.line ?? 0, message });
  }

  /** Skips tokens of a group that is not taken, up to the next line's start. */
  private skipLine(f: FileFrame): void {
    const toks = f.unit.tokens;
    let p = f.pos + 1;
    while (p < toks.length && !toks[p]!.bol) p++;
    f.pos = p;
  }

  /** Moves f.pos to the next line without collecting the tokens (a directive whose text is not needed). */
  private skipRest(f: FileFrame): void {
    const toks = f.unit.tokens;
    let p = f.pos;
    while (p < toks.length && !toks[p]!.bol) p++;
    f.pos = p;
  }

  /** The rest of the directive's line, starting at f.pos; leaves f.pos on the next line. */
  private lineRest(f: FileFrame): Token[] {
    const toks = f.unit.tokens;
    const start = f.pos;
    let end = start;
    while (end < toks.length && !toks[end]!.bol) end++;
    f.pos = end;
    return toks.slice(start, end);
  }

  private directive(f: FileFrame): void {
    const hash = f.unit.tokens[f.pos]!;
    f.pos++;
    const nameTok = f.unit.tokens[f.pos];
    if (!nameTok || nameTok.bol) return; // null directive
    f.pos++;
    const name = nameTok.text;
    const active = f.conds.length === 0 || f.conds[f.conds.length - 1]!.active;

    if (!active) {
      // Skipped group: only nesting and the branch directives matter.
      switch (name) {
        case 'if': case 'ifdef': case 'ifndef':
          this.skipRest(f);
          f.conds.push({ active: false, taken: true, line: hash.line });
          return;
        case 'elif': case 'else': case 'endif':
          break;
        default:
          this.skipRest(f);
          return;
      }
    }

    switch (name) {
      case 'include':
      case 'include_next':
        return this.include(f, hash);
      case 'define':
        return this.define(f);
      case 'undef': {
        const rest = this.lineRest(f);
        if (rest[0]) this.macros.delete(rest[0].text);
        return;
      }
      case 'if': case 'ifdef': case 'ifndef': {
        const rest = this.lineRest(f);
        const v = name === 'if' ? this.ifValue(rest, hash) : (rest[0] ? this.macros.has(rest[0].text) : false) === (name === 'ifdef');
        f.conds.push({ active: v, taken: v, line: hash.line });
        return;
      }
      case 'elif': {
        const rest = this.lineRest(f);
        const c = f.conds[f.conds.length - 1];
        if (!c) return this.diag(hash, '#elif without #if');
        const parentActive = f.conds.length < 2 || f.conds[f.conds.length - 2]!.active;
        if (c.taken || !parentActive) { c.active = false; return; }
        c.active = this.ifValue(rest, hash);
        c.taken = c.active;
        return;
      }
      case 'else': {
        this.skipRest(f);
        const c = f.conds[f.conds.length - 1];
        if (!c) return this.diag(hash, '#else without #if');
        const parentActive = f.conds.length < 2 || f.conds[f.conds.length - 2]!.active;
        c.active = parentActive && !c.taken;
        c.taken = true;
        return;
      }
      case 'endif':
        this.skipRest(f);
        if (!f.conds.pop()) this.diag(hash, '#endif without #if');
        return;
      case 'pragma':
        return this.pragma(f, hash);
      case 'error':
        this.diag(hash, `#error ${this.lineRest(f).map((t) => t.text).join(' ')}`);
        return;
      case 'warning': case 'line': case 'ident': case 'sccs':
        this.skipRest(f);
        return;
      default:
        this.skipRest(f);
        this.diag(hash, `unknown directive #${name}`);
    }
  }

  private define(f: FileFrame): void {
    // A #define means the same in every unit that reads it: parse it once per header.
    const start = f.pos;
    const known = f.unit.defines?.get(start);
    if (known) {
      f.pos = known.end;
      this.macros.set(known.macro.name, known.macro);
      return;
    }
    const macro = parseDefine(this.lineRest(f));
    if (!macro) return this.diag(f.unit.tokens[start], 'macro name missing in #define');
    (f.unit.defines ??= new Map()).set(start, { macro, end: f.pos });
    this.macros.set(macro.name, macro);
  }

  private ifValue(rest: Token[], at: Token): boolean {
    // `defined X` is read before expansion, and again after it (a macro may expand to `defined`).
    const resolved = this.expander.expandAll(this.replaceDefined(rest));
    try {
      return evaluate(this.replaceDefined(resolved)).v !== 0n;
    } catch (e) {
      if (!(e instanceof ExprError)) throw e;
      this.diag(at, `#if: ${e.message}`);
      return false;
    }
  }

  private replaceDefined(toks: Token[]): Token[] {
    const out: Token[] = [];
    for (let i = 0; i < toks.length; i++) {
      const t = toks[i]!;
      if (t.kind === TK.Ident && (t.text === 'defined' || t.text === '__has_include')) {
        let j = i + 1;
        const paren = toks[j]?.text === '(';
        if (paren) j++;
        let value: boolean;
        if (t.text === 'defined') {
          value = this.macros.has(toks[j]?.text ?? '');
          j++;
        } else {
          // __has_include(<a/b.h>) or ("a/b.h")
          let path = '';
          if (toks[j]?.kind === TK.String) path = toks[j++]!.text.slice(1, -1);
          else if (toks[j]?.text === '<') {
            j++;
            while (j < toks.length && toks[j]!.text !== '>') path += toks[j++]!.text;
            j++;
          }
          value = this.resolve(path, false) !== undefined;
        }
        if (paren) j++; // ')'
        out.push(retoken(t, { kind: TK.Number, text: value ? '1' : '0' }));
        i = j - 1;
        continue;
      }
      out.push(t);
    }
    return out;
  }

  private include(f: FileFrame, hash: Token): void {
    let rest = this.lineRest(f);
    if (rest[0] && rest[0].kind === TK.Ident) rest = this.expander.expandAll(rest);
    let path: string | undefined;
    let quoted = false;
    if (rest[0]?.kind === TK.String) {
      path = rest[0].text.slice(1, -1);
      quoted = true;
    } else if (rest[0]?.text === '<') {
      path = '';
      for (let i = 1; i < rest.length && rest[i]!.text !== '>'; i++) path += (rest[i]!.space && path ? ' ' : '') + rest[i]!.text;
    }
    if (!path) return this.diag(hash, '#include expects "FILE" or <FILE>');
    let unit: HeaderUnit | undefined;
    if (quoted) {
      // "x.h" is looked up beside the including header first.
      const from = f.unit.file.name;
      const dir = from.includes('/') ? from.slice(0, from.lastIndexOf('/') + 1) : '';
      unit = this.resolve(normalizePath(dir + path), false);
    }
    unit ??= this.resolve(normalizePath(path));
    if (!unit) return this.diag(hash, `#include <${path}>: no such header in the tree`);
    const marked = this.once.has(unit.file.name);
    for (const r of this.recordings) r.readOnce(unit.file.name, marked);
    if (marked) return;
    if (unit.guard && this.macros.has(unit.guard)) return;
    if (!this.expanding && this.frames.length < MAX_INCLUDE_DEPTH) {
      const effect = findEffect(unit, this.circumstances);
      if (effect) return this.replay(effect);
      this.recordings.push(new IncludeRecording(unit, this.frames.length, this.out.length, this.diagnostics.length));
      this.macros.watcher = this;
    }
    this.enter(unit);
  }

  private readonly circumstances = {
    macro: (name: string) => this.macros.find(name),
    resolve: (path: string, fallback: boolean) => this.find(path, fallback),
    onceMarked: (file: string) => this.once.has(file),
  };

  /** Does again what including a header did, as recorded (outer recordings see it all happen). */
  private replay(e: IncludeEffect): void {
    for (const r of this.recordings) {
      for (const [name, m] of e.reads) r.read(name, m);
      for (const [file, marked] of e.onceReads) r.readOnce(file, marked);
      for (const x of e.resolves) r.resolves.push(x);
    }
    for (const x of e.resolves) this.lookedUp.add(x.path);
    for (const [name, m] of e.writes) {
      if (m) this.macros.set(name, m);
      else this.macros.delete(name);
    }
    for (const file of e.onceAdds) this.markOnce(file);
    const start = this.out.length;
    for (const t of e.tokens) this.out.push(t);
    if (this.recordings.length === 0) this.includes.push({ start, end: this.out.length, effect: e });
    for (const d of e.diagnostics) this.diagnostics.push(d);
  }

  private markOnce(file: string): void {
    this.once.add(file);
    for (const r of this.recordings) r.onceAdds.push(file);
  }

  private pragma(f: FileFrame, hash: Token): void {
    const rest = this.lineRest(f);
    const what = rest[0]?.text;
    if (what === 'once') {
      this.markOnce(f.unit.file.name);
      return;
    }
    if (what === 'pack') {
      // Passed on to the C stage as `__pragma_pack ( args )`: it changes record layout.
      this.out.push(token(TK.Ident, '__pragma_pack', hash.file, hash.line, true, false));
      for (const t of rest.slice(1)) this.out.push(retoken(t, { bol: false }));
    }
  }
}

/** Finds a whole-file include guard so that a second `#include` costs nothing. */
export function findGuard(tokens: readonly Token[]): string | undefined {
  const t0 = tokens[0];
  if (!t0 || t0.text !== '#' || !t0.bol) return undefined;
  let name: string | undefined;
  const d = tokens[1]?.text;
  if (d === 'ifndef' && tokens[2]?.kind === TK.Ident && tokens[3]?.bol) name = tokens[2].text;
  else if (d === 'if' && tokens[2]?.text === '!' && tokens[3]?.text === 'defined') {
    const paren = tokens[4]?.text === '(';
    const n = tokens[paren ? 5 : 4];
    const after = tokens[paren ? 7 : 5];
    if (n?.kind === TK.Ident && (!after || after.bol)) name = n.text;
  }
  if (!name) return undefined;
  // The matching #endif must be the last directive, with nothing after it on its own level.
  let depth = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (!(t.bol && t.text === '#')) continue;
    const dn = tokens[i + 1]?.text;
    if (dn === 'if' || dn === 'ifdef' || dn === 'ifndef') depth++;
    else if (dn === 'endif') {
      depth--;
      if (depth === 0) {
        // Rest of this line is the #endif's; nothing may follow.
        let j = i + 2;
        while (j < tokens.length && !tokens[j]!.bol) j++;
        return j === tokens.length ? name : undefined;
      }
    } else if ((dn === 'else' || dn === 'elif') && depth === 1) return undefined;
  }
  return undefined;
}
