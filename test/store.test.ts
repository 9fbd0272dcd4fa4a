// The storage layer against BOTH databases it supports: embedded PGlite (a temp folder) and the real
// PostgreSQL at 127.0.0.1:5432 (a fresh database per run, dropped at the end). Postgres being down is
// a failure unless ABI_BLAME_SKIP_POSTGRES=1.

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InsertQueryNode, sql, ValuesNode } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_URL, freshPostgresUrl, postgresReachable, SKIP_POSTGRES } from './support/postgres.js';
import type { AbiName, RecordLayout } from '../src/layout/model.js';
import { openStore, QUERY_BUFFERS_MB, type Store } from '../src/store/db.js';
import { insertChunked, MAX_BYTES_PER_STATEMENT, MAX_PARAMS_PER_STATEMENT } from '../src/store/write.js';
import { StoreInputError } from '../src/store/errors.js';
import { acquirePgliteDirLock, acquireRunLock, pgliteLockPath } from '../src/store/lock.js';
import { migrate, migrationsDir, splitSql } from '../src/store/migrations.js';
import {
  canonicalDump, type CommitWrite, indexedShas, layoutRow, markVanished, maxTopo, readRefs, replaceRefs,
  setReleases, symbolAt, upsertRepo, writeCommitBatch,
} from '../src/store/queries.js';

const pgUp = await postgresReachable();


// ---- fixtures -------------------------------------------------------------------------------------

function layout(name: string, size: number, abi: AbiName, extra = 0): RecordLayout {
  const fields = [{ path: 'a', offset: 0, size: 4, type: '__u32' }];
  for (let i = 0; i < extra; i++) fields.push({ path: `f${i}`, offset: 4 + 4 * i, size: 4, type: '__u32' });
  return { kind: 'struct', name, header: 'linux/foo.h', size: abi === 'i386' ? size : size * 2, align: 4, fields };
}

/**
 * History (topo order):      A - B - C ------- M - N      first parents along the top
 *                                 \- D - E ---/           M = merge(C, E)
 * struct foo (linux/foo.h): v1 at A, v2 at C, v3 at D (side branch), v3 at M (merged), removed at N.
 * FOO_X: 1 at A, 2 at E, 2 at M.  BAR: in linux/a.h at A, moves to linux/b.h at C.
 */
function history(abis: AbiName[] = ['x86_64', 'i386']): CommitWrite[] {
  const t = (n: number) => `2024-01-0${n}T12:00:00+02:00`;
  const commit = (sha: string, parents: string[], topo: number) => ({
    sha, parents, topo, authorName: 'A U Thor', authorEmail: 'author@example.org', authorDate: t(topo + 1),
    committerDate: new Date(Date.UTC(2024, 0, topo + 1, 10)), subject: `commit ${sha}`, release: null,
  });
  const write = (sha: string, parents: string[], topo: number, f: (w: CommitWrite, abi: AbiName) => void): CommitWrite => {
    const w: CommitWrite = { commit: commit(sha, parents, topo), layouts: new Map(), deltas: [], events: [] };
    for (const abi of abis) f(w, abi);
    return w;
  };
  const foo = (w: CommitWrite, abi: AbiName, version: number | null) => {
    let hash: string | null = null;
    if (version !== null) {
      const l = layout('foo', 4 * version, abi, version - 1);
      const row = layoutRow(l);
      hash = row.hash;
      w.layouts.set(row.hash, row.body);
    }
    w.deltas.push({ abis: [abi], kind: 'record', header: 'linux/foo.h', name: 'foo', layoutHash: hash, value: null, ioctl: null });
    w.events.push({
      abis: [abi], kind: 'record', header: 'linux/foo.h', name: 'foo', member: version === null ? '' : `f${version}`,
      change: version === null ? 'deleted' : version === 1 ? 'introduced' : 'added', before: null,
      after: version === null ? null : { offset: 4 * version, type: '__u32', list: [1, 2], bitOffset: undefined },
    });
    // jsonb scalars (numbers, strings) must come back as the same scalars from both drivers.
    if (version === 2) {
      w.events.push({ abis: [abi], kind: 'record', header: 'linux/foo.h', name: 'foo', member: '', change: 'record-size', before: 8, after: 16 });
      w.events.push({ abis: [abi], kind: 'record', header: 'linux/foo.h', name: 'foo', member: 'a', change: 'retyped', before: '__u32', after: 'unsigned "int"' });
    }
  };
  const macro = (w: CommitWrite, abi: AbiName, header: string, name: string, value: string | null) => {
    w.deltas.push({
      abis: [abi], kind: 'macro', header, name, layoutHash: null, value,
      ioctl: name === 'FOO_X' && value ? { dir: 'read', type: 0xae, nr: Number(value), size: 8 } : null,
    });
  };
  return [
    write('a'.repeat(40), [], 0, (w, abi) => { foo(w, abi, 1); macro(w, abi, 'linux/foo.h', 'FOO_X', '1'); macro(w, abi, 'linux/a.h', 'BAR', '7'); }),
    write('b'.repeat(40), ['a'.repeat(40)], 1, () => {}),
    write('c'.repeat(40), ['b'.repeat(40)], 2, (w, abi) => { foo(w, abi, 2); macro(w, abi, 'linux/a.h', 'BAR', null); macro(w, abi, 'linux/b.h', 'BAR', '7'); }),
    write('d'.repeat(40), ['b'.repeat(40)], 3, (w, abi) => foo(w, abi, 3)),
    write('e'.repeat(40), ['d'.repeat(40)], 4, (w, abi) => macro(w, abi, 'linux/foo.h', 'FOO_X', '2')),
    write('f'.repeat(40), ['c'.repeat(40), 'e'.repeat(40)], 5, (w, abi) => { foo(w, abi, 3); macro(w, abi, 'linux/foo.h', 'FOO_X', '2'); }),
    write('0'.repeat(40), ['f'.repeat(40)], 6, (w, abi) => foo(w, abi, null)),
  ];
}
const [A, B, C, D, E, M, N] = history().map((w) => w.commit.sha) as [string, string, string, string, string, string, string];

