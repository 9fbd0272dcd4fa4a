// The header files of one commit as the layout engine reads them: a FileTree over blobs already
// fetched from git, made from its parent's by applying the commit's changes (the maps share
// every unchanged file). Symbolic links are followed, as a checkout would (the kernel-headers
// corpus links arch directories to one another).

import type { BlobReader } from '../git/blobs.js';
import { normalizePath, type FileTree, type TreeFile } from '../git/file-tree.js';

/** One changed path: its new text and blob id, or null when deleted. */
export interface FileChange {
  path: string;
  file: TreeFile | null;
  /** A symbolic link: `file.text` is the link's target. */
  symlink?: boolean;
}

/** Changed paths (an oid, or null when deleted) with their blobs' texts read in one batch. */
export async function withTexts(blobs: BlobReader, entries: { path: string; oid: string | null; symlink?: boolean }[]): Promise<FileChange[]> {
  const texts = await blobs.read(entries.flatMap((e) => (e.oid ? [e.oid] : [])));
  return entries.map((e) => ({
    path: e.path,
    file: e.oid ? { text: texts.get(e.oid)!, id: e.oid } : null,
    ...(e.symlink ? { symlink: true } : {}),
  }));
}

export class CommitTree implements FileTree {
  private listCache = new Map<string, string[]>();

  private constructor(
    private readonly files: Map<string, TreeFile>,
    private readonly links: Map<string, string>,
    /** FileTree.memo's values: shared with the trees apply() makes while their file lists stay the same. */
    private readonly derived = new Map<string, unknown>(),
  ) {}

  static empty(): CommitTree {
    return new CommitTree(new Map(), new Map());
  }

  memo<T>(key: string, make: () => T): T {
    if (!this.derived.has(key)) this.derived.set(key, make());
    return this.derived.get(key) as T;
  }

  /** This tree with `changes` applied; this one is left as it was. */
  apply(changes: readonly FileChange[]): CommitTree {
    const files = new Map(this.files);
    const links = new Map(this.links);
    // Most commits only edit headers: the file list, links, Makefile and Kbuild files stay, and so
    // does everything derived from them.
    const sameShape = changes.every((c) => c.file && !c.symlink && c.path.endsWith('.h') && this.files.has(c.path));
    for (const c of changes) {
      files.delete(c.path);
      links.delete(c.path);
      if (!c.file) continue;
      if (c.symlink) links.set(c.path, c.file.text.trim());
      else files.set(c.path, c.file);
    }
    return new CommitTree(files, links, sameShape ? this.derived : new Map());
  }

  /** The paths of `changes`, if they are all the ways this tree differs from the one they were applied to. */
  static changedPaths(tree: CommitTree, changes: readonly FileChange[]): string[] | undefined {
    // Through a symbolic link a header has a second tree path the changes do not name.
    return tree.links.size === 0 ? changes.map((c) => c.path) : undefined;
  }

  get fileCount(): number {
    return this.files.size;
  }

  read(path: string): TreeFile | undefined {
    const real = this.resolve(path);
    return real === undefined ? undefined : this.files.get(real);
  }

  list(dir: string): string[] {
    let out = this.listCache.get(dir);
    if (!out) this.listCache.set(dir, (out = this.walk(dir, 0)));
    return out;
  }

  isDir(path: string): boolean {
    if (path === '') return true;
    const real = this.resolve(path);
    if (real === undefined) return false;
    const prefix = `${real}/`;
    for (const p of this.files.keys()) if (p.startsWith(prefix)) return true;
    return false;
  }

  private walk(dir: string, depth: number): string[] {
    const real = dir === '' ? '' : this.resolve(dir);
    if (real === undefined || depth > 8) return [];
    const prefix = real === '' ? '' : `${real}/`;
    const out: string[] = [];
    for (const p of this.files.keys()) if (p.startsWith(prefix)) out.push(p.slice(prefix.length));
    // Links inside the directory to other directories: list what they point at.
    for (const [link] of this.links) {
      if (!link.startsWith(prefix)) continue;
      const rel = link.slice(prefix.length);
      for (const f of this.walk(`${dir ? `${dir}/` : ''}${rel}`, depth + 1)) out.push(`${rel}/${f}`);
      if (this.files.has(this.resolve(link) ?? '')) out.push(rel);
    }
    return out.sort();
  }

  /** The stored path a path names, following links in any component. */
  private resolve(path: string, hops = 0): string | undefined {
    if (this.links.size === 0) return path;
    if (hops > 16) return undefined;
    const parts = path.split('/');
    for (let i = 1; i <= parts.length; i++) {
      const head = parts.slice(0, i).join('/');
      const target = this.links.get(head);
      if (target === undefined) continue;
      const base = parts.slice(0, i - 1);
      const joined = normalizePath([...(target.startsWith('/') ? [] : base), target, ...parts.slice(i)].join('/'));
      return this.resolve(joined, hops + 1);
    }
    return path;
  }
}
