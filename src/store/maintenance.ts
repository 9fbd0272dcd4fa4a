// Whole-repository operations of the indexer: forgetting a repository (--full) and finding the
// commits whose first release is not known yet (a tag may have come since).

import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/** Deletes everything stored for a repository except shared layouts, in one transaction. */
export async function deleteRepo(db: Kysely<Database>, repo: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('change_events').where('repo', '=', repo).execute();
    await trx.deleteFrom('symbol_deltas').where('repo', '=', repo).execute();
    await trx.deleteFrom('refs').where('repo', '=', repo).execute();
    await trx.deleteFrom('commits').where('repo', '=', repo).execute();
  });
}

/** Shas of the repository's commits with no release recorded. */
export async function unreleasedShas(db: Kysely<Database>, repo: string): Promise<string[]> {
  const rows = await db.selectFrom('commits').select('sha').where('repo', '=', repo).where('release', 'is', null).orderBy('topo').execute();
  return rows.map((r) => r.sha);
}
