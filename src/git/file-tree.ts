// A tree of files addressed by '/'-separated paths relative to its root. The layout engine reads
// headers only through this, so a checked-out directory and a git commit look the same to it.

import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** `a/./b/../c` -> `a/c`: paths as a tree names them. */
export function normalizePath(path: string): string {
  const out: string[] = [];
  for (const p of path.split('/')) {
    if (p === '' || p === '.') continue;
    if (p === '..') out.pop();
    else out.push(p);
  }
  return out.join('/');
}

export interface TreeFile {
  text: string;
  /** A content id (git blob id, or a hash): equal ids mean equal text. Caches key on it. */
  id: string;
}

export interface FileTree {
  /** Files directly or indirectly under `dir` ('' = root), as paths relative to `dir`. */
  list(dir: string): string[];
  read(path: string): TreeFile | undefined;
  isDir(path: string): boolean;
  /**
   * What `make` derives from the tree's file list and non-header files (its header map), kept
   * with the tree and with trees derived from it that only change header contents. Optional.
   */
  memo?<T>(key: string, make: () => T): T;
}

/** A directory on disk. */
export class FsTree implements FileTree {
  constructor(readonly root: string) {}

  private readonly listings = new Map<string, string[]>();

  list(dir: string): string[] {
    let out = this.listings.get(dir);
    if (!out) this.listings.set(dir, (out = this.walk(dir)));
    return out;
  }

  private walk(dir: string): string[] {
    const out: string[] = [];
    const walk = (rel: string): void => {
      let names: string[];
      try {
        names = readdirSync(join(this.root, dir, rel));
      } catch {
        return;
      }
      for (const name of names.sort()) {
        const r = rel ? `${rel}/${name}` : name;
        let st;
        try {
          st = statSync(join(this.root, dir, r)); // follows symlinks (kernel-headers uses them)
        } catch {
          continue;
        }
        if (st.isDirectory()) walk(r);
        else if (st.isFile()) out.push(r);
      }
    };
    walk('');
    return out;
  }

  /** Files are read once: a run sees the tree as it was when it first looked. */
  private readonly files = new Map<string, TreeFile | undefined>();

  read(path: string): TreeFile | undefined {
    if (this.files.has(path)) return this.files.get(path);
    let f: TreeFile | undefined;
    try {
      const text = readFileSync(join(this.root, path), 'latin1');
      f = { text, id: createHash('sha1').update(text).digest('hex') };
    } catch {
      f = undefined;
    }
    this.files.set(path, f);
    return f;
  }

  isDir(path: string): boolean {
    try {
      return statSync(join(this.root, path)).isDirectory();
    } catch {
      return false;
    }
  }
}

/** Files held in memory: tests, and commits whose blobs were read from git. */
export class MemoryTree implements FileTree {
  private readonly files: Map<string, TreeFile>;

  constructor(files: Record<string, string> | Map<string, TreeFile>) {
    this.files = files instanceof Map
      ? files
      : new Map(Object.entries(files).map(([p, text]) => [p, { text, id: createHash('sha1').update(text).digest('hex') }]));
  }

  list(dir: string): string[] {
    const prefix = dir ? `${dir}/` : '';
    return [...this.files.keys()].filter((p) => p.startsWith(prefix)).map((p) => p.slice(prefix.length)).sort();
  }
  read(path: string): TreeFile | undefined {
    return this.files.get(path);
  }
  isDir(path: string): boolean {
    if (path === '') return true;
    const prefix = `${path}/`;
    for (const p of this.files.keys()) if (p.startsWith(prefix)) return true;
    return false;
  }
}