async function seedRepo(store: Store, key: string): Promise<void> {
  await upsertRepo(store.db, { key, path: `/src/${key}`, layout: { preset: 'kernel' }, abis: ['x86_64', 'i386'] });
}

/** Synthetic commits shaped like the indexer's output, for the insert-rate measurement. */
function benchBatch(from: number, count: number, symbols: number): CommitWrite[] {
  const out: CommitWrite[] = [];
  for (let n = from; n < from + count; n++) {
    const sha = n.toString(16).padStart(40, '0');
    const w: CommitWrite = {
      commit: { sha, parents: n ? [(n - 1).toString(16).padStart(40, '0')] : [], topo: n, authorName: 'x', authorEmail: 'x@y',
        authorDate: new Date(n * 1000), committerDate: new Date(n * 1000), subject: `s${n}`, release: null },
      layouts: new Map(), deltas: [], events: [],
    };
    for (let s = 0; s < symbols; s++) {
      const l = layout(`rec${s}`, 8 + (n % 7), 'x86_64', s % 5);
      l.fields[0]!.type = `__u32 /* ${n} */`;
      const { hash: h, body } = layoutRow(l);
      if (s % 2 === 0) w.layouts.set(h, body);
      w.deltas.push(s % 2 === 0
        ? { abis: ['x86_64'], kind: 'record', header: 'linux/bench.h', name: `rec${s}`, layoutHash: h, value: null, ioctl: null }
        : { abis: ['x86_64'], kind: 'macro', header: 'linux/bench.h', name: `M${s}`, layoutHash: null, value: String(n * s), ioctl: null });
      w.events.push({ abis: ['x86_64'], kind: 'record', header: 'linux/bench.h', name: `rec${s}`, member: 'a', change: 'resized', before: { size: 4 }, after: { size: 8 } });
    }
    out.push(w);
  }
  return out;
}

// ---- the suite, once per database -----------------------------------------------------------------

interface Backend { name: 'pglite' | 'postgres'; open(): Promise<{ store: Store; reopen(): Promise<Store> }> }

const backends: Backend[] = [
  {
    name: 'pglite',
    async open() {
      const dir = join(mkdtempSync(join(tmpdir(), 'abi-blame-store-')), 'pglite');
      const lock = await acquirePgliteDirLock(dir, { wait: false });
      let store = await openStore({ pgliteDir: dir });
      const close = store.close;
      store.close = async () => { await close(); await lock.release(); };
      return {
        store,
        // PGlite is one process's: close, then open the same folder again.
        async reopen() { await close(); store = await openStore({ pgliteDir: dir }); return store; },
      };
    },
  },
  {
    name: 'postgres',
    async open() {
      const url = await freshPostgresUrl();
      return { store: await openStore({ url }), reopen: () => openStore({ url }) };
    },
  },
];

