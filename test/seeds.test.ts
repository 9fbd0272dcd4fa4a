// The cases the seed threads (shared/seeds/) are about, each checked against clang on real headers.

import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { layoutTree } from '../src/layout/engine.js';
import { FsTree } from '../src/git/file-tree.js';
import type { LayoutSpec } from '../src/cpp/profile.js';
import type { AbiLayout, AbiName, RecordLayout } from '../src/layout/model.js';
import { compareLayouts } from '../scripts/truth/compare.js';
import { clangError, clangRecords, clangValues } from './support/clang.js';
import { hasClang, installedTree, missing, SHARED } from './support/linux.js';

const skip = missing([installedTree('x86'), installedTree('s390'), installedTree('powerpc'), installedTree('arm64'), join(SHARED, 'corpus')], 'Linux 6.1 installed headers and shared/corpus')
  ?? (hasClang() ? undefined : 'clang is not installed');

const KVMTOOL_LAYOUT: LayoutSpec = {
  kind: 'custom', include: ['include'],
  arch: { x86: ['x86/include'], arm64: ['arm/aarch64/include'], arm: ['arm/aarch32/include'], powerpc: ['powerpc/include'], mips: ['mips/include'], riscv: ['riscv/include'] },
};

const record = (r: AbiLayout, name: string): RecordLayout => {
  const rec = r.records.find((x) => x.name === name);
  if (!rec) throw new Error(`no record ${name} for ${r.abi}`);
  return rec;
};
const offsetOf = (rec: RecordLayout, path: string): number => rec.fields.find((f) => f.path === path)!.offset;

/** Our kvm_run for a tree, checked against clang's (clang gets the 6.1 base headers kvmtool lacks). */
async function kvmRunChecked(root: string, spec: LayoutSpec, abi: AbiName, includeDirs: string[]): Promise<RecordLayout> {
  const ours = layoutTree({ tree: new FsTree(root), spec, abi, only: ['linux/kvm.h'] });
  const truth = await clangRecords(abi, [...includeDirs, join(installedTree('x86'), 'include')], 'linux/kvm.h', join(includeDirs.at(-1)!, 'linux/kvm.h'));
  const c = compareLayouts({ abi, records: truth.filter((t) => t.name === 'kvm_run') }, ours);
  expect(c.checkedRecords).toBe(1);
  expect(c.mismatches).toEqual([]);
  expect(c.matchedRecords).toBe(1);
  return record(ours, 'kvm_run');
}

