// Worker thread body for the indexer's pool: one CommitLayouter for this worker's ABIs, fed
// `provide` and `commit` messages in order; a reply per commit.

import { parentPort, workerData } from 'node:worker_threads';
import { CommitLayouter } from './commit-layouts.js';
import type { PoolMessage, WorkerInit } from './pool.js';

const init = workerData as WorkerInit;
const layouter = new CommitLayouter(init.spec, init.abis, init.archive, init.worker);

parentPort!.on('message', (m: PoolMessage) => {
  try {
    if (m.type === 'close') {
      try {
        layouter.close();
      } finally {
        parentPort!.postMessage({ closed: true });
      }
    } else if (m.type === 'forget') layouter.forget(m.sha);
    else if (m.type === 'provide') layouter.provide(m.sha, m.files, m.base);
    else parentPort!.postMessage({ ok: true, result: layouter.commit(m.job) });
  } catch (e) {
    parentPort!.postMessage({ ok: false, error: (e as Error).stack ?? String(e) });
  }
});
