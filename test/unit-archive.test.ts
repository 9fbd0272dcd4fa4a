// Unit results kept on disk between runs (src/indexer/unit-archive.ts): what a later run takes
// from the archive must be exactly what it would have computed, and the archive must actually be
// used (a run starting where the last ended, a fork point the last run laid out).

import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { MemoryTree } from '../src/git/file-tree.js';
import { toAbiLayout, TreeLayouter, unitKey, type UnitStore } from '../src/layout/tree-state.js';
import { UnitCache } from '../src/layout/unit-cache.js';
import { prepareUnitArchive, UnitArchive, type ArchiveConfig } from '../src/indexer/unit-archive.js';
import { cloneBundle, dump, indexCli, LAYOUTS, layoutFile } from './support/index-cli.js';
import { LINUX_SRC, missing, readTree, SHARED } from './support/linux.js';

const skipLinux = missing([LINUX_SRC], 'Linux 6.1 source');
const skipCorpus = missing([join(SHARED, 'corpus')], 'shared/corpus');

/** The archive's store with its hits counted (the archive itself, not a stand-in). */
function counted(store: UnitStore): UnitStore & { hits: number } {
  const c = { hits: 0, find: (k: string) => {
    const u = store.find(k);
    if (u) c.hits++;
    return u;
  }, add: (k: string, u: Parameters<UnitStore['add']>[1]) => store.add(k, u) };
  return c;
}