describe.skipIf(skip)('seed cases', () => {
  if (skip) it.skip(skip, () => {});

  it('002: kvm_run.system_event before and after the ndata change, x86_64 and i386 (kvmtool history)', async () => {
    const repo = mkdtempSync(join(tmpdir(), 'kvmtool-'));
    execFileSync('git', ['clone', '-q', join(SHARED, 'corpus', 'kvmtool-uapi.bundle'), repo]);
    // kvmtool synced Linux v5.18-rc2 (flags after type) and then v6.0-rc1 (ndata + union).
    const at = (rev: string): string => {
      const dir = mkdtempSync(join(tmpdir(), `kvmtool-${rev}-`));
      execFileSync('git', ['-C', repo, 'worktree', 'add', '-q', '--detach', dir, rev]);
      return dir;
    };
    const before = at('712aba6');
    const after = at('2b8b3bd');
    expect(readFileSync(join(after, 'include/linux/kvm.h'), 'utf8')).toContain('__u32 ndata;');

    const flags: Record<string, number> = {};
    for (const [label, dir] of [['before', before], ['after', after]] as const) {
      for (const abi of ['x86_64', 'i386'] as const) {
        const run = await kvmRunChecked(dir, KVMTOOL_LAYOUT, abi, [join(dir, 'x86/include'), join(dir, 'include')]);
        flags[`${label} ${abi}`] = offsetOf(run, 'system_event.flags');
      }
    }
    // Harmless on x86_64 (flags stays put), a moved field on i386: the seed's point, in
    // offsets that clang agreed with above.
    expect(flags['before x86_64']).toBe(flags['after x86_64']);
    expect(flags['before i386']).not.toBe(flags['after i386']);
  });

  it('000: the __KVM_S390 members of kvm_run exist on s390x only', async () => {
    const s390 = await kvmRunChecked(installedTree('s390'), { kind: 'installed' }, 's390x', [join(installedTree('s390'), 'include')]);
    const x86 = await kvmRunChecked(installedTree('x86'), { kind: 'installed' }, 'x86_64', [join(installedTree('x86'), 'include')]);
    expect(s390.fields.map((f) => f.path)).toContain('psw_mask');
    expect(x86.fields.map((f) => f.path)).not.toContain('psw_mask');
  });

  it('000: a __uint128_t member on i386 gets a clear diagnostic, as clang fails too', async () => {
    // arm64's asm/ptrace.h (user_fpsimd_state.vregs) read as if for a 32-bit x86 host.
    const tree = installedTree('arm64');
    const ours = layoutTree({ tree: new FsTree(tree), spec: { kind: 'installed' }, abi: 'i386', only: ['asm/ptrace.h'] });
    expect(ours.records.find((r) => r.name === 'user_fpsimd_state')).toBeUndefined();
    const d = ours.diagnostics.find((x) => x.message.includes('__uint128_t'));
    expect(d?.message).toMatch(/i386 has no 128-bit integer type/);
    expect(d?.header).toBe('asm/ptrace.h');
    expect(await clangError('i386', [join(tree, 'include')], 'asm/ptrace.h')).toMatch(/__uint128_t/);
  });

  it('001: KVM_PPC_GET_COMPAT_CAPS on ppc64le (3 direction bits) and x86_64, as clang encodes and decodes it', async () => {
    const seedStruct = 'struct kvm_ppc_compat_caps {\n\t__u64 size;\n\t__u64 flags;\n\t__u64 compat_capabilities;\n};\n';
    const defines = '#define KVM_CAP_PPC_COMPAT_CAPS 249\n#define KVM_PPC_GET_COMPAT_CAPS _IOR(KVMIO, 0xe4, struct kvm_ppc_compat_caps)\n';
    for (const [abi, karch] of [['ppc64le', 'powerpc'], ['x86_64', 'x86']] as const) {
      const root = mkdtempSync(join(tmpdir(), `compat-caps-${abi}-`));
      cpSync(installedTree(karch), root, { recursive: true });
      const kvmh = join(root, 'include/linux/kvm.h');
      const text = readFileSync(kvmh, 'utf8');
      const end = text.lastIndexOf('#endif');
      writeFileSync(kvmh, `${text.slice(0, end)}${seedStruct}${defines}${text.slice(end)}`);

      const ours = layoutTree({ tree: new FsTree(root), spec: { kind: 'installed' }, abi, only: ['linux/kvm.h'] });
      const m = ours.macros.find((x) => x.name === 'KVM_PPC_GET_COMPAT_CAPS')!;
      const [value, dir, type, nr, size, read] = await clangValues(abi, [join(root, 'include')], 'linux/kvm.h', [
        'KVM_PPC_GET_COMPAT_CAPS', '_IOC_DIR(KVM_PPC_GET_COMPAT_CAPS)', '_IOC_TYPE(KVM_PPC_GET_COMPAT_CAPS)',
        '_IOC_NR(KVM_PPC_GET_COMPAT_CAPS)', '_IOC_SIZE(KVM_PPC_GET_COMPAT_CAPS)', '_IOC_READ',
      ]);
      expect(m.value).toBe(value!.toString());
      expect(dir).toBe(read);
      expect(m.ioctl).toEqual({ dir: 'read', type: Number(type), nr: Number(nr), size: Number(size) });
      expect(ours.macros.find((x) => x.name === 'KVM_CAP_PPC_COMPAT_CAPS')?.value).toBe('249');
    }
  });
});
