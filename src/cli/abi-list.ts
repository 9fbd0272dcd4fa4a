// `--abi x86_64,i386` or `--abi all`, checked against the 13 ABI names.

import { ABI_NAMES, type AbiName } from '../layout/model.js';
import { fail } from './errors.js';

export function parseAbiList(list: string): AbiName[] {
  if (list === 'all') return [...ABI_NAMES];
  const out: AbiName[] = [];
  for (const a of list.split(',').map((s) => s.trim()).filter(Boolean)) {
    if (!(ABI_NAMES as readonly string[]).includes(a)) fail(`unknown ABI '${a}' (known: ${ABI_NAMES.join(' ')}, or all)`);
    out.push(a as AbiName);
  }
  if (out.length === 0) fail('--abi needs at least one ABI');
  return out;
}