/** Each backend's dump of the same writes, compared at the end. */
const dumps = new Map<string, string[]>();

for (const backend of backends) {
  const skip = backend.name === 'postgres' && !pgUp && SKIP_POSTGRES;
  describe.skipIf(skip)(`store on ${backend.name}`, () => {
    let store: Store;
    let reopen: () => Promise<Store>;

    beforeAll(async () => {
      if (backend.name === 'postgres' && !pgUp) {
        throw new Error(`PostgreSQL not reachable at ${ADMIN_URL} (set ABI_BLAME_SKIP_POSTGRES=1 to skip)`);
      }
      ({ store, reopen } = await backend.open());
    });
    afterAll(async () => { await store?.close(); });

    it('runs migrations idempotently: again on the same handle, and on reopening', async () => {
      await migrate(store.db);
      await migrate(store.db);
      const again = await reopen();
      if (backend.name === 'pglite') store = again; else await again.close();
      const { rows } = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(store.db);
      const files = readdirSync(migrationsDir()).filter((f) => f.endsWith('.sql')).sort().map((f) => f.slice(0, -4));
      expect(files).toContain('0001_initial');
      expect(rows.map((r) => r.name)).toEqual(files);
    });

    it('writes batches and dumps them deterministically', async () => {
      const repo = '/repos/dump/.git';
      await seedRepo(store, repo);
      // Two batches, as a resumed run would write them, must equal one batch.
      const h = history();
      await writeCommitBatch(store.db, repo, h.slice(0, 3));
      await writeCommitBatch(store.db, repo, h.slice(3));
      await setReleases(store.db, repo, new Map([[A, 'v1.0'], [B, 'v1.0'], [C, null], ['z'.repeat(40), 'v9']]));
      await replaceRefs(store.db, repo, new Map([['refs/heads/master', N], ['refs/tags/v1.0', B]]));
      const dump = await canonicalDump(store.db, repo);

      const repo2 = '/repos/dump-one-batch/.git';
      await seedRepo(store, repo2);
      await writeCommitBatch(store.db, repo2, history());
      await setReleases(store.db, repo2, new Map([[A, 'v1.0'], [B, 'v1.0']]));
      await replaceRefs(store.db, repo2, new Map([['refs/heads/master', N], ['refs/tags/v1.0', B]]));
      expect((await canonicalDump(store.db, repo2)).replaceAll(repo2, repo)).toBe(dump);

      expect(dump).toContain('# commits (7)');
      expect(dump).toContain('"author_date":"2024-01-01T10:00:00.000Z"');
      expect(dump).toContain('"after":16,');
      expect(dump).toContain('"after":"unsigned \\"int\\"","before":"__u32"');
      expect(dump).toMatch(/# layouts \(6\)/); // foo v1..v3 on two ABIs
      expect(await indexedShas(store.db, repo)).toEqual(new Set(history().map((w) => w.commit.sha)));
      expect(await maxTopo(store.db, repo)).toBe(6);
      expect(await maxTopo(store.db, '/nothing/.git')).toBe(-1);
      expect(await readRefs(store.db, repo)).toEqual(new Map([['refs/heads/master', N], ['refs/tags/v1.0', B]]));
      dumps.set(backend.name, [dump, await canonicalDump(store.db, repo2)]);
    });

    it('finds a symbol along the first-parent chain, through a merge', async () => {
      const repo = '/repos/chain/.git';
      await seedRepo(store, repo);
      await writeCommitBatch(store.db, repo, history());
      const at = (name: string, kind: 'record' | 'macro', header: string | undefined, sha: string, abi: AbiName = 'x86_64') =>
        symbolAt(store.db, repo, abi, kind, header, name, sha);
      const fooSize = async (sha: string, abi: AbiName = 'x86_64') => (await at('foo', 'record', 'linux/foo.h', sha, abi))?.layout?.size;

      expect(await fooSize(A)).toBe(8);
      expect(await fooSize(B)).toBe(8); // unchanged since A
      expect(await fooSize(C)).toBe(16);
      expect(await fooSize(D)).toBe(24); // side branch
      expect(await fooSize(E)).toBe(24); // inherited from D, its first parent
      expect(await fooSize(M)).toBe(24); // the merge's own delta against C
      expect(await fooSize(M, 'i386')).toBe(12);
      expect(await at('foo', 'record', 'linux/foo.h', N)).toBeUndefined(); // removed
      expect(await at('foo', 'record', 'linux/foo.h', M)).toMatchObject({ since: M, header: 'linux/foo.h' });
      expect((await at('foo', 'record', 'linux/foo.h', D))?.layout).toEqual(layout('foo', 12, 'x86_64', 2));

      expect(await at('FOO_X', 'macro', 'linux/foo.h', C)).toEqual({
        header: 'linux/foo.h', since: A, value: '1', ioctl: { dir: 'read', type: 0xae, nr: 1, size: 8 },
      });
      expect((await at('FOO_X', 'macro', 'linux/foo.h', E))?.value).toBe('2');
      expect((await at('FOO_X', 'macro', 'linux/foo.h', N))?.since).toBe(M);

      // No header: whichever header holds it at that commit.
      expect((await at('BAR', 'macro', undefined, B))?.header).toBe('linux/a.h');
      expect((await at('BAR', 'macro', undefined, C))?.header).toBe('linux/b.h');
      expect((await at('BAR', 'macro', undefined, E))?.header).toBe('linux/a.h');
      expect(await at('BAR', 'macro', 'linux/a.h', N)).toBeUndefined();
      expect(await at('NOPE', 'macro', undefined, N)).toBeUndefined();
      expect(await at('FOO_X', 'macro', 'linux/foo.h', '9'.repeat(40))).toBeUndefined(); // not indexed
    });

    it('marks vanished commits and brings them back', async () => {
      const repo = '/repos/vanish/.git';
      await seedRepo(store, repo);
      await writeCommitBatch(store.db, repo, history());
      const all = history().map((w) => w.commit.sha);
      const vanishedNow = async () => (await store.db.selectFrom('commits').select('sha')
        .where('repo', '=', repo).where('vanished', '=', true).orderBy('sha').execute()).map((r) => r.sha);
      expect(await markVanished(store.db, repo, new Set(all.filter((s) => s !== D && s !== E)))).toEqual({ vanished: 2, restored: 0 });
      expect(await vanishedNow()).toEqual([D, E]);
      expect(await markVanished(store.db, repo, new Set(all.filter((s) => s !== E)))).toEqual({ vanished: 0, restored: 1 });
      expect(await vanishedNow()).toEqual([E]);
    });

    it('leaves nothing of a batch that fails midway', async () => {
      const repo = '/repos/atomic/.git';
      await seedRepo(store, repo);
      const h = history();
      await writeCommitBatch(store.db, repo, h.slice(0, 2));
      const before = await canonicalDump(store.db);
      // The last commit of the batch refers to a layout nobody stored: its deltas fail the foreign
      // key after the other commits' layouts, deltas and events went in.
      const bad = h.slice(2, 5);
      bad[2]!.deltas.push({ abis: ['x86_64'], kind: 'record', header: 'linux/x.h', name: 'x', layoutHash: 'f'.repeat(64), value: null, ioctl: null });
      await expect(writeCommitBatch(store.db, repo, bad)).rejects.toThrow();
      expect(await canonicalDump(store.db)).toBe(before);
      // A commit written twice is refused the same way.
      await expect(writeCommitBatch(store.db, repo, h.slice(1, 3))).rejects.toThrow();
      expect(await canonicalDump(store.db)).toBe(before);
      // And the store is still usable.
      await writeCommitBatch(store.db, repo, history().slice(2));
      expect(await maxTopo(store.db, repo)).toBe(6);
    });

    it('splits a table\'s rows into statements of bounded parameters and text, and stores them all', async () => {
      // What each INSERT sent, seen by a kysely plugin on the store's own connection.
      const statements: { rows: number; params: number; text: number }[] = [];
      const counting = store.db.withPlugin({
        transformQuery({ node }) {
          if (InsertQueryNode.is(node) && node.values && ValuesNode.is(node.values)) {
            const rows = node.values.values.map((v) => (v.kind === 'PrimitiveValueListNode' ? v.values : []));
            const text = rows.flat().reduce<number>((n, v) => n + (typeof v === 'string' ? v.length : 8), 0);
            statements.push({ rows: rows.length, params: rows.reduce((n, r) => n + r.length, 0), text });
          }
          return node;
        },
        transformResult: async ({ result }) => result,
      });
      // Two bodies of 700 KB (over half the byte budget each: never in one statement), then
      // 12,000 small ones (more rows than the parameter budget takes at once).
      const big = (i: number): string => JSON.stringify({ name: `big${i}`, pad: 'x'.repeat(700_000) });
      const rows = [
        { hash: 'big-0', body: big(0) }, { hash: 'big-1', body: big(1) },
        ...Array.from({ length: 12_000 }, (_, i) => ({ hash: `small-${i}`, body: `{"n":${i}}` })),
      ];
      await counting.transaction().execute((trx) => insertChunked(trx, 'layouts', rows, 'ignore-existing'));
      expect(statements.reduce((n, s) => n + s.rows, 0)).toBe(rows.length);
      expect(statements.length).toBeGreaterThanOrEqual(Math.ceil((rows.length * 2) / MAX_PARAMS_PER_STATEMENT));
      for (const st of statements) {
        expect(st.params).toBeLessThanOrEqual(MAX_PARAMS_PER_STATEMENT);
        if (st.rows > 1) expect(st.text).toBeLessThanOrEqual(MAX_BYTES_PER_STATEMENT);
      }
      const { rows: stored } = await sql<{ n: string }>`
        select count(*) as n from layouts where hash like 'big-%' or hash like 'small-%'`.execute(store.db);
      expect(Number(stored[0]!.n)).toBe(rows.length);
      await sql`delete from layouts where hash like 'big-%' or hash like 'small-%'`.execute(store.db);
    });

    it('measures the insert rate', async () => {
      const repo = '/repos/bench/.git';
      await seedRepo(store, repo);
      const commits = 300;
      const perBatch = 50;
      const symbols = 60;
      let rows = 0;
      const t0 = performance.now();
      for (let n = 0; n < commits; n += perBatch) {
        const batch = benchBatch(n, perBatch, symbols);
        for (const w of batch) rows += 1 + w.layouts.size + w.deltas.length + w.events.length;
        await writeCommitBatch(store.db, repo, batch);
      }
      const secs = (performance.now() - t0) / 1000;
      console.log(`[store bench] ${backend.name}: ${rows} rows (${commits} commits, ${perBatch}/batch) in ${secs.toFixed(2)} s = ${Math.round(rows / secs)} rows/s`);
      expect(await maxTopo(store.db, repo)).toBe(commits - 1);
    });

    // An advisory lock is Postgres's; on PGlite the folder lock does this (test/index.test.ts).
    if (backend.name === 'postgres') it('refuses a second run on the same repository unless waiting', async () => {
      const other = await reopen();
      try {
        const held = await acquireRunLock(store, '/repos/locked/.git', { wait: false });
        const err = await acquireRunLock(other, '/repos/locked/.git', { wait: false }).catch((e) => e);
        expect(err).toBeInstanceOf(StoreInputError);
        expect(err.message).toBe('another abi-blame index run holds the lock for /repos/locked/.git');
        // Another repository in the same database is independent.
        await (await acquireRunLock(other, '/repos/elsewhere/.git', { wait: false })).release();
        // A waiting run gets it once the holder releases.
        let got = false;
        const waiting = acquireRunLock(other, '/repos/locked/.git', { wait: true }).then((l) => { got = true; return l; });
        await new Promise((r) => setTimeout(r, 300));
        expect(got).toBe(false);
        await held.release();
        await (await waiting).release();
        expect(got).toBe(true);
        await (await acquireRunLock(store, '/repos/locked/.git', { wait: false })).release();
      } finally {
        await other.close();
      }
    });
  });
}

describe.skipIf(!pgUp && SKIP_POSTGRES)('PGlite and Postgres', () => {
  it('hold identical content for the same writes', () => {
    expect(dumps.get('pglite')).toBeDefined();
    expect(dumps.get('postgres')).toBeDefined();
    expect(dumps.get('pglite')).toEqual(dumps.get('postgres'));
  });

  it('migrate concurrently on a fresh database', async () => {
    const url = await freshPostgresUrl();
    const stores = await Promise.all([openStore({ url }), openStore({ url }), openStore({ url })]);
    for (const s of stores) await s.close();
  });
});

describe('opening a database that cannot be used', () => {
  const oneLine = async (opts: Parameters<typeof openStore>[0]) => {
    const err = await openStore(opts).then(() => undefined, (e) => e);
    expect(err).toBeInstanceOf(StoreInputError);
    expect(err.message).not.toContain('\n');
    return err.message as string;
  };

  it('names the database and the reason in one line', async () => {
    expect(await oneLine({ url: 'postgres://127.0.0.1:1/x' })).toBe('database postgres://127.0.0.1:1/x: connection refused');
    expect(await oneLine({ url: 'mysql://127.0.0.1/x' })).toBe('database mysql://127.0.0.1/x: not a postgres:// URL');
    expect(await oneLine({ url: 'postgres://u:secret@127.0.0.1:1/x' })).not.toContain('secret');
    const file = join(mkdtempSync(join(tmpdir(), 'abi-blame-store-')), 'file');
    writeFileSync(file, '');
    expect(await oneLine({ pgliteDir: join(file, 'db') })).toBe(`database ${join(file, 'db')}: not a directory`);
  });

  it.skipIf(!pgUp && SKIP_POSTGRES)('reports a database that does not exist', async () => {
    const u = new URL(ADMIN_URL);
    u.pathname = '/abi_blame_no_such_database';
    expect(await oneLine({ url: u.toString() })).toMatch(/: database "abi_blame_no_such_database" does not exist$/);
  });

  it('times out on a server that never answers', async () => {
    const server = createServer(() => {}); // accepts, then stays silent
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    try {
      const t0 = Date.now();
      expect(await oneLine({ url: `postgres://127.0.0.1:${port}/x`, connectTimeoutMs: 300 }))
        .toBe(`database postgres://127.0.0.1:${port}/x: connection timed out`);
      expect(Date.now() - t0).toBeLessThan(5000);
    } finally {
      server.close();
    }
  });

  it('lets the process exit right after the error', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e',
      "import { openStore } from './src/store/db.ts'; await openStore({ url: 'postgres://127.0.0.1:1/x' }).catch((e) => console.log(e.message));"],
    { cwd: join(import.meta.dirname, '..'), encoding: 'utf8', timeout: 20_000 });
    expect(r.signal).toBeNull();
    expect(r.stdout.trim()).toBe('database postgres://127.0.0.1:1/x: connection refused');
  });
});

