// A symbol's state at a commit: the delta of the nearest commit on its first-parent chain that has
// one (deltas are recorded against the first parent only); the walk is queries/symbol-at.sql.

import { type Kysely, sql } from 'kysely';
import type { AbiName, IoctlFields, RecordLayout } from '../layout/model.js';
import { canonicalLayout } from './layout-hash.js';
import { runQueryFile } from './sql-file.js';
import type { SymbolKind, SymbolState } from './rows.js';
import type { Database } from './schema.js';

/**
 * With `header` undefined, every header the name was ever recorded under is resolved on its own and
 * the first (by header) where the symbol exists at the commit wins. Undefined when the symbol does not
 * exist there, or the commit is not indexed.
 */
export async function symbolAt(
  db: Kysely<Database>, repo: string, abi: AbiName, kind: SymbolKind, header: string | undefined,
  name: string, commitSha: string,
): Promise<SymbolState | undefined> {
  const headers = header !== undefined ? [header] : await headersOf(db, repo, abi, kind, name);
  for (const h of headers) {
    const state = await nearestDelta(db, repo, abi, kind, h, name, commitSha);
    if (state) return state;
  }
  return undefined;
}

async function headersOf(db: Kysely<Database>, repo: string, abi: string, kind: SymbolKind, name: string): Promise<string[]> {
  const rows = await db.selectFrom('symbol_deltas').select('header').distinct()
    .where('repo', '=', repo).where('kind', '=', kind).where('name', '=', name).where(sql<boolean>`${abi} = any(abis)`)
    .orderBy('header').execute();
  return rows.map((r) => r.header);
}

interface Found { commit: string; layout_hash: string | null; value: string | null; ioctl: IoctlFields | null; body: RecordLayout | null }

async function nearestDelta(
  db: Kysely<Database>, repo: string, abi: string, kind: SymbolKind, header: string, name: string, commit: string,
): Promise<SymbolState | undefined> {
  const [found] = await runQueryFile<Found>(db, 'symbol-at', { repo, abi, kind, header, name, commit });
  if (!found || (found.layout_hash === null && found.value === null)) return undefined;
  const state: SymbolState = { header, since: found.commit };
  if (found.body) state.layout = canonicalLayout(found.body);
  if (found.value !== null) state.value = found.value;
  if (found.ioctl) state.ioctl = { dir: found.ioctl.dir, type: found.ioctl.type, nr: found.ioctl.nr, size: found.ioctl.size };
  return state;
}
