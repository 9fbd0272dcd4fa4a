// The command line as a user meets it: the built CLI (dist/, made by `npm install`/`npm run build`).

import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const CLI = join(import.meta.dirname, '..', 'dist', 'cli', 'main.js');
const run = (...args: string[]) => spawnSync('node', [CLI, ...args], { encoding: 'utf8' });

/** An installed-style tree: one header with a record, one with a broken comment. */
function tree(): string {
  const root = mkdtempSync(join(tmpdir(), 'abi-blame-cli-'));
  mkdirSync(join(root, 'include/linux'), { recursive: true });
  writeFileSync(join(root, 'include/linux/good.h'), 'struct good { int a; long b; };\n#define GOOD_VALUE (1 << 4)\n');
  writeFileSync(join(root, 'include/linux/bad.h'), 'struct bad { int a; };\n/* never closed\n');
  return root;
}

describe('abi-blame layout', () => {
  it('prints one JSON object per ABI per line', () => {
    const r = run('layout', '--tree', tree(), '--abi', 'x86_64,i386', '--json');
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.abi)).toEqual(['x86_64', 'i386']);
    const good = lines.map((l) => l.records.find((x: { name: string }) => x.name === 'good'));
    expect(good.map((g) => g.header)).toEqual(['linux/good.h', 'linux/good.h']);
    // long is 8 bytes on x86_64 and 4 on i386 (the struct's size follows)
    expect(good[0].size).toBeGreaterThan(good[1].size);
    expect(lines[0].macros).toContainEqual({ name: 'GOOD_VALUE', header: 'linux/good.h', value: '16' });
  });

  it('reports a malformed header as a diagnostic and still lays out the rest', () => {
    const r = run('layout', '--tree', tree(), '--abi', 'x86_64', '--json');
    const out = JSON.parse(r.stdout);
    expect(out.diagnostics).toContainEqual({ header: 'linux/bad.h', line: 2, message: 'unterminated comment' });
    expect(out.records.map((x: { name: string }) => x.name).sort()).toEqual(['bad', 'good']);
  });

  it('--abi all gives the 13 ABIs', () => {
    const r = run('layout', '--tree', tree(), '--abi', 'all', '--json', '-j', '2');
    expect(r.status).toBe(0);
    expect(r.stdout.trim().split('\n').map((l) => JSON.parse(l).abi)).toEqual([
      'x86_64', 'i386', 'x32', 'aarch64', 'arm', 'riscv64', 'riscv32', 's390x', 'ppc64le', 'ppc64', 'ppc32', 'mips', 'mips64',
    ]);
  });

  it.each([
    [['layout', '--tree', '/nonexistent', '--abi', 'x86_64'], /--tree \/nonexistent: no such directory/],
    [['layout', '--tree', '.', '--abi', 'vax'], /unknown ABI 'vax'/],
    [['layout', '--tree', '/tmp', '--abi', 'x86_64', '--layout', '/nonexistent.json'], /not 'kernel', 'installed' or a readable JSON file/],
    [['layout', '--abi', 'x86_64'], /required option '--tree <dir>'/],
  ])('bad input %j: one line, exit 2', (args, message) => {
    const r = run(...args);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('a layout file that does not parse: one line, exit 2', () => {
    const f = join(mkdtempSync(join(tmpdir(), 'abi-blame-layout-')), 'layout.json');
    writeFileSync(f, '{"include": "include"');
    const r = run('layout', '--tree', tree(), '--layout', f);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/layout\.json: not valid JSON/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});
