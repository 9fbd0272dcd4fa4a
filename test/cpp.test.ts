// The preprocessor against clang's own (`clang -E -P -undef`), token for token, on the tricky
// parts: C11 6.10.3.5's examples, stringizing, pasting, variadic macros, #if arithmetic.

import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { MacroTable } from '../src/cpp/macro.js';
import { Preprocessor, type HeaderUnit } from '../src/cpp/preprocess.js';
import { tokenize } from '../src/cpp/tokenize.js';
import { hasClang } from './support/linux.js';

const CASES: Record<string, string> = {
  'C11 6.10.3.5 example 3': `#define x 3
#define f(a) f(x * (a))
#undef x
#define x 2
#define g f
#define z z[0]
#define h g(~
#define m(a) a(w)
#define w 0,1
#define t(a) a
#define p() int
#define q(x) x
#define r(x,y) x ## y
#define str(x) # x
f(y+1) + f(f(z)) % t(t(g)(0) + t)(1);
g(x+(3,4)-w) | h 5) & m
(f)^m(m);
p() i[q()] = { q(1), r(2,3), r(4,), r(,5), r(,) };
char c[2][6] = { str(hello), str() };`,
  'C11 6.10.3.5 example 4': `#define str(s) # s
#define xstr(s) str(s)
#define debug(s, t) printf("x" # s "= %d, x" # t "= %s", x ## s, x ## t)
#define INCFILE(n) vers ## n
#define glue(a, b) a ## b
#define xglue(a, b) glue(a, b)
#define HIGHLOW "hello"
#define LOW LOW ", world"
debug(1, 2);
fputs(str(strncmp("abc\\0d", "abc", '\\4') == 0) str(: @\\n), s);
xstr(INCFILE(2).h)
glue(HIGH, LOW);
xglue(HIGH, LOW)`,
  'C11 6.10.3.5 example 7 (variadic)': `#define debug(...) fprintf(stderr, __VA_ARGS__)
#define showlist(...) puts(#__VA_ARGS__)
#define report(test, ...) ((test)?puts(#test): printf(__VA_ARGS__))
debug("Flag");
debug("X = %d\\n", x);
showlist(The first, second, and third items.);
report(x>y, "x is %d but y is %d", x, y);`,
  'GNU variadics': `#define e1(fmt, args...) printf(fmt, ## args)
#define e2(fmt, ...) printf(fmt, ## __VA_ARGS__)
e1("a"); e1("a", 1, 2); e2("b"); e2("b", 3);`,
  'kernel macro idioms': `#define _IOC(dir,type,nr,size) (((dir) << 30) | ((type) << 8) | (nr) | ((size) << 16))
#define _IOR(type,nr,size) _IOC(2U,(type),(nr),(sizeof(size)))
#define __DECLARE_FLEX_ARRAY(TYPE, NAME) struct { struct { } __empty_ ## NAME; TYPE NAME[]; }
#define __struct_group(TAG, NAME, ATTRS, MEMBERS...) union { struct { MEMBERS } ATTRS; struct TAG { MEMBERS } ATTRS NAME; } ATTRS
_IOR(0xAE, 0xe4, struct kvm_ppc_compat_caps)
__DECLARE_FLEX_ARRAY(__u8, data);
__struct_group(tg, hdr, __attribute__((packed)), int a; char b;);`,
  '#if arithmetic': `#if -1 > 0u
unsigned_compare
#endif
#if (0x7fffffffffffffff + 0) > 0 && (1 ? -1 : 0u) > 0
conditional_is_unsigned
#endif
#define A 3
#if defined A && defined(A) && !defined B && (A << 2) == 12 && A % 2 && 'a' == 97
defined_ok
#elif 1
wrong
#else
wrong
#endif
#if 0
#if 1
nested_wrong
#else
nested_wrong_too
#endif
#elif A == 3
elif_taken
#endif
#ifndef B
# define B(x) x + 1
#endif
B(B(2))
#undef A
#ifdef A
wrong
#endif`,
};

const skip = hasClang() ? undefined : 'clang is not installed';

function ours(text: string): string[] {
  const unit: HeaderUnit = { file: { name: 't.h', text }, tokens: [], problems: [] };
  Object.assign(unit, tokenize(unit.file));
  const pp = new Preprocessor({ resolve: (p) => (p === 't.h' ? unit : undefined) }, new MacroTable()).run('t.h');
  expect(pp.diagnostics).toEqual([]);
  return pp.tokens.map((t) => t.text);
}

function clangE(text: string): string[] {
  const r = spawnSync('clang', ['-E', '-P', '-undef', '-nostdinc', '-x', 'c', '-'], { input: text, encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return tokenize({ name: 'clang', text: r.stdout }).tokens.map((t) => t.text);
}

describe.skipIf(skip)('preprocessor = clang -E', () => {
  if (skip) it.skip(skip, () => {});
  it.each(Object.entries(CASES))('%s', (_, text) => {
    const expected = clangE(text);
    expect(expected.length).toBeGreaterThan(3);
    expect(ours(text)).toEqual(expected);
  });
});