describe.skipIf(skipLinux)('the unit archive across runs', () => {
  if (skipLinux) it.skip(skipLinux, () => {});
  const spec = { kind: 'kernel' } as const;
  const older = skipLinux ? {} : readTree(LINUX_SRC, ['include/uapi', 'arch/x86/include/uapi'], ['Makefile']);
  // A later commit edits a header many units include: laying out the older tree again from the
  // later one's state recomputes all of those units, unless the archive has them.
  const newer = { ...older, 'include/uapi/linux/types.h': older['include/uapi/linux/types.h']!.replace('#endif /*  __ASSEMBLY__ */', '#define __ABI_BLAME_NEW 7\n#endif /*  __ASSEMBLY__ */') };

  it('gives a later run the states and units an earlier one laid out, equal to computing them', { timeout: 120_000 }, () => {
    const root = mkdtempSync(join(tmpdir(), 'abi-blame-units-'));
    // First run: the older tree, then the newer one from it; the newer is where the run ends.
    const first = prepareUnitArchive(root, 1)!;
    const a1 = new UnitArchive(first, 0, ['x86_64']);
    const l1 = new TreeLayouter('x86_64', spec, new UnitCache(), true, a1.forAbi('x86_64'));
    const olderState = l1.compute(new MemoryTree(older)).state;
    const newerUpdate = l1.compute(new MemoryTree(newer), olderState);
    expect(newerUpdate.recomputed.size).toBeGreaterThan(100);
    a1.saveTip('x86_64', newerUpdate.state);
    a1.close();

    // Second run, a new process's worth of objects: it starts from the tip without laying out
    // anything, and the fork point (the older tree) comes from the archive.
    const second = prepareUnitArchive(root, 1)!;
    expect(second.dir).toBe(first.dir);
    const a2 = new UnitArchive(second, 0, ['x86_64']);
    const store = counted(a2.forAbi('x86_64'));
    const l2 = new TreeLayouter('x86_64', spec, new UnitCache(), true, store);
    const tip = a2.loadTip('x86_64')!;
    expect(tip.units.size).toBe(newerUpdate.state.units.size);
    const start = l2.compute(new MemoryTree(newer), tip);
    expect(start.recomputed.size).toBe(0);
    expect(toAbiLayout(start.state)).toEqual(toAbiLayout(newerUpdate.state));

    const fork = l2.compute(new MemoryTree(older), start.state);
    expect(fork.recomputed.size).toBe(newerUpdate.recomputed.size);
    expect(store.hits).toBe(fork.recomputed.size);
    const fromScratch = toAbiLayout(new TreeLayouter('x86_64', spec).compute(new MemoryTree(older)).state);
    expect(toAbiLayout(fork.state)).toEqual(fromScratch);
    a2.close();
  });

  /** A run of one worker: the older tree, then the newer one from it, written to the archive. */
  const olderThenNewer = (config: ArchiveConfig) => {
    const archive = new UnitArchive(config, 0, ['x86_64']);
    const layouter = new TreeLayouter('x86_64', spec, new UnitCache(), true, archive.forAbi('x86_64'));
    const olderState = layouter.compute(new MemoryTree(older)).state;
    const newerUpdate = layouter.compute(new MemoryTree(newer), olderState);
    archive.close();
    return { olderState, newerUpdate };
  };

  it('never writes over the segments of an archive made with the same config', { timeout: 120_000 }, () => {
    const root = mkdtempSync(join(tmpdir(), 'abi-blame-units-'));
    // Small segments: the first worker finishes many (each with its index) before it is gone.
    const config = { ...prepareUnitArchive(root, 1)!, segmentBytes: 64 << 10 };
    // Its last segment finished too (a worker that runs out of heap leaves it unfinished: unread).
    const { olderState, newerUpdate } = olderThenNewer(config);
    expect(readdirSync(config.dir).filter((f) => f.endsWith('.idx')).length).toBeGreaterThan(10);
    // A worker with its number and its config (as runIndex gave the workers replacing others until
    // it made a config per set of workers) lays out trees of its own.
    const second = new UnitArchive(config, 0, ['x86_64']);
    const l2 = new TreeLayouter('x86_64', spec, new UnitCache(), true, second.forAbi('x86_64'));
    const edited = { ...older, 'include/uapi/linux/types.h': newer['include/uapi/linux/types.h']!.replace('7\n', '8\n') };
    expect(l2.compute(new MemoryTree(edited), newerUpdate.state).recomputed.size).toBeGreaterThan(100);
    second.close();

    // A later run takes the older tree's units from what the first wrote, all of them.
    const third = new UnitArchive(prepareUnitArchive(root, 1)!, 0, ['x86_64']);
    const store = counted(third.forAbi('x86_64'));
    const fork = new TreeLayouter('x86_64', spec, new UnitCache(), true, store).compute(new MemoryTree(older), newerUpdate.state);
    expect(store.hits).toBe(fork.recomputed.size);
    expect(toAbiLayout(fork.state)).toEqual(toAbiLayout(olderState));
    third.close();
  });

  it('gives a worker its ABIs\' units however the ABIs were grouped among the workers that wrote them', { timeout: 120_000 }, () => {
    const root = mkdtempSync(join(tmpdir(), 'abi-blame-units-'));
    const config = prepareUnitArchive(root, 1)!;
    // A first run of one worker for two ABIs (an index run with --jobs 1).
    const both = new UnitArchive(config, 0, ['x86_64', 'i386']);
    const tips = (['x86_64', 'i386'] as const).map((abi) => {
      const state = new TreeLayouter(abi, spec, new UnitCache(), true, both.forAbi(abi)).compute(new MemoryTree(older)).state;
      both.saveTip(abi, state);
      return state;
    });
    both.close();
    expect(readdirSync(config.dir).filter((n) => n.endsWith('.idx')).every((n) => n.includes('.x86_64+i386.'))).toBe(true);
    // A later run with a worker per ABI reads the index of the segments both were written to.
    const i386 = new UnitArchive(prepareUnitArchive(root, 2)!, 1, ['i386']);
    expect(toAbiLayout(i386.loadTip('i386')!)).toEqual(toAbiLayout(tips[1]!));
    expect(i386.find(unitKey('i386', tips[1]!.raw, 'linux/kvm.h', tips[1]!.units.get('linux/kvm.h')!.closure, tips[1]!.contents))).toBeDefined();
    i386.close();
  });

  it('takes a unit whose bytes changed on disk for a miss, not for a unit', { timeout: 120_000 }, () => {
    const root = mkdtempSync(join(tmpdir(), 'abi-blame-units-'));
    const { olderState, newerUpdate } = olderThenNewer(prepareUnitArchive(root, 1)!);
    // A letter shifted every 10,007 bytes of every segment: a part may still decode (to other
    // names), or not at all.
    const config = prepareUnitArchive(root, 1)!;
    for (const f of readdirSync(config.dir).filter((n) => n.endsWith('.bin'))) {
      const bytes = readFileSync(join(config.dir, f));
      for (let i = 0; i < bytes.length; i += 10_007) if (bytes[i]! >= 0x61 && bytes[i]! < 0x7a) bytes[i]! += 1;
      writeFileSync(join(config.dir, f), bytes);
    }
    const store = counted(new UnitArchive(config, 0, ['x86_64']).forAbi('x86_64'));
    const fork = new TreeLayouter('x86_64', spec, new UnitCache(), true, store).compute(new MemoryTree(older), newerUpdate.state);
    expect(store.hits).toBeLessThan(fork.recomputed.size);
    expect(toAbiLayout(fork.state)).toEqual(toAbiLayout(olderState));
  });

  it('keeps nothing a killed run left half written, nor another engine\'s units', () => {
    const root = mkdtempSync(join(tmpdir(), 'abi-blame-units-'));
    const config = prepareUnitArchive(root, 1)!;
    writeFileSync(join(config.dir, 'seg-killed-0-0.bin'), 'partial');
    writeFileSync(join(root, '0123456789abcdef'), 'another engine');
    prepareUnitArchive(root, 1);
    expect(existsSync(join(config.dir, 'seg-killed-0-0.bin'))).toBe(false);
    expect(readdirSync(root)).toEqual([config.dir.split('/').pop()]);
  });

  it('goes to the next place where the first cannot be written', () => {
    const blocked = join(mkdtempSync(join(tmpdir(), 'abi-blame-units-')), 'a-file');
    writeFileSync(blocked, 'not a folder');
    const other = mkdtempSync(join(tmpdir(), 'abi-blame-units-'));
    expect(prepareUnitArchive([blocked, other], 1)!.dir.startsWith(other)).toBe(true);
  });

  it('is off with ABI_BLAME_UNIT_CACHE_MB=0', () => {
    const before = process.env.ABI_BLAME_UNIT_CACHE_MB;
    process.env.ABI_BLAME_UNIT_CACHE_MB = '0';
    try {
      expect(prepareUnitArchive(mkdtempSync(join(tmpdir(), 'abi-blame-units-')), 1)).toBeUndefined();
    } finally {
      if (before === undefined) delete process.env.ABI_BLAME_UNIT_CACHE_MB;
      else process.env.ABI_BLAME_UNIT_CACHE_MB = before;
    }
  });
});

