// Benchmark input: a synthetic kernel-like git history for the abi-blame indexer.
// See gen-synthetic-repo.md beside this file for the shape of the history and the command lines.
//
//   npx tsx scripts/bench/gen-synthetic-repo.ts --out DIR [--commits 1000000] [--header-commits 30000]
//       [--seed 1] [--base ~/.cache/abi-blame/linux-source-6.1] [--tag-every 10000] [--verify 20] [--force]
//   npx tsx scripts/bench/gen-synthetic-repo.ts --out DIR --verify-only [--verify 20]
//
// The repository is written by one `git fast-import` fed from stdin. The initial tree is the real
// Linux 6.1 uapi header tree (7 architectures), the top Makefile and ~600 small synthetic
// non-header files; M of the later commits edit curated uapi headers in ways that keep them valid C
// (checked with clang on a sample of commits after generation, --verify).

import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

// ---------------------------------------------------------------------------------------------
// Options

const USAGE = `usage: npx tsx scripts/bench/gen-synthetic-repo.ts --out DIR [options]
  --out DIR              bare repository to write (must not exist, or --force)
  --commits N            total commits, merges included (default 1000000)
  --header-commits M     non-merge commits that edit uapi headers (default 30000)
  --seed S               same seed, same repository (default 1)
  --base DIR             Linux 6.1 source tree (default $ABI_BLAME_CACHE or ~/.cache/abi-blame, /linux-source-6.1)
  --tag-every K          a release commit + annotated tag every ~K commits merged into mainline (default 10000)
  --verify K             afterwards compile the edited headers of K sampled commits with clang (default 20, 0: skip)
  --verify-only          only verify an existing repository (--out)
  --force                replace an existing repository at --out`;

