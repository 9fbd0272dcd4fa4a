// `abi-blame diff REV_A REV_B [--format text|md|json|html|sarif] [--abi LIST] [--header PATH...]
//  [--allow FILE] [-o FILE]`: exit 1 when a breaking change is found, 0 otherwise, 2 on bad input
// (scripts/check-uapi.sh's convention). Indexed revisions are read from the database; others (or
// every revision, in a repository never indexed) are laid out from git on the fly.

import { writeFileSync } from 'node:fs';
import { FsTree } from '../git/file-tree.js';
import { detectRepoLayout } from '../indexer/repo-layout.js';
import type { AbiName } from '../layout/model.js';
import { Allowlist } from '../report/allowlist.js';
import { buildDiff, type DiffReport, type RevisionInfo } from '../report/diff.js';
import { diffHtml } from '../report/diff-html.js';
import { diffSarif } from '../report/diff-sarif.js';
import { diffMarkdown, diffText } from '../report/diff-text.js';
import { layoutRevision } from '../report/states.js';
import { stateAt, type TreeSymbols } from '../store/history.js';
import { EXIT_BREAK, fail } from './errors.js';
import { resolveLayoutSpec } from './layout-command.js';
import { withRepo, type QueryContext, type QueryOptions } from './query-context.js';
import { VERSION } from './version.js';

const FORMATS = ['text', 'md', 'json', 'html', 'sarif'] as const;
type Format = (typeof FORMATS)[number];

export interface DiffOptions extends QueryOptions {
  format: string;
  header?: string[];
  allow?: string;
  output?: string;
  layout?: string;
  json?: boolean;
}

export async function diffCommand(revA: string, revB: string, opts: DiffOptions): Promise<void> {
  const format = (opts.json ? 'json' : opts.format) as Format;
  if (!FORMATS.includes(format)) fail(`--format ${opts.format}: expected one of ${FORMATS.join(', ')}`);
  const allowlist = opts.allow ? Allowlist.read(opts.allow) : undefined;
  // Without an index: --layout, else what the tree at REV_B looks like.
  const unindexed = async (git: QueryContext['git']) => opts.layout
    ? resolveLayoutSpec(new FsTree(git.workTree ?? git.gitDir), opts.layout)
    : detectRepoLayout(git, await git.resolveCommit(revB));
  const rendered = await withRepo(opts, unindexed, async (ctx) => {
    const [from, fromState] = await revisionState(ctx, revA);
    const [to, toState] = await revisionState(ctx, revB);
    const report = buildDiff(from, to, ctx.abis, fromState, toState, { ...(opts.header ? { headers: opts.header } : {}), ...(allowlist ? { allowlist } : {}) });
    return { report, text: render(report, format, ctx) };
  });
  if (opts.output) writeFileSync(opts.output, rendered.text);
  else process.stdout.write(rendered.text);
  if (rendered.report.breaking) process.exitCode = EXIT_BREAK;
}

async function revisionState(ctx: QueryContext, rev: string): Promise<[RevisionInfo, Map<AbiName, TreeSymbols>]> {
  const { sha, indexed } = await ctx.indexedCommit(rev);
  if (ctx.index && indexed) {
    return [{ rev, sha, source: 'index', indexed }, await stateAt(ctx.index.db, ctx.index.repoKey, indexed, ctx.abis)];
  }
  return [{ rev, sha, source: 'tree' }, await layoutRevision(ctx.git, sha, ctx.spec, ctx.abis, ctx.pathspecs)];
}

function render(r: DiffReport, format: Format, ctx: QueryContext): string {
  switch (format) {
    case 'text': return diffText(r);
    case 'md': return diffMarkdown(r);
    case 'html': return diffHtml(r);
    case 'sarif': return diffSarif(r, ctx.spec, VERSION);
    case 'json': return `${JSON.stringify(jsonReport(r))}\n`;
  }
}

/** The report without the layouts either side (the html format's pictures need them; data consumers can `show` them). */
function jsonReport(r: DiffReport): unknown {
  return { ...r, headers: r.headers.map((h) => ({ ...h, symbols: h.symbols.map((s) => ({ ...s, abis: s.abis.map(({ before: _b, after: _a, ...rest }) => rest) })) })) };
}
