// Verdicts, one case per rule: a header before and after a change, laid out by the engine (and
// each layout checked against clang's on the same header), diffed and judged as `diff` does.

import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareLayouts } from '../scripts/truth/compare.js';
import { diffRecord, unapplyRecord } from '../src/diff/changes.js';
import { FsTree } from '../src/git/file-tree.js';
import { layoutTree } from '../src/layout/engine.js';
import type { AbiName } from '../src/layout/model.js';
import { buildDiff, type ReportChange } from '../src/report/diff.js';
import type { TreeSymbols } from '../src/store/history.js';
import { clangRecords, clangValues } from './support/clang.js';
import { hasClang, installedTree, missing } from './support/linux.js';

const skip = missing([installedTree('x86')], 'the Linux 6.1 installed x86 headers') ?? (hasClang() ? undefined : 'clang is not installed');

const HEADER = 'linux/verdict.h';

/** The header's symbols on `abi`, its records checked against clang, its macros' values too. */
async function symbols(body: string, abi: AbiName): Promise<TreeSymbols> {
  const root = mkdtempSync(join(tmpdir(), 'verdict-'));
  mkdirSync(join(root, 'include/linux'), { recursive: true });
  writeFileSync(join(root, 'include', HEADER), `#include <linux/types.h>\n#include <linux/ioctl.h>\n${body}\n`);
  const ours = layoutTree({ tree: new FsTree(root), spec: { kind: 'installed' }, abi, only: [HEADER] });
  const dirs = [join(root, 'include'), join(installedTree('x86'), 'include')];
  const truth = await clangRecords(abi, dirs, HEADER, join(root, 'include', HEADER));
  const c = compareLayouts({ abi, records: truth }, ours);
  expect(c.mismatches).toEqual([]);
  expect(c.matchedRecords).toBe(ours.records.length);
  const macros = ours.macros.filter((m) => m.header === HEADER);
  const values = await clangValues(abi, dirs, HEADER, macros.map((m) => m.name));
  expect(macros.map((m) => BigInt.asUintN(64, BigInt(m.value)))).toEqual(values);
  return {
    records: new Map(ours.records.map((r) => [`${r.header}\0${r.name}`, r])),
    macros: new Map(macros.map((m) => [`${m.header}\0${m.name}`, m])),
  };
}

/** Every change on `abi` as `member-or-name change verdict`, with its reason. */
async function judged(before: string, after: string, abi: AbiName): Promise<(ReportChange & { what: string })[]> {
  const rev = (rev: string) => ({ rev, sha: rev.repeat(40).slice(0, 40), source: 'tree' as const });
  const r = buildDiff(rev('a'), rev('b'), [abi], new Map([[abi, await symbols(before, abi)]]), new Map([[abi, await symbols(after, abi)]]));
  return r.headers.flatMap((h) => h.symbols.flatMap((s) => s.abis.flatMap((a) => a.changes.map((c) => ({
    ...c, what: `${c.member ?? s.name} ${c.change} ${c.verdict}`,
  })))));
}

const whats = (cs: { what: string }[]): string[] => cs.map((c) => c.what).sort();

