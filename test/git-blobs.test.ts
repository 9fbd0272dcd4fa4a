// Both blob readers against a real repository: same texts, byte for byte (latin1), loose and
// packed, for odd bytes, an empty file, a symlink and a file larger than a pipe's buffers.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBlobReader, type BlobReader, type BlobReaderKind } from '../src/git/blobs.js';

const dir = mkdtempSync(join(tmpdir(), 'abi-blame-blobs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const git = (...args: string[]): string =>
  execFileSync('git', args, {
    cwd: dir, encoding: 'utf8',
    env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1', GIT_AUTHOR_NAME: 'a', GIT_AUTHOR_EMAIL: 'a@x', GIT_COMMITTER_NAME: 'a', GIT_COMMITTER_EMAIL: 'a@x' },
  }).trim();

/** 1.5 MB of every byte value, not a repeating pattern git could store as one small delta. */
function bigBytes(): Buffer {
  const b = Buffer.alloc(1_500_000);
  let x = 12345;
  for (let i = 0; i < b.length; i++) b[i] = (x = (x * 1103515245 + 12345) >>> 0) >>> 24;
  return b;
}

const files: Record<string, Buffer> = {
  'ascii.h': Buffer.from('#define A 1\n'),
  'latin1.h': Buffer.from([0x2f, 0x2a, 0x20, 0xe9, 0xff, 0xfe, 0x80, 0x00, 0x0a, 0xc3, 0x28, 0x0a]), // invalid UTF-8, a NUL
  'utf8.h': Buffer.from('/* Café — ünïcode */\n', 'utf8'),
  'empty.h': Buffer.alloc(0),
  'no-newline.h': Buffer.from('int x;'),
  'big.h': bigBytes(),
};
const oids: Record<string, string> = {};

beforeAll(() => {
  git('init', '-q');
  for (const [name, bytes] of Object.entries(files)) writeFileSync(join(dir, name), bytes);
  symlinkSync('ascii.h', join(dir, 'link.h'));
  git('add', '-A');
  git('commit', '-q', '-m', 'files');
  for (const name of [...Object.keys(files), 'link.h']) oids[name] = git('rev-parse', `HEAD:${name}`);
});

const expected = (name: string): string => (name === 'link.h' ? 'ascii.h' : files[name]!.toString('latin1'));

async function readAll(kind: BlobReaderKind): Promise<Map<string, string>> {
  const reader = await openBlobReader(join(dir, '.git'), kind);
  try {
    return await reader.read(Object.values(oids));
  } finally {
    await reader.close();
  }
}

describe.each(['loose', 'packed'])('%s objects', (storage) => {
  beforeAll(() => {
    if (storage === 'packed') git('gc', '-q', '--prune=now');
  });

  it('both readers give each blob its bytes as latin1 text', async () => {
    const cat = await readAll('cat-file');
    const iso = await readAll('isomorphic-git');
    for (const [name, oid] of Object.entries(oids)) {
      expect(cat.get(oid) === expected(name), `cat-file ${name}`).toBe(true);
      expect(iso.get(oid) === expected(name), `isomorphic-git ${name}`).toBe(true);
    }
    expect(cat.get(oids['big.h']!)!.length).toBe(1_500_000);
    // latin1 round-trips: back to the bytes on disk.
    expect(Buffer.from(cat.get(oids['latin1.h']!)!, 'latin1').equals(readFileSync(join(dir, 'latin1.h')))).toBe(true);
  });
});

describe.each(['cat-file', 'isomorphic-git'] as const)('%s reader', (kind) => {
  let reader: BlobReader;
  beforeAll(async () => {
    reader = await openBlobReader(join(dir, '.git'), kind);
  });
  afterAll(() => reader.close());

  it('answers overlapping reads, each with its own blobs; duplicates and [] are fine', async () => {
    const [a, b, c, d] = await Promise.all([
      reader.read([oids['big.h']!, oids['ascii.h']!]),
      reader.read([oids['ascii.h']!, oids['ascii.h']!, oids['empty.h']!]),
      reader.read([]),
      reader.read([oids['latin1.h']!]),
    ]);
    expect([...a.keys()]).toEqual([oids['big.h'], oids['ascii.h']]);
    expect([...b.values()]).toEqual(['#define A 1\n', '']);
    expect(c.size).toBe(0);
    expect(d.get(oids['latin1.h']!)).toBe(expected('latin1.h'));
  });

  it('rejects a missing blob, a tree and a non-id, and keeps working', async () => {
    await expect(reader.read([oids['ascii.h']!, '0'.repeat(40)])).rejects.toThrow();
    await expect(reader.read([git('rev-parse', 'HEAD^{tree}')])).rejects.toThrow();
    await expect(reader.read(['HEAD:ascii.h'])).rejects.toThrow(/not a blob id/);
    expect((await reader.read([oids['utf8.h']!])).get(oids['utf8.h']!)).toBe(expected('utf8.h'));
  });
});

it('a closed cat-file reader rejects reads', async () => {
  const reader = await openBlobReader(join(dir, '.git'), 'cat-file');
  await reader.close();
  await expect(reader.read([oids['ascii.h']!])).rejects.toThrow(/closed/);
});
