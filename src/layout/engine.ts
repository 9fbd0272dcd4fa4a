// The layout engine: a header tree and an ABI -> every record layout and integer macro value.
// Each header is its own translation unit (`#include <HEADER>`), the way userspace meets it and
// the way the compiler truth is taken; its records and macros are the ones it defines itself.

import type { LayoutSpec } from '../cpp/profile.js';
import type { FileTree } from '../git/file-tree.js';
import type { AbiLayout, AbiName } from './model.js';
import { toAbiLayout, TreeLayouter } from './tree-state.js';
import { UnitCache } from './unit-cache.js';

export { UnitCache };

export interface LayoutRequest {
  tree: FileTree;
  spec: LayoutSpec;
  abi: AbiName;
  /** Only these headers (include paths) as translation units; default: every header. */
  only?: string[];
  cache?: UnitCache;
}

export function layoutTree(req: LayoutRequest): AbiLayout {
  const { state } = new TreeLayouter(req.abi, req.spec, req.cache, false).compute(req.tree, undefined, { only: req.only });
  return toAbiLayout(state);
}
