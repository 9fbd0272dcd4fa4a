// PGlite cannot be shared between processes (each one would run its own Postgres on the same
// files), so every command that opens a PGlite folder first takes an exclusive lock file next to it:
// `<dir>.lock`, created atomically (exclusive, like O_EXCL) holding the owner's pid. A lock whose pid is dead is stale
// (the owner was killed) and is taken over. Must be acquired BEFORE opening PGlite.

import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { StoreInputError } from './errors.js';

export interface HeldLock { release(): Promise<void> }

const POLL_MS = 250;
/** Lock files this process holds: a lock naming our own pid is only ours if it is in here. */
const held = new Set<string>();

export function pgliteLockPath(dir: string): string {
  return `${resolve(dir).replace(/\/+$/, '')}.lock`;
}

export async function acquirePgliteDirLock(dir: string, opts: { wait: boolean }): Promise<HeldLock> {
  const path = pgliteLockPath(dir);
  if (held.has(path)) throw new StoreInputError(`database ${dir}: already open in this process`);
  mkdirSync(dirname(path), { recursive: true });
  for (;;) {
    if (tryCreate(path)) break;
    const content = readLock(path);
    if (content === undefined) continue; // released between our create and read: try again
    const pid = Number.parseInt(content, 10);
    if (isAlive(pid)) {
      if (!opts.wait) throw new StoreInputError(`database ${dir}: in use by another abi-blame process (pid ${pid}; lock ${path})`);
      await sleep(POLL_MS);
      continue;
    }
    // Stale. Remove it only if it still holds what we judged stale, so we never delete a lock a
    // concurrent taker has just created. (Two takers reading the same stale file at once can still
    // both get here; the re-read narrows that window to microseconds, which is enough for a CLI.)
    if (readLock(path) === content) {
      try { unlinkSync(path); } catch (e) { if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e; }
    }
  }
  held.add(path);
  return {
    async release() {
      if (!held.delete(path)) return;
      if (readLock(path) === String(process.pid)) unlinkSync(path);
    },
  };
}

/**
 * Creates the lock atomically WITH its content: the pid goes into a private temp file first, then
 * link() publishes it (failing with EEXIST like O_EXCL), so nobody can ever read a half-written lock.
 */
function tryCreate(path: string): boolean {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`;
  try {
    writeFileSync(tmp, String(process.pid), { flag: 'wx' });
    linkSync(tmp, path);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    throw new StoreInputError(`database lock ${path}: ${code === 'EACCES' ? 'permission denied' : (e as Error).message}`);
  } finally {
    try { unlinkSync(tmp); } catch { /* never created */ }
  }
}

function readLock(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/**
 * Whether a lock's owner still runs. Our own pid is not alive for this purpose: a lock we do not
 * hold (see `held`) naming our pid was left by an earlier process that had the same pid, which is
 * common in containers where the CLI is pid 1. Garbage content counts as dead.
 */
function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by another user
  }
}
