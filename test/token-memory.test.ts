// What tokens keep alive. A history's token cache holds the tokens of every version of every header
// it has seen; if they kept the text they were read from, each version's whole text would stay
// in memory too (114 of a layout worker's 542 MiB, in a heap snapshot of a long index run).

import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { expect, it } from 'vitest';
import { TK, tokenize, type Token } from '../src/cpp/tokenize.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

it('tokens keep neither the text they were read from nor a slice of it', () => {
  const files = 20;
  const textBytes = 2_000_000;
  gc();
  const before = process.memoryUsage().heapUsed;
  const kept: Token[][] = [];
  for (let i = 0; i < files; i++) {
    // A long name (V8 makes a slice of 13 characters or more a view of the whole string) and a
    // big comment, which yields no token at all.
    const text = `#define KVM_CAP_A_RATHER_LONG_NAME_${i} ${i}\n/* ${'x'.repeat(textBytes + i)} */\n`;
    kept.push(tokenize({ name: `h${i}.h`, text }).tokens);
  }
  gc();
  const grown = process.memoryUsage().heapUsed - before;
  expect(kept[7]!.map((t) => t.text)).toEqual(['#', 'define', 'KVM_CAP_A_RATHER_LONG_NAME_7', '7']);
  expect(kept[7]![2]!.file.name).toBe('h7.h');
  // Kept texts would be files * textBytes = 40 MB (what the test measured when tokens kept them);
  // without them, about one text's worth (2 MB) was measured: not tokens, which are a few hundred bytes.
  expect(grown).toBeLessThan((files * textBytes) / 4);
});

it('a cached token is three fields: kind, flags and line share one small integer', () => {
  // 240,000 tokens of a few distinct texts, so that the heap grows by the tokens and their list.
  const text = 'struct kvm_x { int a; } ;\n'.repeat(30_000);
  gc();
  const before = process.memoryUsage().heapUsed;
  const { tokens } = tokenize({ name: 'x.h', text });
  gc();
  const perToken = (process.memoryUsage().heapUsed - before) / tokens.length;
  expect(tokens.length).toBe(240_000);
  expect([tokens[1]!.text, tokens[1]!.kind, tokens[1]!.space, tokens[1]!.bol, tokens[8]!.bol, tokens[239_999]!.line]).toEqual(['kvm_x', TK.Ident, true, false, true, 30_000]);
  // With its list's slot (8 bytes, and the list's spare room): 83.8 bytes a token measured when a
  // token was six fields (72 bytes), 59.8 with three (48).
  expect(perToken).toBeLessThan(72);
});
