// `abi-blame diff` between the v4.4 and v4.9 header sets of the kernel-headers corpus, 13 ABIs,
// laid out from git (test/index.test.ts checks the index gives the same report): every format,
// exit statuses, filters, the allowlist, and the breaking record changes checked against clang.

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ABI_NAMES, type AbiName } from '../src/layout/model.js';
import type { DiffReport } from '../src/report/diff.js';
import { clangRecords } from './support/clang.js';
import { cloneBundle, layoutFile, LAYOUTS } from './support/index-cli.js';
import { hasClang, missing, SHARED } from './support/linux.js';

const CLI = join(import.meta.dirname, '..', 'dist', 'cli', 'main.js');
const skip = missing([join(SHARED, 'corpus')], 'shared/corpus') ?? (hasClang() ? undefined : 'clang is not installed');
const [A, B] = ['v4.4.206', 'v4.9.206'];

function cli(args: string[]) {
  return spawnSync('node', [CLI, ...args], { encoding: 'utf8', maxBuffer: 1 << 28, env: { ...process.env, DATABASE_URL: '' } });
}

describe.skipIf(skip)(`diff ${A} ${B} on the kernel-headers corpus, 13 ABIs`, () => {
  if (skip) it.skip(skip, () => {});

  let repo: string;
  let layout: string;
  const out = mkdtempSync(join(tmpdir(), 'abi-blame-diff-'));
  const outputs: Record<string, { status: number | null; stderr: string; text: string }> = {};
  let report: DiffReport;
  const diff = (...extra: string[]) => cli(['diff', A, B, '--repo', repo, '--layout', layout, ...extra]);

  beforeAll(() => {
    repo = cloneBundle('kernel-headers');
    layout = layoutFile(LAYOUTS['kernel-headers']);
    for (const format of ['json', 'text', 'md', 'sarif', 'html']) {
      const file = join(out, `report.${format}`);
      const r = diff('--format', format, '-o', file);
      outputs[format] = { status: r.status, stderr: r.stderr, text: readFileSync(file, 'utf8') };
    }
    report = JSON.parse(outputs.json!.text) as DiffReport;
  }, 600_000);

  it('finds breaking changes on every ABI and exits 1, in every format', () => {
    for (const [format, o] of Object.entries(outputs)) {
      expect(o.stderr, format).toBe('');
      expect(o.status, format).toBe(1);
    }
    expect(report.abis).toEqual([...ABI_NAMES]);
    expect(report.from).toMatchObject({ rev: A, source: 'tree' });
    expect(report.breaking).toBe(true);
    for (const s of report.summary) expect(s.breaking, s.abi).toBeGreaterThan(0);
    // The summary counts what the report lists.
    for (const s of report.summary) {
      const listed = report.headers.flatMap((h) => h.symbols.flatMap((x) => x.abis.filter((a) => a.abi === s.abi).flatMap((a) => a.changes)));
      expect(listed.filter((c) => c.verdict === 'breaking').length).toBe(s.breaking);
      expect(listed.filter((c) => c.verdict === 'compatible').length).toBe(s.compatible);
    }
  });

  it('text: fits 80 columns, summary and every header and symbol listed', () => {
    const text = outputs.text!.text;
    const lines = text.split('\n');
    for (const l of lines) expect(l.length, l).toBeLessThanOrEqual(80);
    for (const s of report.summary) {
      expect(lines).toContain(`${s.abi.padEnd(9)}${String(s.breaking).padStart(10)}${String(s.compatible).padStart(12)}${String(s.cosmetic).padStart(10)}${String(s.allowed).padStart(9)}`);
    }
    for (const h of report.headers) {
      expect(lines).toContain(h.header);
      for (const s of h.symbols) expect(lines).toContain(`  ${s.kind === 'macro' ? s.name : `${s.kind} ${s.name}`}`);
    }
  });

  it('md: the summary table and a section per header', () => {
    const md = outputs.md!.text;
    for (const s of report.summary) expect(md).toContain(`| ${s.abi} | ${s.breaking} | ${s.compatible} | ${s.cosmetic} | ${s.allowed} |`);
    expect(md.match(/^## `/gm)?.length).toBe(report.headers.length);
  });

  it('sarif: valid 2.1.0 shape, an error per breaking change, locations that exist in the repository', () => {
    const sarif = JSON.parse(outputs.sarif!.text);
    expect(sarif.version).toBe('2.1.0');
    const run = sarif.runs[0];
    const rules = new Set(run.tool.driver.rules.map((r: { id: string }) => r.id));
    const results = run.results as { ruleId: string; level: string; locations: { physicalLocation: { artifactLocation: { uri: string } } }[]; properties: { abis: AbiName[] } }[];
    for (const r of results) expect(rules.has(r.ruleId)).toBe(true);
    // Each result lists its ABIs; per ABI, errors = breaking changes.
    for (const s of report.summary) {
      expect(results.filter((r) => r.level === 'error' && r.properties.abis.includes(s.abi)).length).toBe(s.breaking);
    }
    const uris = [...new Set(results.map((r) => r.locations[0]!.physicalLocation.artifactLocation.uri))];
    const exists = (rev: string, path: string) => spawnSync('git', ['--git-dir', repo, 'cat-file', '-e', `${rev}:${path}`]).status === 0;
    const absent = uris.filter((u) => !exists(B, u) && !exists(A, u));
    expect(absent).toEqual([]);
  });

  it('html: one self-contained file with byte maps', () => {
    const html = outputs.html!.text;
    expect(html).toMatch(/^<!doctype html>/i);
    expect(html).toContain('<svg');
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)="?https?:/i);
  });

  it('an allowlist acknowledging every break makes the exit status 0; filters narrow the report', () => {
    const allow = join(out, 'allow.txt');
    const entries = new Set<string>();
    for (const h of report.headers) {
      for (const s of h.symbols) if (s.abis.some((a) => a.changes.some((c) => c.verdict === 'breaking'))) entries.add(`${h.header}:${s.name}`);
    }
    writeFileSync(allow, `# acknowledged\n${[...entries].join('\n')}\n`);
    const r = diff('--json', '--allow', allow);
    expect(r.status).toBe(0);
    const allowed = JSON.parse(r.stdout) as DiffReport;
    expect(allowed.summary.map((s) => s.allowed)).toEqual(report.summary.map((s) => s.breaking));
    expect(allowed.summary.every((s) => s.breaking === 0)).toBe(true);

    const kvm = JSON.parse(diff('--json', '--abi', 'x86_64,i386', '--header', 'linux/kvm.h').stdout) as DiffReport;
    expect(kvm.abis).toEqual(['x86_64', 'i386']);
    expect(kvm.headers.map((h) => h.header)).toEqual(['linux/kvm.h']);
    expect(kvm.headers[0]!.symbols).toEqual(report.headers.find((h) => h.header === 'linux/kvm.h')!.symbols
      .map((s) => ({ ...s, abis: s.abis.filter((a) => a.abi === 'x86_64' || a.abi === 'i386').map(({ before: _b, after: _a, ...rest }) => rest) }))
      .filter((s) => s.abis.length > 0));
  });

  it('the breaking record changes on x86_64 and i386 are what clang gives for the two trees', async () => {
    const trees = Object.fromEntries([A, B].map((rev) => {
      const dir = mkdtempSync(join(tmpdir(), `kh-${rev}-`));
      execFileSync('git', ['--git-dir', repo, 'worktree', 'add', '-q', '--detach', dir, rev]);
      return [rev, dir];
    }));
    const clangAt = async (rev: string, abi: AbiName, header: string, name: string) => {
      const root = trees[rev]!;
      const dirs = [join(root, 'x86/include'), join(root, 'generic/include')];
      const file = dirs.map((d) => join(d, header)).find((f) => spawnSync('test', ['-f', f]).status === 0)!;
      return (await clangRecords(abi, dirs, header, file)).find((r) => r.name === name);
    };
    // Every number a breaking record change states, on both sides, against clang.
    let checked = 0;
    for (const abi of ['x86_64', 'i386'] as const) {
      for (const h of report.headers) {
        for (const s of h.symbols) {
          const changes = s.abis.find((a) => a.abi === abi)?.changes.filter((c) => c.verdict === 'breaking') ?? [];
          if (s.kind === 'macro' || changes.length === 0) continue;
          const [before, after] = [await clangAt(A, abi, h.header, s.name), await clangAt(B, abi, h.header, s.name)];
          const field = (r: typeof before, path: string | null) => r?.fields.find((f) => f.path === path);
          for (const c of changes) {
            const what = `${s.name}.${c.member} ${c.change} on ${abi}`;
            if (c.change === 'record-size') expect([c.before, c.after], what).toEqual([before!.size, after!.size]);
            else if (c.change === 'record-align') expect([c.before, c.after], what).toEqual([before!.align, after!.align]);
            else if (c.change === 'moved') expect([c.before, c.after], what).toMatchObject([{ offset: field(before, c.member)!.offset }, { offset: field(after, c.member)!.offset }]);
            else if (c.change === 'removed') expect([field(before, c.member)?.offset, field(after, c.member)], what).toEqual([(c.before as { offset: number }).offset, undefined]);
            else if (c.change === 'deleted') expect(after, what).toBeUndefined();
            else continue;
            checked++;
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(10);
  });

  it('bad input: one line, exit 2', () => {
    const badRev = cli(['diff', 'no-such-tag', B, '--repo', repo, '--layout', layout]);
    expect(badRev.status).toBe(2);
    expect(badRev.stderr).toMatch(/^abi-blame: .*\n$/);
    const badFormat = diff('--format', 'pdf');
    expect(badFormat.status).toBe(2);
    expect(badFormat.stderr).toBe('abi-blame: --format pdf: expected one of text, md, json, html, sarif\n');
    const badAllow = join(out, 'bad-allow.txt');
    writeFileSync(badAllow, 'kvm_run x86_65\n');
    const r = diff('--allow', badAllow);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`abi-blame: ${badAllow}:1: unknown ABI x86_65\n`);
  });
});
