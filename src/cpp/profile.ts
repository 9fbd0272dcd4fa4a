// Layout profiles: which directories of a tree an include path like `asm/kvm.h` can come from,
// for one kernel architecture. Built-in: the kernel source tree (with the `asm/` ->
// `asm-generic/` wrappers `make headers_install` generates) and an installed header tree.

import type { FileTree } from '../git/file-tree.js';

export type LayoutSpec =
  | { kind: 'kernel' }
  | { kind: 'installed' }
  | { kind: 'custom'; include: string[]; arch: Record<string, string[]> };

/** Where one include path's text comes from. */
export type HeaderSourceRef = { treePath: string } | { synthetic: string };

export interface HeaderMap {
  /** Every header of the tree for this architecture, by include path, in a stable order. */
  headers: Map<string, HeaderSourceRef>;
  /** Raw kernel sources get the `headers_install` view (see cpp/uapi-view.ts). */
  rawSource: boolean;
}

export class ProfileError extends Error {}

/** Reads a `--layout FILE` JSON document; throws ProfileError with a one-line reason. */
export function parseLayoutSpec(json: string, source: string): LayoutSpec {
  let doc: unknown;
  try {
    doc = JSON.parse(json);
  } catch (e) {
    throw new ProfileError(`${source}: not valid JSON (${(e as Error).message})`);
  }
  const isStrings = (x: unknown): x is string[] => Array.isArray(x) && x.every((s) => typeof s === 'string');
  const o = doc as { include?: unknown; arch?: unknown };
  if (typeof doc !== 'object' || doc === null || !isStrings(o.include)) {
    throw new ProfileError(`${source}: expected {"include": ["dir", ...], "arch": {"x86": ["dir", ...], ...}}`);
  }
  const arch: Record<string, string[]> = {};
  if (o.arch !== undefined) {
    if (typeof o.arch !== 'object' || o.arch === null) throw new ProfileError(`${source}: "arch" must be an object`);
    for (const [k, v] of Object.entries(o.arch)) {
      if (!isStrings(v)) throw new ProfileError(`${source}: "arch.${k}" must be a list of directories`);
      arch[k] = v;
    }
  }
  return { kind: 'custom', include: o.include, arch };
}

/** Picks the preset a tree looks like, or undefined when it is neither. */
export function detectLayout(tree: FileTree): LayoutSpec | undefined {
  if (tree.isDir('include/uapi/linux') && tree.isDir('arch')) return { kind: 'kernel' };
  if (tree.isDir('include/linux') || tree.isDir('include/asm')) return { kind: 'installed' };
  return undefined;
}

export function buildHeaderMap(tree: FileTree, spec: LayoutSpec, kernelArch: string): HeaderMap {
  const headers = new Map<string, HeaderSourceRef>();
  const addDir = (dir: string): void => {
    for (const rel of tree.list(dir)) {
      if (!rel.endsWith('.h') || headers.has(rel)) continue;
      headers.set(rel, { treePath: dir ? `${dir}/${rel}` : rel });
    }
  };
  switch (spec.kind) {
    case 'installed':
      addDir('include');
      return { headers, rawSource: false };
    case 'custom':
      for (const d of spec.arch[kernelArch] ?? []) addDir(d);
      for (const d of spec.include) addDir(d);
      return { headers, rawSource: false };
    case 'kernel': {
      addDir(`arch/${kernelArch}/include/uapi`);
      addDir('include/uapi');
      // headers_install wraps asm-generic/X.h as asm/X.h where the arch has no asm/X.h.
      const wrapped = [
        ...kbuildList(tree, 'include/uapi/asm-generic/Kbuild', 'mandatory-y'),
        ...kbuildList(tree, `arch/${kernelArch}/include/uapi/asm/Kbuild`, 'generic-y'),
      ];
      for (const name of wrapped) {
        const path = `asm/${name}`;
        if (!headers.has(path) && headers.has(`asm-generic/${name}`)) {
          headers.set(path, { synthetic: `#include <asm-generic/${name}>\n` });
        }
      }
      for (const h of noExportHeaders(tree, kernelArch, headers)) headers.delete(h);
      const version = versionHeader(tree.read('Makefile')?.text ?? '');
      if (version && !headers.has('linux/version.h')) headers.set('linux/version.h', { synthetic: version });
      return { headers, rawSource: true };
    }
  }
}

/**
 * include/uapi/Kbuild's `no-export-headers`: linux/kvm.h is not installed for an architecture
 * without asm/kvm.h. Its conditions are `ifeq ($(wildcard FILE),)` blocks, nested at most twice.
 */
function noExportHeaders(tree: FileTree, karch: string, headers: Map<string, HeaderSourceRef>): string[] {
  const text = tree.read('include/uapi/Kbuild')?.text ?? '';
  const exists = (path: string): boolean => {
    const p = path.replaceAll('$(SRCARCH)', karch);
    if (p.startsWith('$(srctree)/')) return tree.read(p.slice('$(srctree)/'.length)) !== undefined;
    // $(objtree)/arch/<arch>/include/generated/uapi/asm/X: the asm-generic wrappers made above.
    const gen = /^\$\(objtree\)\/arch\/[^/]+\/include\/generated\/uapi\/(asm\/.+)$/.exec(p);
    return gen !== null && headers.has(gen[1]!);
  };
  const out: string[] = [];
  const conds: boolean[] = [];
  for (const line of text.split('\n')) {
    const cond = /^ifeq \(\$\(wildcard (.+)\),\)\s*$/.exec(line);
    if (cond) conds.push(!exists(cond[1]!));
    else if (/^endif\b/.test(line)) conds.pop();
    else {
      const m = /^no-export-headers \+= (\S+)/.exec(line);
      if (m && conds.every(Boolean)) out.push(m[1]!);
    }
  }
  return out;
}

/** linux/version.h as the top Makefile's filechk_version.h writes it at build time. */
function versionHeader(makefile: string): string | undefined {
  const get = (v: string): number | undefined => {
    const m = new RegExp(`^${v}\\s*=\\s*(\\d+)`, 'm').exec(makefile);
    return m ? Number(m[1]) : undefined;
  };
  const [major, patch, sub] = [get('VERSION'), get('PATCHLEVEL'), get('SUBLEVEL')];
  if (major === undefined || patch === undefined || sub === undefined) return undefined;
  return [
    `#define LINUX_VERSION_CODE ${major * 65536 + patch * 256 + Math.min(sub, 255)}`,
    '#define KERNEL_VERSION(a,b,c) (((a) << 16) + ((b) << 8) + ((c) > 255 ? 255 : (c)))',
    `#define LINUX_VERSION_MAJOR ${major}`,
    `#define LINUX_VERSION_PATCHLEVEL ${patch}`,
    `#define LINUX_VERSION_SUBLEVEL ${sub}`,
    '',
  ].join('\n');
}

function kbuildList(tree: FileTree, path: string, variable: string): string[] {
  const text = tree.read(path)?.text ?? '';
  const re = new RegExp(`^${variable}\\s*\\+=\\s*(\\S+)`, 'gm');
  return [...text.matchAll(re)].map((m) => m[1]!);
}
