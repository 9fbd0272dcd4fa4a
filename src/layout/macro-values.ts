// Macro values: an object-like macro is expanded as it stands at the end of its header's
// translation unit and evaluated as a C integer constant expression with that ABI's types.
// Ioctl numbers (expansions that went through `_IOC`) are decoded with the `_IOC_*` layout the
// translation unit itself defines, so powerpc and mips get their 3 direction bits from their
// own asm/ioctl.h.

import { evaluate, ExprError, type TypeHooks } from '../cpp/expr.js';
import { Expander, type MacroTable } from '../cpp/macro.js';
import { TK, type Token } from '../cpp/tokenize.js';
import type { IoctlDir, IoctlFields } from './model.js';

export interface MacroEvaluation { value: bigint; ioctl?: IoctlFields }

interface IocLayout { nrBits: number; typeBits: number; sizeBits: number; dirBits: number; none: bigint; read: bigint; write: bigint }

export class MacroEvaluator {
  private ioc: IocLayout | null | undefined;

  constructor(private readonly macros: MacroTable, private readonly hooks: TypeHooks) {}

  /** The value, or undefined when the macro is not an integer constant expression. */
  evaluate(name: string): MacroEvaluation | undefined {
    let usedIoc = false;
    const expander = new Expander(this.macros, (m) => { if (m.name === '_IOC') usedIoc = true; });
    const value = this.valueOf(name, expander);
    if (value === undefined) return undefined;
    if (!usedIoc) return { value };
    const ioc = this.iocLayout();
    return ioc ? { value, ioctl: decode(value, ioc) } : { value };
  }

  private valueOf(name: string, expander: Expander): bigint | undefined {
    const m = this.macros.get(name);
    if (!m || m.params || m.body.length === 0) return undefined;
    const start: Token = { kind: TK.Ident, text: name, file: m.body[0]!.file, line: m.line, space: false, bol: false };
    const toks = expander.expandAll([start]);
    if (toks.length === 0 || toks.some((t) => t.kind === TK.String || t.kind === TK.Other)) return undefined;
    try {
      return evaluate(toks, this.hooks).v;
    } catch (e) {
      if (e instanceof ExprError) return undefined;
      throw e;
    }
  }

  private iocLayout(): IocLayout | null {
    if (this.ioc !== undefined) return this.ioc;
    const get = (n: string): bigint | undefined => this.valueOf(n, new Expander(this.macros));
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
