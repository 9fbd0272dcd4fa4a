// Acknowledged breaks for `diff --allow FILE`: a breaking change matched here is still reported,
// marked allowed, and does not make the exit status 1. The file, one entry per line:
//
//   # comment
//   kvm_run.system_event.flags  i386          # a member path (covers its sub-members) on some ABIs
//   linux/kvm.h:KVM_CAP_*                     # HEADER:NAME; '*' matches any run of characters
//   struct kvm_xsave                          # a whole record, every ABI

import { readFileSync } from 'node:fs';
import type { SymbolChange } from '../diff/changes.js';
import { ABI_NAMES, type AbiName } from '../layout/model.js';
import { UsageError } from '../cli/errors.js';

interface Entry { header?: RegExp; symbol: RegExp; abis?: Set<string> }

export class Allowlist {
  private constructor(private readonly entries: Entry[]) {}

  static read(path: string): Allowlist {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (e) {
      throw new UsageError(`--allow ${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
    }
    return Allowlist.parse(text, path);
  }

  static parse(text: string, where = 'allowlist'): Allowlist {
    const entries: Entry[] = [];
    text.split('\n').forEach((raw, i) => {
      const line = raw.replace(/#.*/, '').trim();
      if (!line) return;
      const [symbolText, abiText, ...extra] = line.split(/\s+/);
      const bad = (why: string): never => { throw new UsageError(`${where}:${i + 1}: ${why}`); };
      if (extra.length > 0) bad(`expected SYMBOL [ABI,...], got ${JSON.stringify(line)}`);
      let symbol = symbolText!.replace(/^(struct|union)\s*/, '');
      let header: RegExp | undefined;
      const colon = symbol.indexOf(':');
      if (colon >= 0) {
        header = glob(symbol.slice(0, colon));
        symbol = symbol.slice(colon + 1);
      }
      if (!/^[A-Za-z0-9_.*]+$/.test(symbol)) bad(`not a symbol: ${JSON.stringify(symbolText)}`);
      const entry: Entry = { symbol: new RegExp(`^${globSource(symbol)}(\\..*)?$`) };
      if (header) entry.header = header;
      if (abiText) {
        const abis = abiText.split(',');
        const unknown = abis.filter((a) => !(ABI_NAMES as readonly string[]).includes(a));
        if (unknown.length > 0) bad(`unknown ABI ${unknown.join(', ')}`);
        entry.abis = new Set(abis);
      }
      entries.push(entry);
    });
    return new Allowlist(entries);
  }

  allows(c: SymbolChange, abi: AbiName): boolean {
    const path = c.member ? `${c.name}.${c.member}` : c.name;
    return this.entries.some((e) => (!e.header || e.header.test(c.header)) && e.symbol.test(path) && (!e.abis || e.abis.has(abi)));
  }
}

const globSource = (g: string): string => g.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\/]/g, '\\$&')).join('.*');
const glob = (g: string): RegExp => new RegExp(`^${globSource(g)}$`);