describe.skipIf(skip)('verdicts', () => {
  if (skip) it.skip(skip, () => {});

  it('a member in former padding is compatible where it fits, and moves the next member where it does not', async () => {
    const before = 'struct s { __u32 a; __u64 b; };';
    const after = 'struct s { __u32 a; __u32 n; __u64 b; };';
    const x86 = await judged(before, after, 'x86_64');
    expect(whats(x86)).toEqual(['n added compatible']);
    expect(x86[0]!.reason).toBe('new member in former padding');
    const i386 = await judged(before, after, 'i386');
    expect(whats(i386)).toEqual(['b moved breaking', 'n added compatible', 's record-size breaking']);
    expect(i386.find((c) => c.member === 'n')!.reason).toMatch(/in space b used to occupy/);
  });

  it('space taken from a reserved member is compatible', async () => {
    const r = await judged('struct r { __u32 flags; __u32 pad[3]; };', 'struct r { __u32 flags; __u32 x; __u32 pad[2]; };', 'x86_64');
    expect(whats(r)).toEqual(['pad moved compatible', 'pad resized compatible', 'x added compatible']);
    expect(r.find((c) => c.member === 'x')!.reason).toBe('new member in space pad used to occupy');
  });

  it('a rename at the same offset and type is cosmetic', async () => {
    const r = await judged('struct n { __u32 old_name; __u32 b; };', 'struct n { __u32 new_name; __u32 b; };', 'x86_64');
    expect(whats(r)).toEqual(['new_name added cosmetic', 'old_name removed cosmetic']);
  });

  it('a new union alternative is compatible', async () => {
    const r = await judged('struct u { __u32 kind; union { __u64 a; __u8 raw[16]; }; };',
      'struct u { __u32 kind; union { __u64 a; __u8 raw[16]; __u32 b[2]; }; };', 'i386');
    expect(whats(r)).toEqual(['b added compatible']);
    expect(r[0]!.reason).toMatch(/overlaying a, raw: a new union alternative/);
  });

  it('tail growth of an extensible struct (argsz) is compatible; of an embedded one, breaking', async () => {
    const ext = await judged('struct e { __u32 argsz; __u32 flags; };', 'struct e { __u32 argsz; __u32 flags; __u64 extra; };', 'x86_64');
    // x86_64 aligns the new __u64 to 8: the record's alignment grows too, harmless while nothing embeds it.
    expect(whats(ext)).toEqual(['e record-align compatible', 'e record-size compatible', 'extra added compatible']);
    expect(ext.find((c) => c.change === 'record-size')!.reason).toMatch(/userspace passes its size in argsz/);

    const emb = await judged('struct in { __u32 a; };\nstruct out { struct in i; __u32 z; };',
      'struct in { __u32 a; __u32 b; };\nstruct out { struct in i; __u32 z; };', 'x86_64');
    expect(whats(emb)).toEqual(['b added compatible', 'i resized breaking', 'i.b added compatible', 'in record-size breaking', 'out record-size breaking', 'z moved breaking']);
    expect(emb.find((c) => c.what === 'in record-size breaking')!.reason).toMatch(/embedded in out\.i/);

    const aligned = await judged('struct in { __u32 a; __u32 b; };\nstruct out { __u32 x; struct in i; };',
      'struct in { __u64 ab; };\nstruct out { __u32 x; struct in i; };', 'x86_64');
    expect(aligned.find((c) => c.change === 'record-align')).toMatchObject({ verdict: 'breaking', reason: expect.stringMatching(/embedded: out\.i/) });
  });

  it('a record whose size an ioctl encodes: the record and the ioctl both break, each saying why', async () => {
    const r = await judged("struct io { __u32 a; };\n#define IO_SET _IOW('x', 1, struct io)", "struct io { __u32 a; __u32 b; };\n#define IO_SET _IOW('x', 1, struct io)", 'x86_64');
    expect(whats(r)).toEqual(['IO_SET ioctl breaking', 'b added compatible', 'io record-size breaking']);
    expect(r.find((c) => c.change === 'ioctl')!.reason).toBe('ioctl number changed: size 4→8 because io grew');
    expect(r.find((c) => c.change === 'record-size')!.reason).toMatch(/its size is encoded in IO_SET/);
  });

  it('removal and shrinking break; a same-size retype does not', async () => {
    const r = await judged('struct t { __u32 a; __u32 c; };', 'struct t { __s32 a; };', 'x86_64');
    expect(whats(r)).toEqual(['a retyped compatible', 'c removed breaking', 't record-size breaking']);
  });

  it('macros: a value change breaks, except a limit that grows or a change of signedness only', async () => {
    const r = await judged('#define V_A 1\n#define V_MAX 4\n#define V_SIGN (1 << 31)\n#define V_GONE 2',
      '#define V_A 2\n#define V_MAX 6\n#define V_SIGN (1U << 31)\n#define V_NEW 3', 'x86_64');
    expect(whats(r)).toEqual(['V_A value breaking', 'V_GONE deleted breaking', 'V_MAX value compatible', 'V_NEW introduced compatible', 'V_SIGN value compatible']);
  });

  it('undoing a record diff gives back the layout before it', async () => {
    for (const abi of ['x86_64', 'i386'] as const) {
      const before = await symbols('struct k { __u8 a; __u32 b:3, c:5; __u64 d; __u16 e[3]; __u32 gone; };', abi);
      const after = await symbols('struct k { __u8 a; __u32 b:4, c:5; __u32 n; __u64 d; __u32 e[3]; };', abi);
      const [b, a] = [before, after].map((s) => s.records.get(`${HEADER}\0k`)!);
      const undone = unapplyRecord(a!, diffRecord(b, a));
      const byPath = (r: typeof b) => Object.fromEntries(r!.fields.map((f) => [f.path, f]));
      expect(byPath(undone)).toEqual(byPath(b));
      expect({ ...undone, fields: [] }).toEqual({ ...b, fields: [] });
    }
  });
});
