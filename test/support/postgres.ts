// The real PostgreSQL the tests use (127.0.0.1:5432, or ABI_BLAME_TEST_POSTGRES): a fresh database
// per test file, dropped at the end. Postgres being down is a failure unless ABI_BLAME_SKIP_POSTGRES=1.

import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll } from 'vitest';

export const ADMIN_URL = process.env.ABI_BLAME_TEST_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/test';
export const SKIP_POSTGRES = process.env.ABI_BLAME_SKIP_POSTGRES === '1';

export async function postgresReachable(): Promise<boolean> {
  const c = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 3000 });
  try {
    await c.connect();
    return true;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => {});
  }
}

export async function adminQuery(text: string): Promise<void> {
  const c = new pg.Client({ connectionString: ADMIN_URL });
  await c.connect();
  try {
    await c.query(text);
  } finally {
    await c.end();
  }
}

const createdDatabases: string[] = [];

/** A database of its own on the test server: created now, dropped after the test file. */
export async function freshPostgresUrl(): Promise<string> {
  const name = `abi_blame_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(`create database ${name}`);
  createdDatabases.push(name);
  const u = new URL(ADMIN_URL);
  u.pathname = `/${name}`;
  return u.toString();
}

afterAll(async () => {
  for (const name of createdDatabases.splice(0)) await adminQuery(`drop database if exists ${name} with (force)`);
});
