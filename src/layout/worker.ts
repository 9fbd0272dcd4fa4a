// Worker thread body for pool.ts: lays out one ABI per message, reusing its token cache.

import { parentPort } from 'node:worker_threads';
import { layoutTree, UnitCache } from './engine.js';
import { FsTree } from '../git/file-tree.js';
import type { WorkerJob } from './pool.js';

const cache = new UnitCache();
parentPort!.on('message', (job: WorkerJob) => {
  parentPort!.postMessage(layoutTree({ tree: new FsTree(job.root), spec: job.spec, abi: job.abi, only: job.only, cache }));
});