describe('PGlite shared buffers', () => {
  it('are the query commands\' size when asked, Postgres\'s default otherwise', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'abi-blame-buffers-'));
    for (const [mb, shown] of [[QUERY_BUFFERS_MB, `${QUERY_BUFFERS_MB}MB`], [undefined, '128MB']] as const) {
      const store = await openStore({ pgliteDir: dir, pgliteBuffersMb: mb });
      try {
        const { rows } = await sql<{ shared_buffers: string }>`show shared_buffers`.execute(store.db);
        expect(rows[0]!.shared_buffers).toBe(shown);
      } finally {
        await store.close();
      }
    }
  });
});

describe('PGlite folder lock', () => {
  const dir = () => join(mkdtempSync(join(tmpdir(), 'abi-blame-lock-')), 'pglite');
  const deadPid = () => spawnSync(process.execPath, ['-e', '']).pid!;

  it('is exclusive, and released', async () => {
    const d = dir();
    const lock = await acquirePgliteDirLock(d, { wait: false });
    expect(readFileSync(pgliteLockPath(d), 'utf8')).toBe(String(process.pid));
    await expect(acquirePgliteDirLock(d, { wait: false })).rejects.toBeInstanceOf(StoreInputError);
    await lock.release();
    expect(existsSync(pgliteLockPath(d))).toBe(false);
    await (await acquirePgliteDirLock(d, { wait: false })).release();
  });

  it('takes over a lock whose process is dead, or that names our own pid', async () => {
    for (const pid of [deadPid(), process.pid]) {
      const d = dir();
      writeFileSync(pgliteLockPath(d), String(pid));
      const lock = await acquirePgliteDirLock(d, { wait: false });
      expect(readFileSync(pgliteLockPath(d), 'utf8')).toBe(String(process.pid));
      await lock.release();
    }
  });

  it('refuses a live holder, or waits for it', async () => {
    const d = dir();
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'ignore' });
    try {
      writeFileSync(pgliteLockPath(d), String(holder.pid));
      const err = await acquirePgliteDirLock(d, { wait: false }).catch((e) => e);
      expect(err).toBeInstanceOf(StoreInputError);
      expect(err.message).toContain(`pid ${holder.pid}`);
      const waiting = acquirePgliteDirLock(d, { wait: true });
      setTimeout(() => holder.kill(), 300);
      await (await waiting).release();
    } finally {
      holder.kill();
    }
  });
});

describe('splitSql', () => {
  it('splits at top-level semicolons only', () => {
    expect(splitSql("select ';'; -- a; comment\nselect $f$ a; b $f$; /* c; */ select \"x;y\";\n-- trailing")).toEqual([
      "select ';'", "-- a; comment\nselect $f$ a; b $f$", '/* c; */ select "x;y"',
    ]);
  });
});