const { values: opt } = parseArgs({
  options: {
    out: { type: 'string' },
    commits: { type: 'string', default: '1000000' },
    'header-commits': { type: 'string', default: '30000' },
    seed: { type: 'string', default: '1' },
    base: { type: 'string' },
    'tag-every': { type: 'string', default: '10000' },
    verify: { type: 'string', default: '20' },
    'verify-only': { type: 'boolean', default: false },
    force: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

function die(msg: string): never {
  process.stderr.write(`gen-synthetic-repo: ${msg}\n`);
  process.exit(2);
}

if (opt.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const intOpt = (name: string, v: string | undefined, min: number): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) die(`--${name} must be an integer >= ${min}`);
  return n;
};
const OUT = opt.out ?? die(`--out is required\n${USAGE}`);
const N_COMMITS = intOpt('commits', opt.commits, 2);
const M_HEADER = intOpt('header-commits', opt['header-commits'], 0);
const TAG_EVERY = intOpt('tag-every', opt['tag-every'], 10);
const VERIFY = intOpt('verify', opt.verify, 0);
const SEED = opt.seed!;
const CACHE = process.env.ABI_BLAME_CACHE ?? join(homedir(), '.cache', 'abi-blame');
const BASE = opt.base ?? join(CACHE, 'linux-source-6.1');
const ARCHES = ['x86', 'arm64', 'arm', 'riscv', 's390', 'powerpc', 'mips'] as const;

// ---------------------------------------------------------------------------------------------
// Deterministic randomness: sfc32 seeded with cyrb128 of a string.

class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  constructor(seed: string) {
    let h1 = 1779033703, h2 = 3144134277, h3 = 1013904242, h4 = 2773480762;
    for (let i = 0; i < seed.length; i++) {
      const k = seed.charCodeAt(i);
      h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
      h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
      h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
      h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
    }
    h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
    h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
    h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
    h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
    h1 ^= h2 ^ h3 ^ h4;
    this.a = h1 >>> 0;
    this.b = (h2 ^ h1) >>> 0;
    this.c = (h3 ^ h1) >>> 0;
    this.d = (h4 ^ h1) >>> 0;
    for (let i = 0; i < 16; i++) this.next();
  }
  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return (t >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  /** Inclusive range. */
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(a: readonly T[]): T {
    return a[this.int(a.length)]!;
  }
  weighted(w: readonly number[]): number {
    let total = 0;
    for (const x of w) total += x;
    let r = this.next() * total;
    for (let i = 0; i < w.length; i++) {
      r -= w[i]!;
      if (r < 0) return i;
    }
    return w.length - 1;
  }
}

// ---------------------------------------------------------------------------------------------
// Curated headers: each compiles raw with clang (see compileFlags) in Linux 6.1, checked by
// `--verify` on the root commit. Weights steer how often a header is edited.

interface CuratedSpec {
  path: string;
  subsys: string;
  weight: number;
  /** Prefix of synthetic struct names. */
  prefix: string;
}

const g = (path: string, subsys: string, weight = 1.5, prefix?: string): CuratedSpec => ({
  path: `include/uapi/${path}`,
  subsys,
  weight,
  prefix: prefix ?? path.replace(/^.*\//, '').replace(/\.h$/, '').replace(/[^A-Za-z0-9]+/g, '_').toLowerCase(),
});
const a = (arch: string, file: string, subsys: string, weight: number, prefix: string): CuratedSpec => ({
  path: `arch/${arch}/include/uapi/asm/${file}`,
  subsys,
  weight,
  prefix,
});

const CURATED: CuratedSpec[] = [
  g('linux/kvm.h', 'KVM', 12, 'kvm'),
  a('x86', 'kvm.h', 'KVM: x86', 4, 'kvm_x86'),
  a('arm64', 'kvm.h', 'KVM: arm64', 3, 'kvm_arm64'),
  a('riscv', 'kvm.h', 'RISC-V: KVM', 1, 'kvm_riscv'),
  a('s390', 'kvm.h', 'KVM: s390', 1, 'kvm_s390'),
  a('powerpc', 'kvm.h', 'KVM: PPC', 1, 'kvm_ppc'),
  a('mips', 'kvm.h', 'KVM: MIPS', 0.5, 'kvm_mips'),
  a('x86', 'sigcontext.h', 'x86/signal', 1, 'x86_sigcontext'),
  a('x86', 'bootparam.h', 'x86/boot', 1, 'x86_boot'),
  a('x86', 'sgx.h', 'x86/sgx', 1, 'x86_sgx'),
  a('arm64', 'sigcontext.h', 'arm64/signal', 1, 'arm64_sigcontext'),
  a('arm64', 'ptrace.h', 'arm64/ptrace', 1, 'arm64_ptrace'),
  a('s390', 'pkey.h', 's390/pkey', 0.5, 's390_pkey'),
  g('linux/perf_event.h', 'perf/core', 2.5),
  g('linux/bpf.h', 'bpf', 3),
  g('linux/io_uring.h', 'io_uring', 2),
  g('linux/fs.h', 'fs'),
  g('linux/btrfs.h', 'btrfs'),
  g('linux/virtio_net.h', 'virtio_net'),
  g('linux/virtio_blk.h', 'virtio-blk'),
  g('linux/vfio.h', 'vfio', 2),
  g('linux/usbdevice_fs.h', 'usb: core'),
  g('linux/sched/types.h', 'sched', 1.5, 'sched_attr'),
  g('linux/seccomp.h', 'seccomp'),
  g('linux/ptrace.h', 'ptrace'),
  g('linux/openat2.h', 'openat2'),
  g('linux/mount.h', 'fs/namespace'),
  g('linux/userfaultfd.h', 'userfaultfd'),
  g('linux/stat.h', 'statx'),
  g('linux/rtnetlink.h', 'rtnetlink'),
  g('linux/netlink.h', 'netlink'),
  g('linux/tcp.h', 'tcp'),
  g('linux/blkzoned.h', 'block: zoned'),
  g('linux/loop.h', 'loop'),
  g('linux/fiemap.h', 'fiemap'),
  g('linux/fscrypt.h', 'fscrypt'),
  g('linux/dm-ioctl.h', 'dm ioctl'),
  g('linux/gpio.h', 'gpiolib: cdev'),
  g('linux/rfkill.h', 'rfkill'),
  g('linux/kfd_ioctl.h', 'drm/amdkfd'),
  g('linux/media.h', 'media: mc'),
  g('linux/tee.h', 'tee'),
  g('linux/psp-sev.h', 'crypto: ccp'),
  g('linux/ublk_cmd.h', 'ublk'),
  g('linux/virtio_gpu.h', 'drm/virtio'),
  g('linux/landlock.h', 'landlock'),
  g('linux/btf.h', 'bpf: btf'),
  g('linux/taskstats.h', 'taskstats'),
  g('linux/vduse.h', 'vduse'),
  g('linux/iommu.h', 'iommu'),
  g('linux/if_xdp.h', 'xsk'),
  g('linux/pkt_sched.h', 'net/sched'),
  g('linux/aio_abi.h', 'aio'),
  g('linux/rseq.h', 'rseq'),
  g('linux/if_packet.h', 'af_packet'),
  g('linux/sev-guest.h', 'virt: sev-guest'),
  g('linux/fanotify.h', 'fanotify'),
  g('drm/drm.h', 'drm'),
  g('drm/i915_drm.h', 'drm/i915', 1.5, 'i915'),
  g('drm/amdgpu_drm.h', 'drm/amdgpu', 1.5, 'amdgpu'),
  g('drm/drm_mode.h', 'drm/mode'),
  g('rdma/ib_user_verbs.h', 'RDMA/uverbs', 1.5, 'ib_uverbs'),
  g('mtd/ubi-user.h', 'ubi'),
  g('misc/habanalabs.h', 'habanalabs', 1, 'hl'),
];

/** Widely included headers: edited (harmlessly) by at most 0.3 % of the header commits. */
const BASE_HEADERS: CuratedSpec[] = [
  g('linux/types.h', 'uapi: linux/types.h', 0, 'types'),
  g('asm-generic/int-ll64.h', 'uapi: asm-generic/int-ll64.h', 0, 'int_ll64'),
];

/** Kernel arch and include name of a header path. */
function includeOf(path: string): { arch: string; inc: string } | undefined {
  if (path.startsWith('include/uapi/')) return { arch: 'x86', inc: path.slice('include/uapi/'.length) };
  const m = /^arch\/([^/]+)\/include\/uapi\/(.+)$/.exec(path);
  return m ? { arch: m[1]!, inc: m[2]! } : undefined;
}

// ---------------------------------------------------------------------------------------------
// Header parsing (the 6.1 text): structs you can extend, members you can rename, integer macros
// you can change, and where new lines go.

interface BaseStruct {
  name: string;
  open: number;
  close: number;
  /** A member may go before the closing brace: no flexible or zero-length array, not kernel-only. */
  addable: boolean;
  /** Unconditionally defined and complete: a synthetic struct may embed it. */
  nestable: boolean;
}
interface BaseMacro {
  line: number;
  name: string;
  value: number;
  hex: boolean;
  digits: number;
  /** Index and length of the value in the line. */
  vi: number;
  vlen: number;
}
interface BaseMember {
  line: number;
  name: string;
  /** Index of the name in the line. */
  ni: number;
  struct: string;
}

interface Header {
  idx: number;
  spec: CuratedSpec;
  path: string;
  lines: string[];
  /** Synthetic structs and base-header lines go before this line (the guard's #endif, or the
   *  #endif of the `#ifndef __ASSEMBLY__` block just inside it). */
  tail: number;
  structs: BaseStruct[];
  addable: BaseStruct[];
  nestable: BaseStruct[];
  structByClose: Map<number, BaseStruct>;
  macros: BaseMacro[];
  macroByLine: Map<number, BaseMacro>;
  members: BaseMember[];
  memberByLine: Map<number, BaseMember>;
  /** kvm.h only: where KVM_CAP_ and ioctl lines go, and the highest capability number. */
  capAnchor: number;
  ioctlAnchor: number;
  baseMaxCap: number;
  ops: Op[];
}

/** Replaces comments (and string/char literals' contents) by spaces, keeping positions. */
function stripComments(line: string, inComment: boolean): { code: string; inComment: boolean } {
  const out = line.split('');
  let i = 0;
  while (i < line.length) {
    if (inComment) {
      if (line[i] === '*' && line[i + 1] === '/') {
        out[i] = out[i + 1] = ' ';
        i += 2;
        inComment = false;
      } else {
        out[i] = ' ';
        i++;
      }
      continue;
    }
    const c = line[i];
    if (c === '/' && line[i + 1] === '*') {
      out[i] = out[i + 1] = ' ';
      i += 2;
      inComment = true;
    } else if (c === '/' && line[i + 1] === '/') {
      for (let j = i; j < line.length; j++) out[j] = ' ';
      break;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < line.length && line[j] !== c) {
        if (line[j] === '\\') {
          out[j] = ' ';
          j++;
        }
        if (j < line.length) out[j] = ' ';
        j++;
      }
      i = j + 1;
    } else i++;
  }
  return { code: out.join(''), inComment };
}

/** What the whole 6.1 uapi tree says about names, beyond the header being edited. */
interface TreeFacts {
  /** `struct X` / `union X` whose size some header uses outside an ioctl number, and every
   *  struct or union they embed by value: a new member could make an array bound negative. */
  sizeDependent: Set<string>;
  /** How many times each macro is #defined in the tree. */
  macroDefs: Map<string, number>;
  /** Names used anywhere other than as an exact array bound `[NAME]` or their own #define. */
  freeUses: Set<string>;
}

function scanTree(texts: Map<string, string>): TreeFacts {
  const sizeofd = new Set<string>();
  const embeds = new Map<string, Set<string>>();
  const macroDefs = new Map<string, number>();
  const freeUses = new Set<string>();
  for (const text of texts.values()) {
    const lines = text.split('\n');
    let inC = false;
    const code = lines.map((l) => {
      const r = stripComments(l, inC);
      inC = r.inComment;
      return r.code;
    });
    let current: Set<string> | undefined;
    let depth = 0;
    for (const line of code) {
      if (!line.includes('_IO')) for (const m of line.matchAll(/\bsizeof\s*\(\s*(struct|union)\s+(\w+)\s*\)/g)) sizeofd.add(`${m[1]} ${m[2]}`);
      const def = /^(?:typedef\s+)?(struct|union)\s+(\w+)\s*\{\s*$/.exec(line);
      if (def && depth === 0) {
        current = new Set();
        embeds.set(`${def[1]} ${def[2]}`, current);
      } else if (current) {
        for (const m of line.matchAll(/\b(struct|union)\s+(\w+)\s+[A-Za-z_]\w*\s*[[;,:]/g)) current.add(`${m[1]} ${m[2]}`);
      }
      for (const ch of line) {
        if (ch === '{') depth++;
        else if (ch === '}') depth--;
      }
      if (depth <= 0) {
        depth = 0;
        current = undefined;
      }
      const pre = /^\s*#/.test(line);
      const defined = /^\s*#\s*define\s+(\w+)/.exec(line);
      if (defined) macroDefs.set(defined[1]!, (macroDefs.get(defined[1]!) ?? 0) + 1);
      for (const m of line.matchAll(/[A-Za-z_]\w*/g)) {
        if (defined && m.index === line.indexOf(defined[1]!, line.indexOf('define') + 6)) continue;
        const before = line.slice(0, m.index).trimEnd();
        const after = line.slice(m.index + m[0].length).trimStart();
        if (!pre && before.endsWith('[') && after.startsWith(']')) continue;
        freeUses.add(m[0]);
      }
    }
  }
  const sizeDependent = new Set<string>();
  const queue = [...sizeofd];
  while (queue.length) {
    const x = queue.pop()!;
    if (sizeDependent.has(x)) continue;
    sizeDependent.add(x);
    for (const y of embeds.get(x) ?? []) queue.push(y);
  }
  return { sizeDependent, macroDefs, freeUses };
}

const MEMBER_RE =
  /^(\s+)((?:const\s+)?(?:(?:struct|union|enum)\s+\w+|__[us](?:8|16|32|64)|__[bl]e(?:16|32|64)|__aligned_[us]64|__kernel_\w+|(?:unsigned\s+|signed\s+)?(?:char|short|int|long(?:\s+long)?)|unsigned)\s+\**\s*)([A-Za-z_]\w*)(\s*(?:\[[^\]]*\]\s*)*(?::\s*\w+\s*)?;\s*)$/;
const MACRO_RE = /^#define([ \t]+)([A-Za-z_]\w*)([ \t]+)(0x[0-9a-fA-F]+|[1-9][0-9]*)([uUlL]*)[ \t]*$/;

function parseHeader(idx: number, spec: CuratedSpec, text: string, facts: TreeFacts): Header {
  const lines = text.split('\n');
  const code: string[] = [];
  let inC = false;
  for (const l of lines) {
    const r = stripComments(l, inC);
    code.push(r.code.trimEnd());
    inC = r.inComment;
  }
  // Conditional blocks.
  const depthAt: number[] = [];
  const kernelAt: boolean[] = [];
  const plainDepthAt: number[] = [];
  const stack: { text: string; start: number }[] = [];
  const blocks: { text: string; start: number; end: number; depth: number }[] = [];
  for (let i = 0; i < lines.length; i++) {
    depthAt.push(stack.length);
    kernelAt.push(stack.some((s) => s.text.includes('__KERNEL__')));
    plainDepthAt.push(stack.filter((s) => !s.text.includes('__ASSEMBLY__')).length);
    const c = code[i]!.trim();
    if (/^#\s*(if|ifdef|ifndef)\b/.test(c)) stack.push({ text: c, start: i });
    else if (/^#\s*endif\b/.test(c)) {
      const b = stack.pop();
      if (!b) throw new Error(`${spec.path}:${i + 1}: unbalanced #endif`);
      blocks.push({ ...b, end: i, depth: stack.length });
    }
  }
  if (stack.length) throw new Error(`${spec.path}: unterminated #if`);
  const firstCode = code.findIndex((c) => c.trim() !== '');
  const guard = blocks.find((b) => b.depth === 0 && /^#\s*ifndef\b/.test(b.text) && b.start === firstCode);
  if (!guard) throw new Error(`${spec.path}: no include guard`);
  for (let i = guard.end + 1; i < lines.length; i++) if (code[i]!.trim()) throw new Error(`${spec.path}: text after the guard`);
  let tail = guard.end;
  const asm = blocks.find((b) => b.depth === 1 && /__ASSEMBLY__/.test(b.text) && !/^#\s*ifdef\b|^#\s*if\s+defined/.test(b.text));
  if (asm && blocks.every((b) => b.depth !== 1 || b.end <= asm.end)) {
    // Only blank lines and #endif between the assembly block's end and the guard's.
    let ok = true;
    for (let i = asm.end + 1; i < guard.end; i++) if (code[i]!.trim()) ok = false;
    if (ok) tail = asm.end;
  }
  if (code[tail - 1]?.endsWith('\\')) throw new Error(`${spec.path}: continuation before the tail`);

  // Word occurrences per line (code only).
  const wordLines = new Map<string, number[]>();
  for (let i = 0; i < code.length; i++) {
    for (const m of code[i]!.matchAll(/[A-Za-z_]\w*/g)) {
      const list = wordLines.get(m[0]);
      if (!list) wordLines.set(m[0], [i]);
      else list.push(i);
    }
  }

  const structs: BaseStruct[] = [];
  const members: BaseMember[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = /^(?:typedef\s+)?struct\s+(\w+)\s*\{$/.exec(code[i]!);
    if (!m || depthAt[i] === 0) continue;
    let depth = 0;
    let close = -1;
    const cand: number[] = [];
    for (let j = i; j < lines.length; j++) {
      const before = depth;
      for (const ch of code[j]!) {
        if (ch === '{') depth++;
        else if (ch === '}') depth--;
      }
      if (j > i && before === 1 && depth === 1) cand.push(j);
      if (j > i && depth === 0) {
        close = j;
        break;
      }
    }
    if (close < 0 || !/^\}[^{}]*;$/.test(code[close]!)) continue;
    const body = code.slice(i + 1, close).join('\n');
    const flex = /\[\s*0?\s*\]/.test(body) || body.includes('__DECLARE_FLEX_ARRAY');
    const kernel = kernelAt[i]!;
    const st: BaseStruct = {
      name: m[1]!,
      open: i,
      close,
      addable: !flex && !kernel && !facts.sizeDependent.has(`struct ${m[1]}`),
      nestable: !flex && !kernel && plainDepthAt[i] === 1 && !code[close]!.includes('packed'),
    };
    structs.push(st);
    if (kernel) continue;
    for (const j of cand) {
      const mm = MEMBER_RE.exec(code[j]!);
      if (!mm) continue;
      const name = mm[3]!;
      if (wordLines.get(name)?.length !== 1) continue;
      if (/^(struct|union|enum)$/.test(name)) continue;
      members.push({ line: j, name, ni: mm[1]!.length + mm[2]!.length, struct: st.name });
    }
    i = close;
  }

  const macros: BaseMacro[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = MACRO_RE.exec(code[i]!);
    if (!m || kernelAt[i]) continue;
    const name = m[2]!;
    if (/_H_?$|^_UAPI|^__/.test(name)) continue;
    const value = Number(m[4]);
    if (!(value > 0) || value > 0x7fffffff) continue;
    // Defined once in the whole tree, and used, if at all, only as an exact array bound `[NAME]`:
    // any positive value keeps every header valid.
    if (facts.macroDefs.get(name) !== 1 || facts.freeUses.has(name)) continue;
    const vi = '#define'.length + m[1]!.length + name.length + m[3]!.length;
    macros.push({ line: i, name, value, hex: m[4]!.startsWith('0x'), digits: m[4]!.startsWith('0x') ? m[4]!.length - 2 : 0, vi, vlen: m[4]!.length });
  }

  let capAnchor = -1;
  let ioctlAnchor = -1;
  let baseMaxCap = 0;
  for (let i = 0; i < lines.length; i++) {
    const cap = /^#define KVM_CAP_\w+\s+(\d+)$/.exec(code[i]!);
    if (cap) {
      capAnchor = i + 1;
      baseMaxCap = Math.max(baseMaxCap, Number(cap[1]));
    }
    if (/^#define\s+\w+\s+_IO[RW]*\(KVMIO,/.test(code[i]!) && depthAt[i] === 1) ioctlAnchor = i + 1;
  }

  return {
    idx,
    spec,
    path: spec.path,
    lines,
    tail,
    structs,
    addable: structs.filter((s) => s.addable),
    nestable: structs.filter((s) => s.nestable),
    structByClose: new Map(structs.map((s) => [s.close, s])),
    macros,
    macroByLine: new Map(macros.map((m) => [m.line, m])),
    members,
    memberByLine: new Map(members.map((m) => [m.line, m])),
    capAnchor,
    ioctlAnchor,
    baseMaxCap,
    ops: [],
  };
}

// ---------------------------------------------------------------------------------------------
// Header edits as operations. A branch's header text = the 6.1 text + the operations visible on
// it; visibility: merged into mainline at or before the view's mainline position, or made on the
// view's own topic branch. Operations commute (they touch distinct places, and for the same
// macro/member the newest wins), so a merge's text is the union of both sides' operations.

const enum K {
  Line,
  Struct,
  Member,
  Set,
  Del,
  Ren,
}

interface Op {
  id: number;
  h: number;
  branch: number;
  /** Mainline position from which it is visible on mainline (Infinity while only on its topic). */
  mainSeq: number;
  k: K;
  /** Line/Struct: inserted before this base line. */
  at: number;
  /** Line: the text (macro lines: up to the value). Member: the type. */
  text: string;
  /** Macro / member / struct name. */
  name: string;
  /** Line macro: first value; Set: the new value. */
  value: number;
  hex: boolean;
  /** Member: struct key; Set: macro key; Ren: member key ('b<line>' base, 's<op>'/'o<op>'/'m<op>' synthetic). */
  target: string;
  /** Del: the struct op. */
  targetId: number;
  /** Struct: its member lines. */
  members: string[];
  deletable: boolean;
  cap: boolean;
}

interface View {
  seq: number;
  topic: number;
}
const MAIN_VIEW: View = { seq: Number.MAX_SAFE_INTEGER, topic: -1 };

interface HState {
  inserts: Map<number, Op[]>;
  members: Map<string, Op[]>;
  deleted: Set<number>;
  values: Map<string, number>;
  names: Map<string, string>;
  /** Alive synthetic structs, members and macros. */
  structs: Op[];
  synthMembers: Op[];
  synthMacros: Op[];
  maxCap: number;
}

const allOps: Op[] = [];
/** The parsed headers, by index (Op.h). */
const headerTable: Header[] = [];

function newOp(h: number, k: K, fields: Partial<Op>): Op {
  const op: Op = {
    id: allOps.length,
    h,
    branch: 0,
    mainSeq: Infinity,
    k,
    at: -1,
    text: '',
    name: '',
    value: 0,
    hex: false,
    target: '',
    targetId: -1,
    members: [],
    deletable: false,
    cap: false,
    ...fields,
  };
  allOps.push(op);
  headerTable[h]!.ops.push(op);
  return op;
}

function fold(h: Header, v: View): HState {
  const s: HState = {
    inserts: new Map(),
    members: new Map(),
    deleted: new Set(),
    values: new Map(),
    names: new Map(),
    structs: [],
    synthMembers: [],
    synthMacros: [],
    maxCap: h.baseMaxCap,
  };
  const structs: Op[] = [];
  const synthMembers: Op[] = [];
  for (const op of h.ops) {
    if (!(op.mainSeq <= v.seq || op.branch === v.topic)) continue;
    switch (op.k) {
      case K.Line:
      case K.Struct: {
        const list = s.inserts.get(op.at);
        if (list) list.push(op);
        else s.inserts.set(op.at, [op]);
        if (op.k === K.Struct) structs.push(op);
        else if (op.name) s.synthMacros.push(op);
        break;
      }
      case K.Member: {
        const list = s.members.get(op.target);
        if (list) list.push(op);
        else s.members.set(op.target, [op]);
        synthMembers.push(op);
        break;
      }
      case K.Set:
        s.values.set(op.target, op.value);
        break;
      case K.Del:
        s.deleted.add(op.targetId);
        break;
      case K.Ren:
        s.names.set(op.target, op.name);
        break;
    }
  }
  s.structs = structs.filter((o) => !s.deleted.has(o.id));
  s.synthMembers = synthMembers.filter((o) => !(o.target.startsWith('s') && s.deleted.has(Number(o.target.slice(1)))));
  for (const m of s.synthMacros) if (m.cap) s.maxCap = Math.max(s.maxCap, s.values.get(`o${m.id}`) ?? m.value);
  return s;
}

function fmtValue(v: number, hex: boolean, digits: number): string {
  return hex ? `0x${v.toString(16).padStart(digits, '0')}` : String(v);
}

function render(h: Header, s: HState): string {
  const out: string[] = [];
  const memberLine = (m: Op): string => `\t${m.text} ${s.names.get(`m${m.id}`) ?? m.name};`;
  for (let i = 0; i < h.lines.length; i++) {
    const ins = s.inserts.get(i);
    if (ins) {
      for (const op of ins) {
        if (op.k === K.Line) {
          out.push(op.name ? `${op.text}${fmtValue(s.values.get(`o${op.id}`) ?? op.value, op.hex, 0)}` : op.text);
        } else if (!s.deleted.has(op.id)) {
          out.push(`struct ${op.name} {`, ...op.members);
          for (const m of s.members.get(`s${op.id}`) ?? []) out.push(memberLine(m));
          out.push('};', '');
        }
      }
    }
    if (h.structByClose.has(i)) for (const m of s.members.get(`b${i}`) ?? []) out.push(memberLine(m));
    let line = h.lines[i]!;
    if (s.values.size) {
      const mac = h.macroByLine.get(i);
      const v = mac && s.values.get(`b${i}`);
      if (mac && v !== undefined) line = line.slice(0, mac.vi) + fmtValue(v, mac.hex, mac.digits) + line.slice(mac.vi + mac.vlen);
    }
    if (s.names.size) {
      const mem = h.memberByLine.get(i);
      const n = mem && s.names.get(`b${i}`);
      if (mem && n) line = line.slice(0, mem.ni) + n + line.slice(mem.ni + mem.name.length);
    }
    out.push(line);
  }
  return out.join('\n');
}

// ---------------------------------------------------------------------------------------------
// Words, people, areas

const WORDS = ['flags', 'size', 'addr', 'len', 'id', 'index', 'count', 'offset', 'cookie', 'mask', 'type', 'mode', 'data', 'value', 'nr', 'gpa', 'base', 'limit', 'status', 'token', 'version', 'cap', 'ctrl', 'seq', 'gen', 'fd', 'prio', 'attr'];
const RENAME_WORDS = ['ext', 'v2', 'hi', 'lo', 'rsvd', 'cnt', 'ex', 'new'];
const FIRST = ['Alice', 'Bogdan', 'Chen', 'Dmitri', 'Elena', 'Farid', 'Greta', 'Hiroshi', 'Ines', 'Jonas', 'Kavya', 'Lars', 'Mei', 'Nikolai', 'Olga', 'Pavel', 'Quentin', 'Rosa', 'Sven', 'Tomasz', 'Uma', 'Viktor', 'Wei', 'Ximena', 'Yusuf', 'Zofia', 'Arjun', 'Beatriz', 'Carlos', 'Dana', 'Emeka', 'Freya', 'Goran', 'Hana', 'Ivo', 'Jana'];
const LAST = ['Novak', 'Okafor', 'Lindqvist', 'Tanaka', 'Moreau', 'Petrov', 'Schulz', 'Kowalski', 'Haddad', 'Ivanova', 'Rossi', 'Nakamura', 'Fischer', 'Almeida', 'Dubois', 'Horvat', 'Jensen', 'Kim', 'Larsen', 'Mendes', 'Nilsson', 'Ortiz', 'Popescu', 'Quinn', 'Reyes', 'Sato', 'Tran', 'Ueda', 'Vasquez', 'Weber', 'Yilmaz', 'Zhang', 'Berg', 'Costa', 'Duarte', 'Eriksen'];
const TZS = ['-0700', '-0800', '-0400', '-0500', '+0000', '+0100', '+0200', '+0300', '+0530', '+0800', '+0900', '+1000'];

interface Person {
  ident: string;
  tz: string;
}
const PEOPLE: Person[] = FIRST.map((f, i) => {
  const l = LAST[(i * 7) % LAST.length]!;
  const dom = ['example.org', 'example.com', 'example.net'][i % 3];
  return { ident: `${f} ${l} <${f.toLowerCase()}.${l.toLowerCase()}@${dom}>`, tz: TZS[(i * 5) % TZS.length]! };
});
const MAINTAINERS = PEOPLE.slice(0, 12);
const MAINLINE: Person = { ident: 'Lennart Torvik <torvik@example.org>', tz: '-0700' };

interface Area {
  dir: string;
  prefix: string;
  ext: 'c' | 'h' | 'rst';
  files: number[];
}
const AREAS: Area[] = (
  [
    ['drivers/net/ethernet/intel/ice', 'ice', 'c'],
    ['drivers/net/ethernet/mellanox/mlx5/core', 'net/mlx5', 'c'],
    ['drivers/net/wireless/ath/ath11k', 'wifi: ath11k', 'c'],
    ['drivers/gpu/drm/i915/gt', 'drm/i915/gt', 'c'],
    ['drivers/gpu/drm/amd/amdgpu', 'drm/amdgpu', 'c'],
    ['drivers/gpu/drm/msm', 'drm/msm', 'c'],
    ['drivers/usb/core', 'usb: core', 'c'],
    ['drivers/usb/dwc3', 'usb: dwc3', 'c'],
    ['drivers/scsi/lpfc', 'scsi: lpfc', 'c'],
    ['drivers/nvme/host', 'nvme', 'c'],
    ['drivers/md', 'dm', 'c'],
    ['drivers/input/touchscreen', 'Input: touchscreen', 'c'],
    ['drivers/iio/adc', 'iio: adc', 'c'],
    ['drivers/i2c/busses', 'i2c', 'c'],
    ['drivers/spi', 'spi', 'c'],
    ['drivers/gpio', 'gpio', 'c'],
    ['drivers/pinctrl/qcom', 'pinctrl: qcom', 'c'],
    ['drivers/clk/qcom', 'clk: qcom', 'c'],
    ['drivers/tty/serial', 'tty: serial', 'c'],
    ['drivers/staging/rtl8723bs', 'staging: rtl8723bs', 'c'],
    ['drivers/hid', 'HID', 'c'],
    ['drivers/media/platform/qcom/venus', 'media: venus', 'c'],
    ['drivers/mmc/host', 'mmc', 'c'],
    ['drivers/pci/controller', 'PCI', 'c'],
    ['drivers/acpi', 'ACPI', 'c'],
    ['drivers/vfio/pci', 'vfio/pci', 'c'],
    ['drivers/virtio', 'virtio', 'c'],
    ['drivers/bluetooth', 'Bluetooth', 'c'],
    ['fs/ext4', 'ext4', 'c'],
    ['fs/btrfs', 'btrfs', 'c'],
    ['fs/xfs', 'xfs', 'c'],
    ['fs/nfs', 'NFS', 'c'],
    ['fs/f2fs', 'f2fs', 'c'],
    ['fs/proc', 'proc', 'c'],
    ['net/ipv4', 'ipv4', 'c'],
    ['net/ipv6', 'ipv6', 'c'],
    ['net/core', 'net', 'c'],
    ['net/netfilter', 'netfilter', 'c'],
    ['net/sched', 'net/sched', 'c'],
    ['net/mac80211', 'wifi: mac80211', 'c'],
    ['kernel/sched', 'sched', 'c'],
    ['kernel/bpf', 'bpf', 'c'],
    ['kernel/events', 'perf/core', 'c'],
    ['kernel', 'kernel', 'c'],
    ['mm', 'mm', 'c'],
    ['block', 'block', 'c'],
    ['crypto', 'crypto', 'c'],
    ['security/selinux', 'selinux', 'c'],
    ['sound/soc/codecs', 'ASoC: codecs', 'c'],
    ['lib', 'lib', 'c'],
    ['virt/kvm', 'KVM', 'c'],
    ['io_uring', 'io_uring', 'c'],
    ['tools/perf/util', 'perf tools', 'c'],
    ['tools/testing/selftests/kvm', 'KVM: selftests', 'c'],
    ['include/linux', 'include/linux', 'h'],
    ['include/net', 'net', 'h'],
    ['Documentation/admin-guide', 'Documentation', 'rst'],
    ['Documentation/virt/kvm', 'Documentation: KVM', 'rst'],
    ['Documentation/networking', 'docs: networking', 'rst'],
    ['Documentation/filesystems', 'docs: filesystems', 'rst'],
  ] as const
).map(([dir, prefix, ext]) => ({ dir, prefix, ext, files: [] }));

const STEMS = ['core', 'main', 'dev', 'ioctl', 'init', 'sysfs', 'debugfs', 'pm', 'irq', 'dma', 'regs', 'trace', 'ethtool', 'netdev', 'hw', 'fw', 'phy', 'mac', 'ring', 'queue', 'ctrl', 'common', 'utils', 'cache', 'inode', 'file', 'super', 'dir', 'namei', 'xattr', 'acl', 'journal', 'extent', 'alloc', 'mmap', 'buffer', 'page', 'swap', 'filter', 'route', 'sock', 'proto', 'sysctl', 'stats', 'hash', 'table'];
const DOC_STEMS = ['api', 'index', 'overview', 'usage', 'faq', 'locking', 'devices', 'tuning', 'howto', 'internals', 'testing', 'debugging'];
const FN = ['probe', 'remove', 'init', 'exit', 'open', 'release', 'ioctl', 'read', 'write', 'poll', 'suspend', 'resume', 'irq_handler', 'setup', 'reset', 'config', 'get_stats', 'alloc', 'free', 'submit', 'complete', 'queue', 'flush', 'map', 'unmap', 'start', 'stop', 'attach', 'detach', 'lookup', 'update', 'parse', 'validate'];
const BUGS = ['use-after-free', 'NULL pointer dereference', 'memory leak', 'race', 'off-by-one error', 'refcount leak', 'deadlock', 'integer overflow', 'uninitialized variable', 'missing unlock', 'error code', 'double free'];
const VERBS = ['remove unused', 'simplify', 'clean up', 'drop redundant', 'rework', 'document', 'constify', 'convert to devm_', 'use dev_err_probe() in', 'avoid warning in', 'add tracepoint to', 'split'];
const WHY = [
  'The error path did not release the lock taken earlier.',
  'Found by static analysis.',
  'This has been broken since the conversion to the new API.',
  'No functional change intended.',
  'The old helper has no users left.',
  'Reported by the kernel test robot.',
  'This makes the code easier to follow and shrinks the object file.',
  'Syzbot found a way to trigger this from userspace.',
  'Reduce the number of allocations on the fast path.',
  'The value was never checked against the hardware limit.',
];

interface NFile {
  path: string;
  stem: string;
  area: number;
  doc: boolean;
  base: number;
  counter: number;
}

// ---------------------------------------------------------------------------------------------
// fast-import writer. Commits are buffered in batches; each batch's new blobs are written first,
// sorted by path, so that fast-import (which deltas a blob against the previous blob written)
// stores successive versions of a header as deltas.

class FastImport {
  private proc: ReturnType<typeof spawn>;
  private stderr = '';
  private exited: Promise<number>;
  private blobs: { path: string; mark: number; text: string | Buffer }[] = [];
  private blobBytes = 0;
  private cmds: string[] = [];
  private cmdCount = 0;
  mark = 0;
  maxRssKiB = 0;

  constructor(gitDir: string) {
    const args = ['--git-dir', gitDir, 'fast-import', '--quiet', '--done', '--depth=50', '--active-branches=8'];
    const timed = existsSync('/usr/bin/time');
    this.proc = timed
      ? spawn('/usr/bin/time', ['-f', 'fast-import-maxrss-kib %M', 'git', ...args], { stdio: ['pipe', 'inherit', 'pipe'] })
      : spawn('git', args, { stdio: ['pipe', 'inherit', 'pipe'] });
    this.proc.stderr!.setEncoding('utf8');
    this.proc.stderr!.on('data', (d: string) => {
      this.stderr += d;
      if (this.stderr.length > 100_000) this.stderr = this.stderr.slice(-50_000);
    });
    this.proc.stdin!.on('error', () => {});
    this.exited = new Promise((resolve) => this.proc.on('close', (code) => resolve(code ?? 1)));
  }

  newMark(): number {
    return ++this.mark;
  }
  blob(path: string, text: string | Buffer): number {
    const mark = this.newMark();
    this.blobs.push({ path, mark, text });
    this.blobBytes += text.length;
    return mark;
  }
  cmd(text: string): void {
    this.cmds.push(text);
    this.cmdCount++;
  }
  wantsFlush(): boolean {
    return this.cmdCount >= 25_000 || this.blobBytes >= 64 << 20;
  }

  private async write(s: string | Buffer): Promise<void> {
    if (this.proc.exitCode !== null) throw new Error(`git fast-import exited early:\n${this.stderr}`);
    if (!this.proc.stdin!.write(s)) {
      await Promise.race([once(this.proc.stdin!, 'drain'), this.exited.then(() => undefined)]);
    }
  }

  async flush(): Promise<void> {
    this.blobs.sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : x.mark - y.mark));
    let buf: string[] = [];
    let size = 0;
    const push = async (s: string): Promise<void> => {
      buf.push(s);
      size += s.length;
      if (size >= 4 << 20) {
        await this.write(buf.join(''));
        buf = [];
        size = 0;
      }
    };
    for (const b of this.blobs) {
      if (typeof b.text === 'string') await push(`blob\nmark :${b.mark}\ndata ${Buffer.byteLength(b.text)}\n${b.text}\n`);
      else {
        await push(`blob\nmark :${b.mark}\ndata ${b.text.length}\n`);
        await this.write(buf.join(''));
        buf = [];
        size = 0;
        await this.write(b.text);
        await push('\n');
      }
    }
    for (const c of this.cmds) await push(c);
    if (buf.length) await this.write(buf.join(''));
    this.blobs = [];
    this.blobBytes = 0;
    this.cmds = [];
    this.cmdCount = 0;
  }

  async finish(): Promise<void> {
    await this.flush();
    await this.write('done\n');
    this.proc.stdin!.end();
    const code = await this.exited;
    const m = /fast-import-maxrss-kib (\d+)/.exec(this.stderr);
    if (m) this.maxRssKiB = Number(m[1]);
    if (code !== 0) throw new Error(`git fast-import failed (${code}):\n${this.stderr.replace(/fast-import-maxrss-kib \d+\n?/, '')}`);
  }
}

function data(text: string): string {
  return `data ${Buffer.byteLength(text)}\n${text}`;
}

// ---------------------------------------------------------------------------------------------
// Generation

function git(args: string[], input?: string): string {
  const r = spawnSync('git', args, { encoding: 'utf8', input, maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

function listFiles(dir: string, rel: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(join(dir, rel), { withFileTypes: true })) {
    const p = `${rel}/${e.name}`;
    if (e.isDirectory()) out.push(...listFiles(dir, p));
    else if (e.isFile()) out.push(p);
  }
  return out;
}

interface Stats {
  commits: number;
  headerCommits: number;
  merges: number;
  headerMerges: number;
  conflictMerges: number;
  tags: number;
  topics: number;
  mainline: number;
  baseHeaderCommits: number;
}

async function generate(): Promise<Stats> {
  const t0 = performance.now();
  const rngPlan = new Rng(`${SEED}:plan`);
  const rng = new Rng(`${SEED}:content`);

  if (!existsSync(join(BASE, 'include/uapi/linux/kvm.h'))) die(`no Linux source at ${BASE} (scripts/prepare-linux.sh extracts it)`);

  // ---- plan: the sequence of steps, which commits edit headers, which merges resolve conflicts
  // steps: -1 tag commit, 0 direct mainline commit, L > 0 topic branch of L commits + its merge.
  const steps: number[] = [];
  const uapiTopic: boolean[] = [];
  {
    let total = 1;
    let merges = 0;
    let nextTag = TAG_EVERY;
    while (total < N_COMMITS) {
      const rem = N_COMMITS - total;
      if (total >= nextTag) {
        steps.push(-1);
        uapiTopic.push(false);
        nextTag += TAG_EVERY;
      } else {
        const r = rngPlan.next();
        const L = r < 0.4 ? rngPlan.range(1, 3) : r < 0.8 ? rngPlan.range(4, 12) : rngPlan.range(13, 50);
        if (L + 1 <= rem && merges + 1 <= 0.08 * (total + L + 1)) {
          steps.push(L);
          uapiTopic.push(rngPlan.chance(0.3));
          total += L;
          merges++;
        } else {
          steps.push(0);
          uapiTopic.push(false);
        }
      }
      total++;
    }
  }
  // Commit ordinals in generation order: root, then per step its commits (topic commits, then merge).
  const weights = new Float32Array(N_COMMITS);
  {
    let ord = 1;
    steps.forEach((s, i) => {
      if (s === -1) ord++;
      else if (s === 0) weights[ord++] = 0.6;
      else {
        for (let j = 0; j < s; j++) weights[ord++] = uapiTopic[i] ? 6 : 0.5;
        ord++;
      }
    });
    if (ord !== N_COMMITS) throw new Error(`plan made ${ord} commits, wanted ${N_COMMITS}`);
  }
  const isHeader = new Uint8Array(N_COMMITS);
  {
    let eligible = 0;
    for (const w of weights) if (w > 0) eligible++;
    if (M_HEADER > eligible) die(`--header-commits ${M_HEADER} exceeds the ${eligible} non-merge, non-tag commits`);
    // p_i = min(1, c w_i) with sum p_i = M, then systematic sampling; then exact adjustment.
    let c = 0;
    let lo = 0;
    let hi = 1e9;
    for (let it = 0; it < 100; it++) {
      c = (lo + hi) / 2;
      let sum = 0;
      for (const w of weights) sum += Math.min(1, w * c);
      if (sum < M_HEADER) lo = c;
      else hi = c;
    }
    let acc = rngPlan.next();
    let count = 0;
    for (let i = 0; i < N_COMMITS; i++) {
      const p = Math.min(1, weights[i]! * c);
      const before = Math.floor(acc);
      acc += p;
      if (p > 0 && Math.floor(acc) > before) {
        isHeader[i] = 1;
        count++;
      }
    }
    while (count !== M_HEADER) {
      const i = rngPlan.int(N_COMMITS);
      if (weights[i]! <= 0) continue;
      if (count < M_HEADER && !isHeader[i]) {
        isHeader[i] = 1;
        count++;
      } else if (count > M_HEADER && isHeader[i]) {
        isHeader[i] = 0;
        count--;
      }
    }
  }
  const conflictStep = new Set<number>();
  {
    const candidates: number[] = [];
    let ord = 1;
    steps.forEach((s, i) => {
      if (s <= 0) ord++;
      else {
        let any = false;
        for (let j = 0; j < s; j++) if (isHeader[ord + j]) any = true;
        if (any) candidates.push(i);
        ord += s + 1;
      }
    });
    const k = Math.min(candidates.length, Math.max(3, Math.min(25, Math.round(M_HEADER / 3000))));
    while (conflictStep.size < k) conflictStep.add(rngPlan.pick(candidates));
  }

  // ---- base tree
  const baseFiles = [
    ...listFiles(BASE, 'include/uapi'),
    ...ARCHES.flatMap((arch) => (existsSync(join(BASE, `arch/${arch}/include/uapi`)) ? listFiles(BASE, `arch/${arch}/include/uapi`) : [])),
  ].sort();
  // Base files go into the repository byte for byte; the tree scan and the edited headers read
  // them as UTF-8 (the curated ones must round-trip).
  const baseBytes = new Map(baseFiles.map((p) => [p, readFileSync(join(BASE, p))]));
  const baseTexts = new Map([...baseBytes].map(([p, b]) => [p, b.toString('utf8')]));
  const facts = scanTree(new Map([...baseTexts].filter(([p]) => p.endsWith('.h'))));
  for (const spec of [...CURATED, ...BASE_HEADERS]) {
    const b = baseBytes.get(spec.path);
    if (!b) die(`${spec.path} is missing from ${BASE}`);
    if (!Buffer.from(baseTexts.get(spec.path)!, 'utf8').equals(b)) die(`${spec.path} is not UTF-8`);
  }
  const headerSpecs = [...CURATED, ...BASE_HEADERS];
  const headers: Header[] = headerSpecs.map((spec, i) => parseHeader(i, spec, baseTexts.get(spec.path)!, facts));
  headerTable.push(...headers);
  const kvm = headers[0]!;
  if (kvm.capAnchor < 0 || kvm.ioctlAnchor < 0) throw new Error('linux/kvm.h: no KVM_CAP_ or KVMIO lines found');
  const pickWeights = headers.map((h) => h.spec.weight);
  const baseHeaderIdx = headers.filter((h) => BASE_HEADERS.includes(h.spec)).map((h) => h.idx);
  const makefileText = readFileSync(join(BASE, 'Makefile'), 'utf8');

  // Non-header files: ~10 per area, contents from a pool of blobs.
  const POOL = 8192;
  const files: NFile[] = [];
  for (let ai = 0; ai < AREAS.length; ai++) {
    const area = AREAS[ai]!;
    const stems = area.ext === 'rst' ? [...DOC_STEMS] : [...STEMS];
    const used = new Set<string>();
    if (area.dir === 'Documentation/virt/kvm') used.add('api');
    if (area.dir === 'virt/kvm') used.add('kvm_main');
    while (used.size < 10) used.add(rng.pick(stems));
    for (const stem of [...used].sort()) {
      area.files.push(files.length);
      files.push({ path: `${area.dir}/${stem}.${area.ext}`, stem: stem.replace(/-/g, '_'), area: ai, doc: area.ext === 'rst', base: rng.int(POOL), counter: 0 });
    }
  }

  mkdirSync(OUT, { recursive: true });
  git(['init', '--quiet', '--bare', '--initial-branch=master', OUT]);
  const fi = new FastImport(OUT);

  const codePool: number[] = [];
  const docPool: number[] = [];
  for (let i = 0; i < POOL; i++) {
    codePool.push(
      fi.blob(
        '~pool/code',
        `// SPDX-License-Identifier: GPL-2.0\n/*\n * Synthetic source file, variant ${i}.\n */\n#include <linux/kernel.h>\n#include <linux/module.h>\n\nstatic int synth_variant_${i}(int x)\n{\n\treturn x + ${i % 97};\n}\n`,
      ),
    );
    docPool.push(
      fi.blob(
        '~pool/doc',
        `.. SPDX-License-Identifier: GPL-2.0\n\n=====================\nSynthetic document ${i}\n=====================\n\nThis page describes revision ${i} of an interface that does not exist.\nIts text changes with every commit that touches it.\n`,
      ),
    );
  }
  const fileBlob = (f: NFile): number => (f.doc ? docPool : codePool)[(f.base + f.counter) % POOL]!;

  // ---- mainline bookkeeping
  const stats: Stats = { commits: 0, headerCommits: 0, merges: 0, headerMerges: 0, conflictMerges: 0, tags: 0, topics: 0, mainline: 0, baseHeaderCommits: 0 };
  const mainCount = steps.length + 1;
  const mainMarks = new Int32Array(mainCount);
  const mainDates = new Float64Array(mainCount);
  let mainPos = 0;
  let lastTagPos = 0;
  let tagIndex = 0;
  const START = 1113690036; // 2005-04-16
  // Mean ~1.7 h between mainline (first-parent) commits: a million commits span ~17 years.
  const gap = (): number => 60 + Math.floor(-Math.log(1 - rng.next()) * 6000);
  const counters = { cap: 0, ioctl: 0, struct: 0, member: 0, base: 0 };

  const person = (p: Person, t: number): string => `${p.ident} ${t} ${p.tz}`;
  const commitCmd = (
    ref: string,
    mark: number,
    author: Person,
    committer: Person,
    t: number,
    msg: string,
    from: number | undefined,
    merge: number | undefined,
    changes: string[],
  ): string =>
    `commit ${ref}\nmark :${mark}\nauthor ${person(author, t)}\ncommitter ${person(committer, t)}\n${data(msg)}\n` +
    (from !== undefined ? `from :${from}\n` : '') +
    (merge !== undefined ? `merge :${merge}\n` : '') +
    changes.join('') +
    '\n';

  // ---- root commit
  {
    const changes: string[] = [];
    for (const p of baseFiles) changes.push(`M 100644 :${fi.blob(p, baseBytes.get(p)!)} ${p}\n`);
    changes.push(`M 100644 :${fi.blob('Makefile', makefileText)} Makefile\n`);
    for (const f of files) changes.push(`M 100644 :${fileBlob(f)} ${f.path}\n`);
    const mark = fi.newMark();
    fi.cmd(
      commitCmd(
        'refs/heads/master',
        mark,
        MAINLINE,
        MAINLINE,
        START,
        'Initial import: Linux 6.1 uapi headers\n\nThe uapi headers of Linux 6.1 for x86, arm64, arm, riscv, s390, powerpc and mips,\nthe top Makefile, and synthetic placeholder sources.\n',
        undefined,
        undefined,
        changes,
      ),
    );
    mainMarks[0] = mark;
    mainDates[0] = START;
    stats.commits++;
    stats.mainline++;
  }

  // ---- header operations
  const pickHeader = (): Header => headers[rng.weighted(pickWeights)]!;
  const KIND_KVM = [38, 14, 20, 10, 8, 5, 5]; // cap, ioctl, member, struct, set, rename, delete
  const KIND_OTHER = [0, 0, 45, 20, 17, 11, 7];
  const opKinds = ['cap', 'ioctl', 'member', 'struct', 'set', 'ren', 'del'] as const;
  type OpKind = (typeof opKinds)[number];

  interface Edit {
    ops: Op[];
    subject: string;
    body: string;
  }

  const structName = (h: Header, key: string): string => {
    if (key.startsWith('b')) return h.structByClose.get(Number(key.slice(1)))!.name;
    return allOps[Number(key.slice(1))]!.name;
  };

  const makeStructOp = (h: Header, deletable: boolean): Op => {
    const n = ++counters.struct;
    const count = rng.range(2, 5);
    const names = new Set<string>();
    while (names.size < count) names.add(rng.pick(WORDS));
    const members: string[] = [];
    for (const name of names) {
      const r = rng.next();
      if (r < 0.12 && h.nestable.length) members.push(`\tstruct ${rng.pick(h.nestable).name} ${name};`);
      else if (r < 0.22) members.push(`\t__u8 ${name}[${rng.range(2, 16)}];`);
      else members.push(`\t${rng.pick(['__u8', '__u16', '__u32', '__u32', '__u64', '__u64', '__s32', '__s64'])} ${name};`);
    }
    return newOp(h.idx, K.Struct, { at: h.tail, name: `${h.spec.prefix}_synth_${n}`, members, deletable });
  };

  /** One edit of header h in view v; falls back to another kind when the chosen one has no target. */
  const makeEdit = (h: Header, kind: OpKind, v: View): Edit => {
    const s = fold(h, v);
    const sub = h.spec.subsys;
    switch (kind) {
      case 'cap': {
        const n = ++counters.cap;
        const name = `KVM_CAP_SYNTH_${n}`;
        const op = newOp(h.idx, K.Line, { at: h.capAnchor, text: `#define ${name} `, name, value: s.maxCap + 1, cap: true });
        return { ops: [op], subject: `${sub}: add ${name}`, body: `Advertise the new capability ${name} (${op.value}) to userspace.` };
      }
      case 'ioctl': {
        const ops: Op[] = [];
        let targets = s.structs.filter((o) => !o.deletable);
        if (!targets.length || rng.chance(0.3)) {
          const st = makeStructOp(h, false);
          ops.push(st);
          targets = [st];
        }
        const st = rng.pick(targets);
        const n = ++counters.ioctl;
        const dir = rng.pick(['_IOW', '_IOR', '_IOWR']);
        const name = `KVM_SYNTH_IOCTL_${n}`;
        ops.push(newOp(h.idx, K.Line, { at: h.ioctlAnchor, text: `#define ${name}\t${dir}(KVMIO, 0x${rng.range(0xd2, 0xff).toString(16)}, struct ${st.name})` }));
        return { ops, subject: `${sub}: add ${name} ioctl`, body: `${name} passes a struct ${st.name} ${dir === '_IOR' ? 'back to userspace' : 'from userspace'}.` };
      }
      case 'member': {
        let target: string | undefined;
        if (s.structs.length && (rng.chance(0.3) || !h.addable.length)) target = `s${rng.pick(s.structs).id}`;
        else if (h.addable.length) target = `b${rng.pick(h.addable).close}`;
        if (!target) return makeEdit(h, 'struct', v);
        const n = ++counters.member;
        const type = rng.chance(0.55) ? '__u32' : '__u64';
        const op = newOp(h.idx, K.Member, { target, text: type, name: `synth_${n}` });
        return { ops: [op], subject: `${sub}: add ${op.name} to struct ${structName(h, target)}`, body: `Extend struct ${structName(h, target)} with a ${type} field at its end.` };
      }
      case 'struct': {
        const op = makeStructOp(h, rng.chance(0.5));
        return { ops: [op], subject: `${sub}: introduce struct ${op.name}`, body: `struct ${op.name} describes the argument of an upcoming interface.` };
      }
      case 'set': {
        const synth = s.synthMacros.filter((o) => o.cap);
        const useSynth = synth.length > 0 && (rng.chance(0.5) || !h.macros.length);
        if (!useSynth && !h.macros.length) return makeEdit(h, 'struct', v);
        let key: string;
        let name: string;
        let nv: number;
        let shown: string;
        if (useSynth) {
          const m = rng.pick(synth);
          key = `o${m.id}`;
          name = m.name;
          nv = s.maxCap + 1;
          shown = String(nv);
        } else {
          const m = rng.pick(h.macros);
          key = `b${m.line}`;
          name = m.name;
          const cur = s.values.get(key) ?? m.value;
          if (cur < 32) nv = cur + 1 <= 30 ? cur + 1 : cur - 1;
          else nv = cur + rng.range(1, 16) > 0x7fffffff ? cur - rng.range(1, 16) : cur + rng.range(1, 16);
          if (nv === cur || nv < 1) nv = cur + 1;
          shown = fmtValue(nv, m.hex, m.digits);
        }
        const op = newOp(h.idx, K.Set, { target: key, value: nv, name });
        return { ops: [op], subject: `${sub}: change ${name} to ${shown}`, body: `${name} collided with a value used by firmware; move it to ${shown}.` };
      }
      case 'ren': {
        const synth = s.synthMembers;
        const useSynth = synth.length > 0 && (rng.chance(0.5) || !h.members.length);
        if (!useSynth && !h.members.length) return makeEdit(h, 'member', v);
        let key: string;
        let orig: string;
        let sname: string;
        if (useSynth) {
          const m = rng.pick(synth);
          key = `m${m.id}`;
          orig = m.name;
          sname = structName(h, m.target);
        } else {
          const m = rng.pick(h.members);
          key = `b${m.line}`;
          orig = m.name;
          sname = m.struct;
        }
        const cur = s.names.get(key) ?? orig;
        const name = `${orig}_${rng.pick(RENAME_WORDS)}${allOps.length}`;
        const op = newOp(h.idx, K.Ren, { target: key, name });
        return { ops: [op], subject: `${sub}: rename ${cur} to ${name} in struct ${sname}`, body: `The old name no longer describes what the field holds.` };
      }
      case 'del': {
        const cands = s.structs.filter((o) => o.deletable);
        if (!cands.length) return makeEdit(h, 'member', v);
        const st = rng.pick(cands);
        const op = newOp(h.idx, K.Del, { targetId: st.id, name: st.name });
        return { ops: [op], subject: `${sub}: remove unused struct ${st.name}`, body: `struct ${st.name} never got a user; drop it before it becomes ABI.` };
      }
    }
  };

  const baseEdit = (): Edit => {
    const h = headers[rng.pick(baseHeaderIdx)]!;
    const n = ++counters.base;
    const inc = includeOf(h.path)!.inc;
    if (rng.chance(0.5)) {
      const name = `__SYNTH_BASE_${n}`;
      const op = newOp(h.idx, K.Line, { at: h.tail, text: `#define ${name} ${rng.range(1, 4096)}` });
      return { ops: [op], subject: `uapi: ${inc}: add ${name}`, body: `Every uapi header includes this one; the new macro is harmless.` };
    }
    const op = newOp(h.idx, K.Line, { at: h.tail, text: `/* Synthetic note ${n}: keep this header free of libc dependencies. */` });
    return { ops: [op], subject: `uapi: ${inc}: clarify a comment`, body: `Comment-only change.` };
  };

  /** The edits of one header commit (1-3 operations), made in view v. */
  const headerCommitEdits = (v: View, focus: Header | undefined): Edit => {
    if (rng.chance(0.003)) {
      stats.baseHeaderCommits++;
      return baseEdit();
    }
    const h = focus && rng.chance(0.7) ? focus : pickHeader();
    const kind = opKinds[rng.weighted(h === kvm ? KIND_KVM : KIND_OTHER)]!;
    const e = makeEdit(h, kind, v);
    if (rng.chance(0.12)) {
      const second = h !== kvm && h.spec.subsys.includes('KVM') && rng.chance(0.5) ? makeEdit(kvm, 'cap', v) : makeEdit(h, opKinds[rng.weighted(h === kvm ? KIND_KVM : KIND_OTHER)]!, v);
      e.ops.push(...second.ops);
      e.body += `\n\n${second.subject.replace(/^[^:]*: /, 'Also ')}.`;
    }
    return e;
  };

  const areaOfHeader = (h: Header): number => {
    const sub = h.spec.subsys;
    const byPrefix = AREAS.findIndex((ar) => ar.prefix === sub);
    if (byPrefix >= 0) return byPrefix;
    if (sub.includes('KVM')) {
      const dir = rng.pick(['virt/kvm', 'Documentation/virt/kvm', 'tools/testing/selftests/kvm']);
      return AREAS.findIndex((ar) => ar.dir === dir);
    }
    return rng.int(AREAS.length);
  };

  const sob = (author: Person, committer?: Person): string =>
    `\n\nSigned-off-by: ${author.ident}\n` + (committer && committer !== author ? `Signed-off-by: ${committer.ident}\n` : '');

  /** A non-header change: 1-3 files of an area. Returns [subject, body, files]. */
  const nonHeaderChange = (area: number): { subject: string; body: string; touched: NFile[] } => {
    const ar = AREAS[area]!;
    const k = rng.chance(0.75) ? 1 : rng.chance(0.8) ? 2 : 3;
    const touched = new Set<NFile>();
    while (touched.size < k) touched.add(files[rng.chance(0.85) ? rng.pick(ar.files) : rng.int(files.length)]!);
    const f = [...touched][0]!;
    const fn = `${f.stem}_${rng.pick(FN)}`;
    const r = rng.next();
    const subject = f.doc
      ? `${ar.prefix}: ${rng.pick(['fix typos in', 'update', 'clarify', 'reformat'])} ${f.stem}.rst`
      : r < 0.45
        ? `${ar.prefix}: fix ${rng.pick(BUGS)} in ${fn}()`
        : r < 0.9
          ? `${ar.prefix}: ${rng.pick(VERBS)} ${fn}()`
          : `${ar.prefix}: ${f.stem}: ${rng.pick(['add support for new hardware revision', 'handle -EPROBE_DEFER', 'bump the timeout', 'reduce log noise'])}`;
    return { subject, body: rng.pick(WHY), touched: [...touched] };
  };

  // ---- topic/branch state while generating
  let topicId = 0;
  const progressEvery = Math.max(10_000, Math.round(N_COMMITS / 20));
  let nextProgress = progressEvery;
  const progress = (): void => {
    if (stats.commits < nextProgress) return;
    nextProgress += progressEvery;
    const s = (performance.now() - t0) / 1000;
    process.stderr.write(
      `[gen] ${stats.commits}/${N_COMMITS} commits (${((100 * stats.commits) / N_COMMITS).toFixed(0)}%), ${stats.headerCommits} header commits, ${stats.merges} merges, ${stats.tags} tags, ${s.toFixed(1)} s\n`,
    );
  };

  let ord = 1;
  for (let si = 0; si < steps.length; si++) {
    const step = steps[si]!;
    const date = mainDates[mainPos]! + gap();
    if (step === -1) {
      // Release commit + annotated tag.
      const ver =
        tagIndex === 0 ? { major: 1, minor: 0, rc: 0 } : { major: 1, minor: Math.floor((tagIndex - 1) / 8) + 1, rc: (tagIndex - 1) % 8 < 7 ? ((tagIndex - 1) % 8) + 1 : 0 };
      tagIndex++;
      const name = `${ver.major}.${ver.minor}${ver.rc ? `-rc${ver.rc}` : ''}`;
      const mk = makefileText
        .replace(/^VERSION = .*$/m, `VERSION = ${ver.major}`)
        .replace(/^PATCHLEVEL = .*$/m, `PATCHLEVEL = ${ver.minor}`)
        .replace(/^SUBLEVEL = .*$/m, 'SUBLEVEL = 0')
        .replace(/^EXTRAVERSION =.*$/m, ver.rc ? `EXTRAVERSION = -rc${ver.rc}` : 'EXTRAVERSION =');
      const mark = fi.newMark();
      mainPos++;
      fi.cmd(commitCmd('refs/heads/master', mark, MAINLINE, MAINLINE, date, `Linux ${name}\n`, undefined, undefined, [`M 100644 :${fi.blob('Makefile', mk)} Makefile\n`]));
      fi.cmd(`tag v${name}\nfrom :${mark}\ntagger ${person(MAINLINE, date)}\n${data(`Linux ${name}\n`)}\n`);
      mainMarks[mainPos] = mark;
      mainDates[mainPos] = date;
      lastTagPos = mainPos;
      stats.tags++;
      stats.commits++;
      stats.mainline++;
      ord++;
    } else if (step === 0) {
      // Direct mainline commit.
      mainPos++;
      const author = rng.pick(PEOPLE);
      const mark = fi.newMark();
      let msg: string;
      const changes: string[] = [];
      if (isHeader[ord]) {
        const e = headerCommitEdits(MAIN_VIEW, undefined);
        const touched = new Set<number>();
        for (const op of e.ops) {
          op.branch = 0;
          op.mainSeq = mainPos;
          touched.add(op.h);
        }
        for (const hi of [...touched].sort((x, y) => x - y)) {
          const h = headers[hi]!;
          changes.push(`M 100644 :${fi.blob(h.path, render(h, fold(h, MAIN_VIEW)))} ${h.path}\n`);
        }
        msg = `${e.subject}\n\n${e.body}${sob(author, MAINLINE)}`;
        stats.headerCommits++;
      } else {
        const c = nonHeaderChange(rng.int(AREAS.length));
        for (const f of c.touched) {
          f.counter++;
          changes.push(`M 100644 :${fileBlob(f)} ${f.path}\n`);
        }
        msg = `${c.subject}\n\n${c.body}${sob(author, MAINLINE)}`;
      }
      fi.cmd(commitCmd('refs/heads/master', mark, author, MAINLINE, date, msg, undefined, undefined, changes));
      mainMarks[mainPos] = mark;
      mainDates[mainPos] = date;
      stats.commits++;
      stats.mainline++;
      ord++;
    } else {
      // Topic branch of `step` commits forked some commits back, then merged.
      const L = step;
      const T = ++topicId;
      const r = rng.next();
      let forkPos: number;
      // Mainline (first-parent) positions: one release (~10,000 commits) is ~900 of them.
      if (r < 0.15 && mainPos - lastTagPos < 1500) forkPos = lastTagPos;
      else forkPos = Math.max(0, mainPos - (r < 0.6 ? rng.range(0, 100) : rng.range(100, 900)));
      const view: View = { seq: forkPos, topic: T };
      const uapi = uapiTopic[si]!;
      const focus = uapi ? pickHeader() : undefined;
      const area = focus ? areaOfHeader(focus) : rng.int(AREAS.length);
      const maint = rng.pick(MAINTAINERS);
      const authors = [rng.pick(PEOPLE), rng.pick(PEOPLE), rng.pick(PEOPLE)];
      const forkDate = mainDates[forkPos]!;
      let mergeDate = date;
      const topicOps: Op[] = [];
      const topicHeaders = new Map<number, { text: string; mark: number }>();
      const topicFiles = new Map<NFile, number>();
      const subjects: string[] = [];
      let prevT = forkDate;
      let tip = 0;
      for (let i = 0; i < L; i++) {
        const t = Math.max(prevT + 1, Math.floor(forkDate + ((mergeDate - forkDate) * (i + 1)) / (L + 1)));
        prevT = t;
        const author = rng.chance(0.2) ? maint : rng.pick(authors);
        const changes: string[] = [];
        let msg: string;
        if (isHeader[ord]) {
          const e = headerCommitEdits(view, focus);
          const touched = new Set<number>();
          for (const op of e.ops) {
            op.branch = T;
            op.mainSeq = Infinity;
            topicOps.push(op);
            touched.add(op.h);
          }
          for (const hi of [...touched].sort((x, y) => x - y)) {
            const h = headers[hi]!;
            const text = render(h, fold(h, view));
            const mark = fi.blob(h.path, text);
            topicHeaders.set(hi, { text, mark });
            changes.push(`M 100644 :${mark} ${h.path}\n`);
          }
          if (rng.chance(0.4)) {
            const f = files[rng.pick(AREAS[area]!.files)]!;
            f.counter++;
            topicFiles.set(f, fileBlob(f));
            changes.push(`M 100644 :${fileBlob(f)} ${f.path}\n`);
          }
          msg = `${e.subject}\n\n${e.body}${sob(author, maint)}`;
          subjects.push(e.subject);
          stats.headerCommits++;
        } else {
          const c = nonHeaderChange(area);
          for (const f of c.touched) {
            f.counter++;
            topicFiles.set(f, fileBlob(f));
            changes.push(`M 100644 :${fileBlob(f)} ${f.path}\n`);
          }
          msg = `${c.subject}\n\n${c.body}${sob(author, maint)}`;
          subjects.push(c.subject);
        }
        tip = fi.newMark();
        fi.cmd(commitCmd('refs/heads/topic', tip, author, maint, t, msg, i === 0 ? mainMarks[forkPos]! : undefined, undefined, changes));
        stats.commits++;
        ord++;
      }
      mergeDate = Math.max(mergeDate, prevT + 1);

      // The merge.
      mainPos++;
      for (const op of topicOps) op.mainSeq = mainPos;
      let conflictNote = '';
      if (conflictStep.has(si) && topicHeaders.size) {
        // Both sides edited the header; the resolution makes one more edit in the merge itself.
        const hi = topicHeaders.has(kvm.idx) ? kvm.idx : [...topicHeaders.keys()][0]!;
        const h = headers[hi]!;
        const s = fold(h, MAIN_VIEW);
        const caps = topicOps.filter((o) => o.h === hi && o.cap);
        let op: Op;
        if (caps.length) {
          const c = rng.pick(caps);
          op = newOp(hi, K.Set, { target: `o${c.id}`, value: s.maxCap + 1, name: c.name });
          conflictNote = `Both branches allocated capability numbers in ${h.path}; renumber ${c.name} to ${op.value} to resolve the conflict.`;
        } else if (h.macros.length) {
          const e = makeEdit(h, 'set', MAIN_VIEW);
          op = e.ops[0]!;
          conflictNote = `Conflict in ${h.path}, resolved by hand: ${e.subject.replace(/^[^:]*: /, '')}.`;
        } else {
          const e = makeEdit(h, 'member', MAIN_VIEW);
          op = e.ops[0]!;
          conflictNote = `Conflict in ${h.path}, resolved by hand: ${e.subject.replace(/^[^:]*: /, '')}.`;
        }
        op.branch = 0;
        op.mainSeq = mainPos;
        stats.conflictMerges++;
      }
      const changes: string[] = [];
      for (const hi of [...topicHeaders.keys()].sort((x, y) => x - y)) {
        const h = headers[hi]!;
        const text = render(h, fold(h, MAIN_VIEW));
        const last = topicHeaders.get(hi)!;
        changes.push(`M 100644 :${text === last.text ? last.mark : fi.blob(h.path, text)} ${h.path}\n`);
      }
      for (const [f, blob] of topicFiles) changes.push(`M 100644 :${blob} ${f.path}\n`);
      const ar = AREAS[area]!;
      const slug = ar.dir.replace(/^.*\//, '').replace(/[^a-z0-9]+/gi, '-').toLowerCase();
      const tagName = `${slug}-${1}.${Math.floor(tagIndex / 8) + 1}-${T}`;
      const head = rng.chance(0.7)
        ? `Merge tag '${tagName}' of git://git.example.org/pub/scm/linux/kernel/git/${maint.ident.split(' ')[0]!.toLowerCase()}/${slug}`
        : `Merge branch '${slug}-next' into master`;
      const bullets = subjects.slice(0, 6).map((s) => ` - ${s}`);
      if (subjects.length > 6) bullets.push(` - ${subjects.length - 6} more`);
      const msg = `${head}\n\nPull ${ar.prefix} updates from ${maint.ident.replace(/ <.*/, '')}:\n\n${bullets.join('\n')}\n${conflictNote ? `\n${conflictNote}\n` : ''}`;
      const mark = fi.newMark();
      fi.cmd(commitCmd('refs/heads/master', mark, MAINLINE, MAINLINE, mergeDate, msg, undefined, tip, changes));
      mainMarks[mainPos] = mark;
      mainDates[mainPos] = mergeDate;
      stats.commits++;
      stats.merges++;
      stats.mainline++;
      stats.topics++;
      if (topicHeaders.size) stats.headerMerges++;
      ord++;
    }
    progress();
    if (fi.wantsFlush()) await fi.flush();
  }
  await fi.finish();
  git(['--git-dir', OUT, 'update-ref', '-d', 'refs/heads/topic']);
  git(['--git-dir', OUT, 'symbolic-ref', 'HEAD', 'refs/heads/master']);

  const seconds = (performance.now() - t0) / 1000;
  const du = spawnSync('du', ['-sb', OUT], { encoding: 'utf8' }).stdout.split('\t')[0];
  const nodeRss = process.resourceUsage().maxRSS;
  process.stderr.write(
    [
      `[gen] done: ${OUT}`,
      `  commits           ${stats.commits} (mainline first-parent chain ${stats.mainline}, on ${stats.topics} topic branches ${stats.commits - stats.mainline})`,
      `  header commits    ${stats.headerCommits} non-merge (${stats.baseHeaderCommits} edit linux/types.h or asm-generic/int-ll64.h)`,
      `  merges            ${stats.merges} (${((100 * stats.merges) / stats.commits).toFixed(1)} %; ${stats.headerMerges} of branches that edited headers; ${stats.conflictMerges} edit a header themselves)`,
      `  tags              ${stats.tags} annotated`,
      `  time              ${seconds.toFixed(1)} s`,
      `  repo size         ${(Number(du) / 2 ** 20).toFixed(1)} MiB on disk`,
      `  peak memory       generator ${(nodeRss / 1024).toFixed(0)} MiB, git fast-import ${fi.maxRssKiB ? `${(fi.maxRssKiB / 1024).toFixed(0)} MiB` : 'unknown'}`,
      '',
    ].join('\n'),
  );
  return stats;
}

// ---------------------------------------------------------------------------------------------
// Verification: compile the headers edited by a sample of commits with clang, raw, the way
// `make headers_install` would see them (its sed rules become -D flags and stub headers).

const TRIPLES: Record<string, string> = {
  x86: 'x86_64-linux-gnu',
  arm64: 'aarch64-linux-gnu',
  arm: 'armv7a-linux-gnueabihf',
  riscv: 'riscv64-linux-gnu',
  s390: 's390x-linux-gnu',
  powerpc: 'powerpc64le-linux-gnu',
  mips: 'mips-linux-gnu',
};

function compileFlags(tree: string, arch: string): string[] {
  return [
    '-target',
    TRIPLES[arch]!,
    '-fsyntax-only',
    '-nostdinc',
    '-Werror=macro-redefined',
    '-D__EXPORTED_HEADERS__',
    '-D__user=',
    '-D__force=',
    '-D__iomem=',
    '-D__attribute_const__=',
    '-D__packed=__attribute__((packed))',
    '-I',
    join(tree, `arch/${arch}/include/uapi`),
    '-I',
    join(tree, `wrap-${arch}`),
    '-I',
    join(tree, 'include/uapi'),
    '-x',
    'c',
    '-',
  ];
}

/** asm/X.h -> asm-generic/X.h wrappers, empty generated headers, and linux/compiler*.h stubs. */
function makeWrappers(tree: string, arch: string): void {
  const dir = join(tree, `wrap-${arch}`);
  mkdirSync(join(dir, 'asm'), { recursive: true });
  mkdirSync(join(dir, 'linux'), { recursive: true });
  writeFileSync(join(dir, 'linux/compiler.h'), '');
  writeFileSync(join(dir, 'linux/compiler_types.h'), '');
  const read = (p: string): string => (existsSync(join(tree, p)) ? readFileSync(join(tree, p), 'utf8') : '');
  const list = (text: string, v: string): string[] => [...text.matchAll(new RegExp(`^${v}\\s*\\+=\\s*(\\S+)`, 'gm'))].map((m) => m[1]!);
  const archKbuild = read(`arch/${arch}/include/uapi/asm/Kbuild`);
  for (const n of [...list(read('include/uapi/asm-generic/Kbuild'), 'mandatory-y'), ...list(archKbuild, 'generic-y')]) {
    if (!existsSync(join(tree, `arch/${arch}/include/uapi/asm/${n}`))) writeFileSync(join(dir, 'asm', n), `#include <asm-generic/${n}>\n`);
  }
  for (const n of list(archKbuild, 'generated-y')) writeFileSync(join(dir, 'asm', n), '');
}

function clang(tree: string, arch: string, inc: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const p = spawn('clang', compileFlags(tree, arch), { stdio: ['pipe', 'ignore', 'pipe'] });
    let err = '';
    p.stderr!.setEncoding('utf8');
    p.stderr!.on('data', (d: string) => (err += d));
    p.on('close', (code) => resolve(code === 0 ? undefined : (err.split('\n').find((l) => l.includes('error')) ?? err.slice(0, 300))));
    p.stdin!.end(`#include <${inc}>\n`);
  });
}

async function verify(gitDir: string, sample: number): Promise<number> {
  const t0 = performance.now();
  if (spawnSync('clang', ['--version']).status !== 0) {
    process.stderr.write('[verify] clang not found; skipped\n');
    return 0;
  }
  const listed = git(['--git-dir', gitDir, 'rev-list', '--topo-order', 'HEAD', '--', 'include/uapi', 'arch']).split('\n').filter(Boolean);
  const conflicts = git(['--git-dir', gitDir, 'log', '--first-parent', '--merges', '--format=%H', '--grep=to resolve the conflict', '--grep=resolved by hand', 'HEAD']).split('\n').filter(Boolean);
  const root = listed[listed.length - 1]!;
  const picked = new Set<string>([root, listed[0]!, ...conflicts.slice(0, 3)]);
  const spread = Math.min(listed.length, Math.max(2, sample - picked.size + 2));
  for (let i = 0; i < spread; i++) picked.add(listed[Math.round((i * (listed.length - 1)) / (spread - 1))]!);
  const curatedPaths = new Set([...CURATED, ...BASE_HEADERS].map((s) => s.path));
  const work = mkdtempSync(join(tmpdir(), 'gen-synthetic-verify-'));
  let failures = 0;
  let compiled = 0;
  try {
    let n = 0;
    for (const c of picked) {
      const dir = join(work, String(n++));
      mkdirSync(dir);
      const paths = ['include/uapi', ...ARCHES.map((x) => `arch/${x}/include/uapi`)];
      const ar = spawnSync('sh', ['-c', `git --git-dir="$0" archive --format=tar "$1" ${paths.join(' ')} | tar -x -C "$2"`, gitDir, c, dir], { encoding: 'utf8' });
      if (ar.status !== 0) throw new Error(`git archive ${c}: ${ar.stderr}`);
      let changed: string[];
      if (c === root || c === listed[0]) changed = [...curatedPaths];
      else {
        changed = git(['--git-dir', gitDir, 'diff', '--name-only', `${c}^1`, c, '--', 'include/uapi', 'arch'])
          .split('\n')
          .filter((p) => p.endsWith('.h'));
      }
      const jobs = new Map<string, { arch: string; inc: string }>();
      for (const p of new Set([...changed, 'include/uapi/linux/kvm.h'])) {
        const io = includeOf(p);
        if (!io || !(io.arch in TRIPLES)) continue;
        jobs.set(`${io.arch} ${io.inc}`, io);
        if (p.startsWith('include/uapi/') && p !== 'include/uapi/linux/kvm.h') jobs.set(`arm64 ${io.inc}`, { arch: 'arm64', inc: io.inc });
      }
      for (const arch of new Set([...jobs.values()].map((j) => j.arch))) makeWrappers(dir, arch);
      const list = [...jobs.values()];
      const results: (string | undefined)[] = [];
      let next = 0;
      await Promise.all(
        [0, 1].map(async () => {
          while (next < list.length) {
            const i = next++;
            results[i] = await clang(dir, list[i]!.arch, list[i]!.inc);
          }
        }),
      );
      list.forEach((j, i) => {
        compiled++;
        if (results[i]) {
          failures++;
          process.stderr.write(`[verify] FAIL ${c.slice(0, 12)} ${j.arch} <${j.inc}>: ${results[i]}\n`);
        }
      });
      rmSync(dir, { recursive: true, force: true });
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  process.stderr.write(
    `[verify] ${picked.size} commits (root, head, ${Math.min(3, conflicts.length)} conflict-resolving merges, the rest spread over ${listed.length} header-touching commits): ${compiled} header compilations, ${failures} failures, ${((performance.now() - t0) / 1000).toFixed(1)} s\n`,
  );
  return failures;
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  if (!opt['verify-only']) {
    if (existsSync(OUT) && readdirSync(OUT).length) {
      if (!opt.force) die(`${OUT} exists; use --force to replace it`);
      if (!existsSync(join(OUT, 'HEAD')) || !statSync(join(OUT, 'objects')).isDirectory()) die(`${OUT} is not a bare git repository; not removing it`);
      rmSync(OUT, { recursive: true, force: true });
    }
    await generate();
  }
  if (VERIFY > 0) {
    const failures = await verify(OUT, VERIFY);
    if (failures) process.exit(1);
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`gen-synthetic-repo: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
