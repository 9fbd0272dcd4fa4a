// Every row of every table, in primary-key order, serialised deterministically: what the tests
// compare between a resumed and an uninterrupted run, and between PGlite and Postgres. The schema
// has no volatile columns (kysely's own migration bookkeeping, which has timestamps, is left out).
// Values are normalised across drivers: Date -> ISO 8601 UTC, jsonb -> JSON with sorted keys.

import type { Kysely } from 'kysely';
import { type Database, TABLES } from './schema.js';

/** With `repo`, only that repository's rows, and the layouts its deltas use. Loads whole tables: for tests and debugging. */
export async function canonicalDump(db: Kysely<Database>, repo?: string): Promise<string> {
  const out: string[] = [];
  for (const [table, key] of Object.entries(TABLES) as [keyof Database, readonly string[]][]) {
    let q = db.selectFrom(table).selectAll();
    if (repo !== undefined) {
      if (table === 'repos') q = q.where('key' as never, '=', repo as never);
      else if (table === 'layouts') {
        q = q.where('hash' as never, 'in', db.selectFrom('symbol_deltas').select('layout_hash')
          .where('repo', '=', repo).where('layout_hash', 'is not', null) as never);
      } else q = q.where('repo' as never, '=', repo as never);
    }
    // Key columns are COLLATE "C" in the schema, so this order is the same on every server.
    for (const k of key) q = q.orderBy(k as never);
    const rows = await q.execute();
    out.push(`# ${table} (${rows.length})`);
    for (const row of rows) out.push(canonicalJson(row));
  }
  return `${out.join('\n')}\n`;
}

/** JSON with object keys sorted and Dates as ISO text: equal content gives equal text. */
export function canonicalJson(v: unknown): string {
  return JSON.stringify(normalise(v));
}

function normalise(v: unknown): unknown {
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'bigint') return v.toString();
  if (Array.isArray(v)) return v.map(normalise);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) out[k] = normalise((v as Record<string, unknown>)[k]);
    return out;
  }
  return v;
}