describe.skipIf(skipCorpus)('an index built over two runs with the archive', () => {
  if (skipCorpus) it.skip(skipCorpus, () => {});
  it('equals the same two runs without it (kvmtool)', { timeout: 10 * 60_000 }, async () => {
    const layout = layoutFile(LAYOUTS['kvmtool-uapi']);
    const dumps: string[] = [];
    for (const archive of ['1024', '0']) {
      const repo = cloneBundle('kvmtool-uapi');
      const middle = execFileSync('git', ['--git-dir', repo, 'rev-list', '--first-parent', 'HEAD'], { encoding: 'utf8' }).trim().split('\n')[40]!;
      for (const ref of [[ '--ref', middle ], []]) {
        const r = indexCli([repo, '--layout', layout, '--json', ...ref], { ABI_BLAME_UNIT_CACHE_MB: archive });
        expect(r.stderr).toBe('');
        expect(r.status).toBe(0);
      }
      const tips = existsSync(join(repo, 'abi-blame', 'units')) ? readdirSync(join(repo, 'abi-blame', 'units')) : [];
      expect(tips.length).toBe(archive === '0' ? 0 : 1);
      // Each clone has its own path, which the repos row names.
      dumps.push((await dump({ pgliteDir: join(repo, 'abi-blame', 'pglite') })).replaceAll(repo, 'REPO'));
    }
    expect(dumps[0]!.length).toBeGreaterThan(100_000);
    expect(dumps[0] === dumps[1], 'the same rows with and without the archive').toBe(true);
  });
});
