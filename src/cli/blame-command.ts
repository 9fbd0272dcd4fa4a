// `abi-blame SYMBOL` / `abi-blame blame SYMBOL [--repo DIR] [--db URL] [--abi LIST] [--json]`

import { blame } from '../report/blame.js';
import { blameText } from '../report/blame-text.js';
import { parseSymbol } from '../report/symbol-query.js';
import { withIndex, type QueryOptions } from './query-context.js';

export interface BlameOptions extends QueryOptions {
  json?: boolean;
}

export async function blameCommand(symbol: string, opts: BlameOptions): Promise<void> {
  const q = parseSymbol(symbol);
  const result = await withIndex(opts, (ctx) => blame(ctx.index.db, ctx.index.repoKey, ctx.abis, q));
  process.stdout.write(opts.json ? `${JSON.stringify(result)}\n` : blameText(result));
}
