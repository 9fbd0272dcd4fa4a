// A revision's header state for `diff`, per ABI: read from the index when the revision's header
// state was indexed, else laid out from git by the engine, exactly as the indexer would.

import type { LayoutSpec } from '../cpp/profile.js';
import { openBlobReader } from '../git/blobs.js';
import type { GitRepo } from '../git/repo.js';
import { CommitTree, withTexts } from '../indexer/commit-tree.js';
import { symbolKey, type AbiName } from '../layout/model.js';
import { toAbiLayout, TreeLayouter } from '../layout/tree-state.js';
import { UnitCache } from '../layout/unit-cache.js';
import type { TreeSymbols } from '../store/history.js';

export async function layoutRevision(git: GitRepo, sha: string, spec: LayoutSpec, abis: AbiName[], pathspecs: string[]): Promise<Map<AbiName, TreeSymbols>> {
  const blobs = await openBlobReader(git.gitDir, 'cat-file');
  try {
    const tree = CommitTree.empty().apply(await withTexts(blobs, await git.changedPaths(sha, undefined, pathspecs)));
    // One cache for all ABIs: a header's tokens are the same whatever the ABI.
    const cache = new UnitCache(Infinity);
    const out = new Map<AbiName, TreeSymbols>();
    for (const abi of abis) {
      const layout = toAbiLayout(new TreeLayouter(abi, spec, cache, false).compute(tree).state);
      out.set(abi, {
        records: new Map(layout.records.map((r) => [symbolKey(r.header, r.name), r])),
        macros: new Map(layout.macros.map((m) => [symbolKey(m.header, m.name), m])),
      });
    }
    return out;
  } finally {
    await blobs.close();
  }
}
