// Schema migrations: plain SQL files in <package root>/migrations, applied in name order by kysely's
// Migrator on every open (already-applied ones are skipped, so opening is idempotent). Kysely keeps
// its own bookkeeping tables (kysely_migration, kysely_migration_lock) and serialises concurrent
// migrators on Postgres with an advisory lock; PGlite has one connection, so nothing can race there.

import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Kysely, sql } from 'kysely';
import { type Migration, type MigrationProvider, Migrator } from 'kysely/migration';

/**
 * A top-level folder of the package (migrations/, queries/): walk up from this module to the folder
 * holding package.json and it. Works from src/store under vitest/tsx, from dist/store when built,
 * and in the Docker image, which copies both next to dist/.
 */
export function packageDir(name: string, from = dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, name))) return join(dir, name);
    if (dirname(dir) === dir) throw new Error(`no ${name}/ folder above ${from}`);
  }
}

export const migrationsDir = (): string => packageDir('migrations');

export class SqlFileMigrationProvider implements MigrationProvider {
  constructor(private readonly dir: string) {}

  async getMigrations(): Promise<Record<string, Migration>> {
    const files = (await readdir(this.dir)).filter((f) => f.endsWith('.sql')).sort();
    const out: Record<string, Migration> = {};
    for (const file of files) {
      const text = await readFile(join(this.dir, file), 'utf8');
      out[file.slice(0, -'.sql'.length)] = {
        // One statement per query: PGlite runs parameterised (extended-protocol) queries only, and
        // those reject multi-statement text.
        up: async (db) => {
          for (const statement of splitSql(text)) await sql.raw(statement).execute(db);
        },
      };
    }
    return out;
  }
}

/** Applies every pending migration; throws the migration's error (with its name) on failure. */
export async function migrate(db: Kysely<any>, dir = migrationsDir()): Promise<void> {
  const migrator = new Migrator({ db, provider: new SqlFileMigrationProvider(dir) });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(failed ? `migration ${failed} failed: ${message}` : `migrations failed: ${message}`, { cause: error });
  }
}

/**
 * Splits SQL text into statements at top-level semicolons, skipping those inside quotes, quoted
 * identifiers, dollar-quoted bodies and comments. Comment-only pieces are dropped.
 */
export function splitSql(text: string): string[] {
  const out: string[] = [];
  let start = 0;
  let i = 0;
  const push = (end: number) => {
    const s = text.slice(start, end).trim();
    if (s.replace(/--[^\n]*|\/\*[\s\S]*?\*\//g, '').trim()) out.push(s);
  };
  while (i < text.length) {
    const c = text[i];
    if (c === '-' && text[i + 1] === '-') {
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? text.length : nl + 1;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 2;
    } else if (c === "'" || c === '"') {
      // A doubled quote inside is an escaped quote: the scan just closes and reopens.
      const end = text.indexOf(c, i + 1);
      i = end < 0 ? text.length : end + 1;
    } else if (c === '$') {
      const tag = /^\$[A-Za-z_]*\$/.exec(text.slice(i))?.[0];
      if (tag) {
        const end = text.indexOf(tag, i + tag.length);
        i = end < 0 ? text.length : end + tag.length;
      } else i++;
    } else if (c === ';') {
      push(i);
      start = ++i;
    } else i++;
  }
  push(text.length);
  return out;
}
