// The store's API for the indexer and the query commands: small typed functions over kysely, the
// same SQL on Postgres and PGlite. The batch writer, symbolAt and canonicalDump live in their own
// files and are re-exported here.

import { type Kysely, sql } from 'kysely';
import type { AbiName } from '../layout/model.js';
import type { RepoRow } from './rows.js';
import type { Database } from './schema.js';

export { writeCommitBatch } from './write.js';
export { symbolAt } from './symbol-at.js';
export { canonicalDump, canonicalJson } from './dump.js';
export { canonicalLayout, canonicalLayoutJson, layoutHash, layoutRow } from './layout-hash.js';
export type * from './rows.js';

/** Rows per statement for the update/insert helpers below (parameters stay far under 65,535). */
const CHUNK = 5_000;

export async function upsertRepo(db: Kysely<Database>, repo: RepoRow): Promise<void> {
  const row = { key: repo.key, path: repo.path, layout: JSON.stringify(repo.layout), abis: [...repo.abis] };
  await db.insertInto('repos').values(row)
    .onConflict((oc) => oc.column('key').doUpdateSet({ path: row.path, layout: row.layout, abis: row.abis }))
    .execute();
}

export async function readRepo(db: Kysely<Database>, key: string): Promise<RepoRow | undefined> {
  const r = await db.selectFrom('repos').selectAll().where('key', '=', key).executeTakeFirst();
  return r && { key: r.key, path: r.path, layout: r.layout, abis: r.abis as AbiName[] };
}

/** Shas of the repo's fully indexed commits (vanished ones included: their data is still valid). */
export async function indexedShas(db: Kysely<Database>, repo: string): Promise<Set<string>> {
  const rows = await db.selectFrom('commits').select('sha').where('repo', '=', repo).execute();
  return new Set(rows.map((r) => r.sha));
}

/** Highest topo of the repo's commits, -1 when none: the next commit gets maxTopo + 1. */
export async function maxTopo(db: Kysely<Database>, repo: string): Promise<number> {
  const r = await db.selectFrom('commits').select((eb) => eb.fn.max('topo').as('m'))
    .where('repo', '=', repo).executeTakeFirst();
  return r?.m ?? -1;
}

/** Sets commits.release for the given shas (null clears it); unknown shas are ignored. */
export async function setReleases(db: Kysely<Database>, repo: string, releases: Map<string, string | null>): Promise<void> {
  const entries = [...releases];
  await db.transaction().execute(async (trx) => {
    for (let i = 0; i < entries.length; i += CHUNK) {
      const part = entries.slice(i, i + CHUNK);
      // One statement per chunk: two parallel arrays unnested into (sha, release) pairs.
      await sql`update commits as c set release = u.release
        from unnest(${part.map(([sha]) => sha)}::text[], ${part.map(([, rel]) => rel)}::text[]) as u (sha, release)
        where c.repo = ${repo} and c.sha = u.sha`.execute(trx);
    }
  });
}

/**
 * Marks the repo's commits not in `reachable` vanished (history rewritten or refs deleted: their data
 * stays, queries can hide them) and un-marks those back in it. Only changed rows are written.
 */
export async function markVanished(db: Kysely<Database>, repo: string, reachable: Set<string>): Promise<{ vanished: number; restored: number }> {
  const rows = await db.selectFrom('commits').select(['sha', 'vanished']).where('repo', '=', repo).execute();
  const toVanish = rows.filter((r) => !r.vanished && !reachable.has(r.sha)).map((r) => r.sha);
  const toRestore = rows.filter((r) => r.vanished && reachable.has(r.sha)).map((r) => r.sha);
  await db.transaction().execute(async (trx) => {
    for (const [shas, vanished] of [[toVanish, true], [toRestore, false]] as const) {
      for (let i = 0; i < shas.length; i += CHUNK) {
        await trx.updateTable('commits').set({ vanished })
          .where('repo', '=', repo).where('sha', 'in', shas.slice(i, i + CHUNK)).execute();
      }
    }
  });
  return { vanished: toVanish.length, restored: toRestore.length };
}

/** Replaces the repo's stored refs (name -> sha) with `refs`, atomically. */
export async function replaceRefs(db: Kysely<Database>, repo: string, refs: Map<string, string>): Promise<void> {
  const rows = [...refs].map(([name, sha]) => ({ repo, name, sha }));
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('refs').where('repo', '=', repo).execute();
    for (let i = 0; i < rows.length; i += CHUNK) await trx.insertInto('refs').values(rows.slice(i, i + CHUNK)).execute();
  });
}

/** The refs of the last complete run, by name. */
export async function readRefs(db: Kysely<Database>, repo: string): Promise<Map<string, string>> {
  const rows = await db.selectFrom('refs').select(['name', 'sha']).where('repo', '=', repo).orderBy('name').execute();
  return new Map(rows.map((r) => [r.name, r.sha]));
}
