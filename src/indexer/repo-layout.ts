// Which layout a repository has and which of its paths hold headers: what the indexer walks, and
// what the query commands need without loading the indexer (or the layout engine) itself.

import type { LayoutSpec } from '../cpp/profile.js';
import type { GitRepo } from '../git/repo.js';
import { getAbi } from '../layout/abi.js';
import type { AbiName } from '../layout/model.js';

export class IndexInputError extends Error {}

/** The kernel preset when the tip has include/uapi, the installed one when it has include/linux. */
export async function detectRepoLayout(repo: GitRepo, tip: string | undefined): Promise<LayoutSpec> {
  if (tip && (await repo.treeFiles(tip, ['include/uapi/linux'])).size > 0) return { kind: 'kernel' };
  if (tip && (await repo.treeFiles(tip, ['include/linux', 'include/asm'])).size > 0) return { kind: 'installed' };
  throw new IndexInputError(`${repo.gitDir}: neither a kernel tree (include/uapi) nor installed headers (include/linux) at its tip; give --layout`);
}

/** The paths whose history matters: the header directories of the profile for these ABIs. */
export function headerPathspecs(spec: LayoutSpec, abis: AbiName[]): string[] {
  const karches = [...new Set(abis.map((a) => getAbi(a).karch))].sort();
  switch (spec.kind) {
    case 'kernel':
      // The Makefile gives linux/version.h; Kbuild files say which asm/ wrappers exist.
      return ['include/uapi', ...karches.map((k) => `arch/${k}/include/uapi`), 'Makefile'];
    case 'installed':
      return ['include'];
    case 'custom':
      return [...new Set([...spec.include, ...karches.flatMap((k) => spec.arch[k] ?? [])])].sort();
  }
}
