// Opening the database: Postgres when given a URL (--db or DATABASE_URL), else embedded PGlite in a
// folder. Both go through kysely with the same schema and queries, and migrations run on every open.
// Failure to open is the user's input problem (StoreInputError, one line) and never leaves a pool
// or a PGlite instance behind that would keep the process alive.

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { Kysely, PGliteDialect, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { describeError, StoreInputError } from './errors.js';
import { migrate } from './migrations.js';
import type { Database } from './schema.js';

export interface Store {
  db: Kysely<Database>;
  kind: 'postgres' | 'pglite';
  /** What the store was opened from, password removed: for messages. */
  where: string;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** postgres:// or postgresql:// URL; wins over DATABASE_URL and pgliteDir. */
  url?: string;
  /** PGlite data folder (created if missing); the caller must hold acquirePgliteDirLock on it. */
  pgliteDir?: string;
  /** Postgres connect timeout (default 10 s). */
  connectTimeoutMs?: number;
  /**
   * PGlite's shared buffers, MiB (default Postgres's 128). Every process that opens PGlite zeroes
   * them first: 46 % of PGlite.create with 128 MiB (BENCHMARKS.md).
   */
  pgliteBuffersMb?: number;
}

/**
 * PGlite's shared buffers for the query commands (blame, show, diff): they read a few thousand
 * pages at most, and start about 0.3 s sooner than with Postgres's 128 MiB (BENCHMARKS.md).
 */
export const QUERY_BUFFERS_MB = 16;

/**
 * And for the index: a run with nothing new starts 0.3 s sooner than with 128 MiB (1.45 s against
 * 1.75 s), and neither a day of 52 commits nor a history of 890 took longer (BENCHMARKS.md).
 */
export const INDEX_BUFFERS_MB = 32;

/** The embedded database of a repository, in its git dir (it goes where the repository goes). */
export const embeddedDbDir = (gitDir: string): string => join(gitDir, 'abi-blame', 'pglite');

export async function openStore(opts: OpenOptions): Promise<Store> {
  const url = opts.url || process.env.DATABASE_URL;
  if (url) return openPostgres(url, opts.connectTimeoutMs ?? 10_000);
  if (opts.pgliteDir) return openPglite(opts.pgliteDir, opts.pgliteBuffersMb);
  throw new StoreInputError('no database: pass --db postgres://... or set DATABASE_URL');
}

async function openPostgres(url: string, connectTimeoutMs: number): Promise<Store> {
  const where = redact(url);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new StoreInputError(`database ${where}: not a valid URL`);
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new StoreInputError(`database ${where}: not a postgres:// URL`);
  }
  const pool = new pg.Pool({ connectionString: url, connectionTimeoutMillis: connectTimeoutMs, max: 10 });
  // An idle client losing its server emits 'error' on the pool, which would crash the process as
  // an unhandled event; the next query fails with a proper error instead.
  pool.on('error', () => {});
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  await prepare(db, where);
  return { db, kind: 'postgres', where, close: () => db.destroy() };
}

async function openPglite(dir: string, buffersMb: number | undefined): Promise<Store> {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new StoreInputError(`database ${dir}: ${describeError(e)}`, { cause: e });
  }
  let pglite: PGlite;
  try {
    // Loaded only when used: a sizeable module that commands on PostgreSQL need not pay for.
    const { PGlite: Lite } = await import('@electric-sql/pglite');
    const startParams = buffersMb ? [...Lite.defaultStartParams, '-c', `shared_buffers=${buffersMb}MB`] : undefined;
    pglite = await Lite.create(dir, { startParams });
  } catch (e) {
    throw new StoreInputError(`database ${dir}: cannot open PGlite folder: ${describeError(e)}`, { cause: e });
  }
  const db = new Kysely<Database>({ dialect: new PGliteDialect({ pglite }) });
  await prepare(db, dir);
  return { db, kind: 'pglite', where: dir, close: () => db.destroy() };
}

/** Connects (the first query does) and migrates; on failure, tears down and throws one line. */
async function prepare(db: Kysely<Database>, where: string): Promise<void> {
  try {
    await sql`select 1`.execute(db);
  } catch (e) {
    await db.destroy().catch(() => {});
    throw new StoreInputError(`database ${where}: ${describeError(e)}`, { cause: e });
  }
  try {
    await migrate(db);
  } catch (e) {
    await db.destroy().catch(() => {});
    throw new StoreInputError(`database ${where}: ${describeError(e)}`, { cause: e });
  }
}

/** The URL without its password (in the userinfo or a password= parameter). */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    if (u.searchParams.has('password')) u.searchParams.set('password', '***');
    return u.toString();
  } catch {
    return url.replace(/\/\/([^:/@]*):[^@/]*@/, '//$1:***@');
  }
}
