// A symbol's state at a commit: the delta of the nearest commit on its first-parent chain that has
// one (deltas are recorded against the first parent only). The chain is walked by a recursive CTE
// over commits.parents[1] that stops at the first commit carrying a delta for the symbol, so the cost
// is the distance to the last change, not the length of history.

import { type Kysely, sql } from 'kysely';
import type { AbiName, IoctlFields, RecordLayout } from '../layout/model.js';
import { canonicalLayout } from './layout-hash.js';
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
  db: Kysely<Database>, repo: string, abi: string, kind: SymbolKind, header: string, name: string, sha: string,
): Promise<SymbolState | undefined> {
  const hasDelta = (commit: ReturnType<typeof sql.ref>) => sql`exists (select 1 from symbol_deltas d
    where d.repo = ${repo} and d.commit = ${commit} and ${abi} = any(d.abis) and d.kind = ${kind}
      and d.header = ${header} and d.name = ${name})`;
  const { rows } = await sql<Found>`
    with recursive chain (sha, next, hit) as (
      select c.sha, c.parents[1], ${hasDelta(sql.ref('c.sha'))}
        from commits c where c.repo = ${repo} and c.sha = ${sha}
      union all
      select c.sha, c.parents[1], ${hasDelta(sql.ref('c.sha'))}
        from chain join commits c on c.repo = ${repo} and c.sha = chain.next
       where not chain.hit
    )
    select d.commit, d.layout_hash, d.value, d.ioctl, l.body
      from chain
      join symbol_deltas d on d.repo = ${repo} and d.commit = chain.sha and ${abi} = any(d.abis)
        and d.kind = ${kind} and d.header = ${header} and d.name = ${name}
      left join layouts l on l.hash = d.layout_hash
     where chain.hit`.execute(db);
  const found = rows[0];
  if (!found || (found.layout_hash === null && found.value === null)) return undefined;
  const state: SymbolState = { header, since: found.commit };
  if (found.body) state.layout = canonicalLayout(found.body);
  if (found.value !== null) state.value = found.value;
  if (found.ioctl) state.ioctl = { dir: found.ioctl.dir, type: found.ioctl.type, nr: found.ioctl.nr, size: found.ioctl.size };
  return state;
}
