// One index run at a time per database and repository.
// Postgres: a session-level advisory lock on a 64-bit key derived from the repo key, held on one
// pool connection reserved for the whole run (an advisory lock belongs to the session that took
// it, so it must not go back to the pool). The server drops it if the process dies.
// PGlite: the folder lock (dir-lock.ts) taken before opening already excludes every other process,
// so there is nothing more to take here.

import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Store } from './db.js';
import { StoreInputError } from './errors.js';

export { acquirePgliteDirLock, pgliteLockPath, type HeldLock } from './dir-lock.js';
import type { HeldLock } from './dir-lock.js';

/** Signed 64-bit advisory-lock key (as text, for a bigint parameter) for a repository. */
export function runLockKey(repoKey: string): string {
  const digest = createHash('sha256').update(`abi-blame index run\0${repoKey}`).digest();
  return digest.readBigInt64BE(0).toString();
}

export async function acquireRunLock(store: Store, repoKey: string, opts: { wait: boolean }): Promise<HeldLock> {
  if (store.kind === 'pglite') return { release: async () => {} };
  const key = runLockKey(repoKey);
  let acquired!: () => void;
  let release!: () => void;
  const gotLock = new Promise<void>((resolve) => { acquired = resolve; });
  const released = new Promise<void>((resolve) => { release = resolve; });
  // The callback keeps the connection reserved until release(); kysely returns it to the pool after.
  const session = store.db.connection().execute(async (conn) => {
    if (opts.wait) {
      await sql`select pg_advisory_lock(${key}::bigint)`.execute(conn);
    } else {
      const { rows } = await sql<{ ok: boolean }>`select pg_try_advisory_lock(${key}::bigint) as ok`.execute(conn);
      if (!rows[0]?.ok) throw new StoreInputError(`another abi-blame index run holds the lock for ${repoKey}`);
    }
    acquired();
    await released;
    await sql`select pg_advisory_unlock(${key}::bigint)`.execute(conn);
  });
  // Fails before `acquired` (lock busy, connection lost) -> this rejects; afterwards, release() sees it.
  await Promise.race([gotLock, session]);
  return {
    async release() {
      release();
      // If the session died mid-run the server already dropped the lock: nothing left to undo.
      await session.catch(() => {});
    },
  };
}
