// The query commands' SQL lives in queries/*.sql, written for psql so a user can run it by hand
// (`psql -v repo=... -v name=kvm_run -f queries/blame-events.sql`). Here a file's psql variables
// (`:'name'`, text) become positional parameters, so the CLI runs exactly the text in the file.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CompiledQuery, type Kysely } from 'kysely';
import { packageDir } from './migrations.js';
import type { Database } from './schema.js';

interface Prepared { text: string; names: string[] }
const prepared = new Map<string, Prepared>();

function prepare(name: string): Prepared {
  let p = prepared.get(name);
  if (p) return p;
  const source = readFileSync(join(packageDir('queries'), `${name}.sql`), 'utf8');
  const names: string[] = [];
  // Comments first, so a `:'x'` in the documentation is not taken for a parameter.
  const body = source.replace(/--[^\n]*/g, '');
  const text = body.replace(/:'([A-Za-z_][A-Za-z0-9_]*)'/g, (_, v: string) => {
    let i = names.indexOf(v);
    if (i < 0) i = names.push(v) - 1;
    return `$${i + 1}`;
  }).trim().replace(/;\s*$/, '');
  prepared.set(name, (p = { text, names }));
  return p;
}

/** Runs queries/<name>.sql with its psql variables bound from `params` (arrays as text[] literals). */
export async function runQueryFile<R>(db: Kysely<Database>, name: string, params: Record<string, unknown>): Promise<R[]> {
  const p = prepare(name);
  const values = p.names.map((n) => {
    if (!(n in params)) throw new Error(`internal: queries/${name}.sql needs :'${n}'`);
    const v = params[n];
    // Both drivers take a text[] literal for a text parameter cast to text[] in the file, as psql would.
    return Array.isArray(v) ? `{${v.map((x) => `"${String(x).replace(/["\\]/g, '\\$&')}"`).join(',')}}` : v;
  });
  const r = await db.executeQuery<R>(CompiledQuery.raw(p.text, values));
  return r.rows;
}
