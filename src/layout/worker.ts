// Worker thread body for pool.ts: lays out one ABI per message, reusing its token cache and the
// files it has read.

import { parentPort } from 'node:worker_threads';
import { layoutTree, UnitCache } from './engine.js';
import { FsTree } from '../git/file-tree.js';
import type { WorkerJob } from './pool.js';

const cache = new UnitCache(Infinity);
const trees = new Map<string, FsTree>();

parentPort!.on('message', (job: WorkerJob) => {
  let tree = trees.get(job.root);
  if (!tree) trees.set(job.root, (tree = new FsTree(job.root)));
  const r = layoutTree({ tree, spec: job.spec, abi: job.abi, only: job.only, cache });
  parentPort!.postMessage(job.json ? JSON.stringify(r) : r);
});
