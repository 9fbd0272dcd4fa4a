// The include memo (src/cpp/include-memo.ts): units that share headers, as every header of a tree
// does. Each unit, preprocessed with the memo of the units before it, must give what clang -E
// gives and what a fresh preprocessor (no memo) gives; a header included in the same
// circumstances must be replayed, in other circumstances preprocessed again.

import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MacroTable } from '../src/cpp/macro.js';
import { findGuard, Preprocessor, type HeaderUnit, type IncludedOutput } from '../src/cpp/preprocess.js';
import { tokenize, type Token } from '../src/cpp/tokenize.js';
import { tokensFingerprint } from '../src/layout/macro-memo.js';
import { hasClang } from './support/linux.js';

const FILES: Record<string, string> = {
  // Depends on what the includer defined: two variants.
  'common.h': `#ifndef COMMON_H
#define COMMON_H
#include <base.h>
#ifdef WIDE
typedef long word_t;
#else
typedef int word_t;
#endif
#define WORD_BYTES sizeof(word_t)
#define VAR(n) int var_ ## n;
VAR(common)
#undef SCRATCH
#endif`,
  'base.h': `#pragma once
#define U32(x) ((unsigned)(x))
typedef unsigned int u32;`,
  // Reaches base.h again: #pragma once must hold after a replay too.
  'other.h': `#include <base.h>
#define OTHER U32(7)`,
  'a.h': `#define SCRATCH 1
#include <common.h>
int a = WORD_BYTES + SCRATCH;`,
  'b.h': `#define WIDE
#include <common.h>
long b = WORD_BYTES;`,
  'c.h': `#define SCRATCH 2
#include <common.h>
#include <other.h>
int c = WORD_BYTES + OTHER;`,
  'd.h': `#include <other.h>
#include <common.h>
#include <base.h>
u32 d = U32(WORD_BYTES);`,
  // base.h is already marked once when common.h comes: the recorded effect of common.h (which
  // entered base.h) must not be replayed here.
  'e.h': `#include <base.h>
#define WIDE 1
#include <common.h>
word_t e;`,
  'sub/quoted.h': `#include "local.h"
int q = LOCAL;`,
  'sub/local.h': '#define LOCAL 5',
  'local.h': '#define LOCAL 6',
  'f.h': `#include <sub/quoted.h>
#include <sub/quoted.h>
int f = LOCAL;`,
  // Units whose output is common.h's alone, in two variants.
  'g.h': `#define WIDE
#include <common.h>`,
  'h.h': '#include <common.h>',
};
const UNITS = ['a.h', 'b.h', 'c.h', 'd.h', 'e.h', 'f.h', 'a.h', 'c.h', 'g.h', 'h.h'];

/** One HeaderUnit per file, shared by all units (as the layout engine's UnitCache shares them). */
function headerUnits(): Map<string, HeaderUnit> {
  return new Map(Object.entries(FILES).map(([name, text]) => {
    const { tokens, problems } = tokenize({ name, text });
    return [name, { file: { name, text }, tokens, problems, guard: findGuard(tokens) }];
  }));
}

interface Preprocessed { tokens: Token[]; includes: IncludedOutput[]; closure: string[]; macros: string[] }

function preprocess(units: Map<string, HeaderUnit>, entry: string): Preprocessed {
  const pp = new Preprocessor({ resolve: (p) => units.get(p) }, new MacroTable()).run(entry);
  expect(pp.diagnostics).toEqual([]);
  const macros = [...pp.macros.ownMacros()].map((m) => `${m.name}=${m.body.map((t) => t.text).join(' ')}`);
  return { tokens: pp.tokens, includes: pp.includes, closure: pp.closure, macros };
}

const texts = (ts: Token[]): string[] => ts.map((t) => t.text);

describe('include memo', () => {
  it('gives every unit what a fresh preprocessor gives, replaying only where the circumstances are the same', () => {
    const shared = headerUnits();
    const results = UNITS.map((u) => preprocess(shared, u));
    UNITS.forEach((u, i) => {
      const fresh = preprocess(headerUnits(), u);
      expect(texts(results[i]!.tokens), u).toEqual(texts(fresh.tokens));
      expect(results[i]!.closure, u).toEqual(fresh.closure);
      expect(results[i]!.macros, u).toEqual(fresh.macros);
    });
    // common.h was recorded in four circumstances: WIDE or not, base.h marked once or not (a.h,
    // b.h, d.h, e.h); c.h differs from a.h only in SCRATCH, which common.h #undefs without reading.
    expect(shared.get('common.h')!.memo!.length).toBe(4);
    // A replay hands out the recorded tokens themselves: a.h's second run shares common.h's
    // output objects with its first, and c.h (SCRATCH 2, same effect) shares them with a.h.
    const firstWord = (r: { tokens: Token[] }): Token => r.tokens.find((t) => t.text === 'var_common')!;
    expect(firstWord(results[6]!)).toBe(firstWord(results[0]!));
    expect(firstWord(results[2]!)).toBe(firstWord(results[0]!));
    expect(firstWord(results[1]!)).not.toBe(firstWord(results[0]!));
  });

  it('fingerprints a unit alike whether its includes were replayed or preprocessed, and tells different outputs apart', () => {
    const shared = headerUnits();
    const results = UNITS.map((u) => preprocess(shared, u));
    const fresh = UNITS.map((u) => preprocess(headerUnits(), u));
    const fingerprint = (r: Preprocessed): string => tokensFingerprint(r.tokens, r.includes);
    // What the fingerprint takes from an include is what the unit's output holds there.
    for (const r of results) for (const { start, end, effect } of r.includes) expect(r.tokens.slice(start, end)).toEqual(effect.tokens);
    expect(results.every((r) => r.includes.length > 0)).toBe(true);
    const sameOutput = (a: Preprocessed, b: Preprocessed): boolean =>
      a.tokens.length === b.tokens.length && a.tokens.every((t, k) => t.text === b.tokens[k]!.text && t.file.name === b.tokens[k]!.file.name);
    results.forEach((r, i) => {
      expect(fingerprint(r), UNITS[i]).toBe(fingerprint(fresh[i]!));
      results.forEach((other, j) => expect(fingerprint(r) === fingerprint(other), `${UNITS[i]} ${UNITS[j]}`).toBe(sameOutput(r, other)));
    });
  });

  it.skipIf(!hasClang())('matches clang -E on each unit', () => {
    const dir = mkdtempSync(join(tmpdir(), 'include-memo-'));
    for (const [name, text] of Object.entries(FILES)) {
      mkdirSync(dirname(join(dir, name)), { recursive: true });
      writeFileSync(join(dir, name), `${text}\n`);
    }
    const shared = headerUnits();
    for (const u of UNITS) {
      const r = spawnSync('clang', ['-E', '-P', '-undef', '-nostdinc', '-I', dir, '-x', 'c', '-'], { input: `#include <${u}>\n`, encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      const expected = texts(tokenize({ name: 'clang', text: r.stdout }).tokens);
      expect(expected.length).toBeGreaterThan(3);
      expect(texts(preprocess(shared, u).tokens), u).toEqual(expected);
    }
  });
});
