// How the size of one INSERT weighs on embedded PGlite: its WASM memory (which grows to hold the
// largest statement and never shrinks) and the time, for rows like the indexer's, sent N per
// statement in one transaction by the indexer's own insertChunked. The reason for MAX_PARAMS_PER_STATEMENT and
// MAX_BYTES_PER_STATEMENT in src/store/write.ts.
//   npx tsx scripts/bench/statement-size.ts --table layouts|events --per N [--rows 60000]
// layouts: 2 columns, a 2 KB JSON body each; events: change_events' 10 columns, small values.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PGliteDialect } from 'kysely';
import { migrate } from '../../src/store/migrations.js';
import { insertChunked } from '../../src/store/write.js';

const { values } = parseArgs({ options: {
  table: { type: 'string', default: 'layouts' }, per: { type: 'string', default: '1000' }, rows: { type: 'string', default: '60000' },
} });
const per = Number(values.per);
const total = Number(values.rows);

const body = JSON.stringify({ fields: Array.from({ length: 30 }, (_, i) => ({ path: `member_${i}`, offset: i * 8, size: 8, type: 'unsigned long long' })) });
const rows: Record<string, unknown>[] = values.table === 'layouts'
  ? Array.from({ length: total }, (_, i) => ({ hash: `h${i}`, body: body.replace('member_0', `m${i}`) }))
  : Array.from({ length: total }, (_, i) => ({
    repo: '/tmp/x/repo.git', commit: 'c'.repeat(40), abis: ['x86_64', 'aarch64', 'riscv64'], kind: 'record', header: 'linux/kvm.h',
    name: `kvm_struct_${i % 500}`, member: `field_${i}`, change: 'added', before: null, after: JSON.stringify({ offset: i, size: 8 }),
  }));
const table = values.table === 'layouts' ? 'layouts' : 'change_events';

// PGlite opened as src/store/db.ts opens it (default shared buffers), kept at hand for its memory.
const dir = mkdtempSync(join(tmpdir(), 'abi-blame-statement-size-'));
const pglite = await PGlite.create(join(dir, 'db'));
const db = new Kysely<Record<string, Record<string, unknown>>>({ dialect: new PGliteDialect({ pglite }) });
await migrate(db as never);
/** The Emscripten module's heap: all of PGlite's WASM memory. */
const wasmMiB = (): number => Math.round((pglite as unknown as { mod: { HEAPU8: Uint8Array } }).mod.HEAPU8.length / 2 ** 20);

const before = wasmMiB();
const started = performance.now();
const columns = Object.keys(rows[0]!).length;
await db.transaction().execute((trx) => insertChunked(trx as never, table, rows, 'fail', { params: per * columns, bytes: Infinity }));
const ms = performance.now() - started;
console.log(`${table}: ${total} rows, ${per} per statement (${per * columns} parameters): ${Math.round(ms)} ms, PGlite WASM memory ${before} -> ${wasmMiB()} MiB`);
await db.destroy();
rmSync(dir, { recursive: true, force: true });
