// Macro values: an object-like macro is expanded as it stands at the end of its header's
// translation unit and evaluated as a C integer constant expression with that ABI's types.
// Ioctl numbers (expansions that went through `_IOC`) are decoded with the `_IOC_*` layout the
// translation unit itself defines, so powerpc and mips get their 3 direction bits from their
// own asm/ioctl.h.

import { evaluate, ExprError, type TypeHooks } from '../cpp/expr.js';
import { Expander, type MacroTable } from '../cpp/macro.js';
import { TK, token, type Token } from '../cpp/tokenize.js';
import { ValuationRecorder, watchedHooks, type MacroMemo } from './macro-memo.js';
import type { IoctlDir, IoctlFields } from './model.js';

export type MacroEvaluation =
  | { value: bigint; ioctl?: IoctlFields }
  /** Not an integer constant here; `retryable` if it named something this unit lacks. */
  | { value?: undefined; retryable: boolean };

interface IocLayout { nrBits: number; typeBits: number; sizeBits: number; dirBits: number; none: bigint; read: bigint; write: bigint }

export class MacroEvaluator {
  private ioc: IocLayout | null | undefined;

  private usedIoc = false;
  private readonly expander: Expander;
  /** The unit's declarations, watched while a valuation is recorded for the memo. */
  private readonly hooks: TypeHooks;
  /** The valuation being recorded for the memo. */
  private recording?: ValuationRecorder;
  private scope?: string;

  /**
   * `memo`: values kept from other units of the same ABI (macro-memo.ts), with `scope` giving
   * this unit's fingerprint when a kept value needs it.
   */
  constructor(
    private readonly macros: MacroTable, private readonly unitHooks: TypeHooks,
    private readonly memo?: { values: MacroMemo; scope: () => string },
  ) {
    this.expander = new Expander(macros, (m) => { if (m.name === '_IOC') this.usedIoc = true; });
    this.hooks = memo ? watchedHooks(unitHooks, () => this.recording) : unitHooks;
  }

  evaluate(name: string): MacroEvaluation {
    this.usedIoc = false;
    const r = this.valueOf(name);
    if (r.value === undefined || !this.usedIoc) return r;
    const ioc = this.iocLayout();
    return ioc ? { value: r.value, ioctl: decode(r.value, ioc) } : r;
  }

  private valueOf(name: string): MacroEvaluation {
    const m = this.macros.get(name);
    if (!m || m.params || m.body.length === 0) return { retryable: false };
    // Most macros are one number: nothing to expand.
    if (m.body.length === 1 && m.body[0]!.kind === TK.Number) return this.valueOfTokens(m.body);
    if (!this.memo) return this.expandAndValue(name, m.body[0]!.file, m.line);

    const kept = this.memo.values.find(name, this.macros, () => (this.scope ??= this.memo!.scope()), this.unitHooks);
    if (kept) {
      if (kept.usedIoc) this.usedIoc = true;
      return kept.result;
    }
    // Whether this valuation went through _IOC is kept with it; the flag of a valuation already
    // under way (the _IOC_* fields iocLayout values after the ioctl itself) is left as it was.
    const usedIocBefore = this.usedIoc;
    this.usedIoc = false;
    const recorder = (this.recording = new ValuationRecorder());
    this.macros.watcher = recorder;
    let result: MacroEvaluation;
    try {
      result = this.expandAndValue(name, m.body[0]!.file, m.line);
    } finally {
      this.macros.watcher = undefined;
      this.recording = undefined;
    }
    const usedIoc = this.usedIoc;
    this.usedIoc ||= usedIocBefore;
    this.memo.values.keep(name, {
      lookups: recorder.lookups(), result, usedIoc,
      ...(recorder.consults.length > 0 ? { consults: recorder.consults, scope: (this.scope ??= this.memo.scope()) } : {}),
    });
    return result;
  }

  private expandAndValue(name: string, file: Token['file'], line: number): MacroEvaluation {
    const start = token(TK.Ident, name, file, line, false, false);
    return this.valueOfTokens(this.expander.expandAll([start]));
  }

  private valueOfTokens(toks: readonly Token[]): MacroEvaluation {
    if (toks.length === 0 || toks.some((t) => t.kind === TK.String || t.kind === TK.Other)) return { retryable: false };
    try {
      return { value: evaluate(toks, this.hooks).v };
    } catch (e) {
      if (e instanceof ExprError) return { retryable: e.retryable };
      throw e;
    }
  }

  private iocLayout(): IocLayout | null {
    if (this.ioc !== undefined) return this.ioc;
    const get = (n: string): bigint | undefined => this.valueOf(n).value;
    const v = ['_IOC_NRBITS', '_IOC_TYPEBITS', '_IOC_SIZEBITS', '_IOC_DIRBITS', '_IOC_NONE', '_IOC_READ', '_IOC_WRITE'].map(get);
    if (v.some((x) => x === undefined)) return (this.ioc = null);
    const [nr, ty, sz, dir, none, read, write] = v as bigint[];
    this.ioc = { nrBits: Number(nr), typeBits: Number(ty), sizeBits: Number(sz), dirBits: Number(dir), none: none!, read: read!, write: write! };
    return this.ioc;
  }
}

function decode(value: bigint, l: IocLayout): IoctlFields {
  const field = (shift: number, bits: number): bigint => (value >> BigInt(shift)) & ((1n << BigInt(bits)) - 1n);
  const nr = field(0, l.nrBits);
  const type = field(l.nrBits, l.typeBits);
  const size = field(l.nrBits + l.typeBits, l.sizeBits);
  const d = field(l.nrBits + l.typeBits + l.sizeBits, l.dirBits);
  let dir: IoctlDir;
  if (d === l.none) dir = 'none';
  else if (d === (l.read | l.write)) dir = 'read-write';
  else if (d === l.read) dir = 'read';
  else if (d === l.write) dir = 'write';
  else dir = 'none';
  return { dir, type: Number(type), nr: Number(nr), size: Number(size) };
}
