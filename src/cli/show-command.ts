// `abi-blame show SYMBOL [--at REV] [--abi LIST] [--json]`: a record as pahole prints it (or a
// macro's value), at any indexed commit.

import type { AbiName } from '../layout/model.js';
import { paholeText } from '../report/show.js';
import { parseSymbol } from '../report/symbol-query.js';
import { symbolAt } from '../store/queries.js';
import type { SymbolState } from '../store/rows.js';
import { fail } from './errors.js';
import { withIndex, type QueryOptions } from './query-context.js';

export interface ShowOptions extends QueryOptions {
  at?: string;
  json?: boolean;
}

export async function showCommand(symbol: string, opts: ShowOptions): Promise<void> {
  const q = parseSymbol(symbol);
  const at = opts.at ?? 'HEAD';
  await withIndex(opts, async (ctx) => {
    const { sha, indexed } = await ctx.indexedCommit(at);
    if (!indexed) fail(`${at} (${sha.slice(0, 12)}) is not indexed; run: abi-blame index`);
    // One ABI unless asked: x86_64 when indexed, else the first indexed one.
    const abis: AbiName[] = opts.abi ? ctx.abis : [ctx.abis.includes('x86_64') ? 'x86_64' : ctx.abis[0]!];
    const out: string[] = [];
    for (const abi of abis) {
      let kind: 'record' | 'macro' = 'record';
      let state: SymbolState | undefined = await symbolAt(ctx.index.db, ctx.index.repoKey, abi, 'record', q.header, q.name, indexed);
      if (!state && !q.keyword && !q.member) {
        kind = 'macro';
        state = await symbolAt(ctx.index.db, ctx.index.repoKey, abi, 'macro', q.header, q.name, indexed);
      }
      if (q.member && state?.layout && !state.layout.fields.some((f) => f.path === q.member)) {
        fail(`${q.name} has no member ${q.member} at ${at} on ${abi}`);
      }
      if (opts.json) {
        out.push(JSON.stringify({ symbol: q.text, at: sha, indexed, abi, kind, header: state?.header ?? null, since: state?.since ?? null,
          layout: state?.layout ?? null, value: state?.value ?? null, ioctl: state?.ioctl ?? null }));
        continue;
      }
      if (!state) {
        out.push(`/* ${q.text}: not present at ${at} on ${abi} */`, '');
        continue;
      }
      out.push(`/* ${state.header}, ${abi}, at ${at} (${indexed.slice(0, 12)}; last changed in ${state.since.slice(0, 12)}) */`);
      if (state.layout) out.push(paholeText(state.layout, q.member));
      else {
        const io = state.ioctl ? `  /* ioctl: dir ${state.ioctl.dir}, type ${state.ioctl.type}, nr ${state.ioctl.nr}, size ${state.ioctl.size} */` : '';
        out.push(`#define ${q.name} ${state.value}${io}`, '');
      }
    }
    process.stdout.write(`${out.join('\n')}${opts.json ? '\n' : ''}`);
  });
}
