// Worker thread body for the indexer's pool: one CommitLayouter for this worker's ABIs, fed
// `provide` and `commit` messages in order; a reply per commit.

import { parentPort, workerData } from 'node:worker_threads';
import { CommitLayouter } from './commit-layouts.js';
import type { PoolMessage, WorkerInit } from './pool.js';

const init = workerData as WorkerInit;
const layouter = new CommitLayouter(init.spec, init.abis, init.archive, init.worker);
/**
 * Fault injection for test/worker-restart.test.ts: a worker that has laid out this many commits
 * fills its heap instead of answering, a real V8 out-of-memory at a known point of a run.
 */
const fillHeapAt = Number(process.env.ABI_BLAME_TEST_FILL_HEAP_AT) || 0;
let laidOut = 0;

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
    else {
      const result = layouter.commit(m.job);
      if (++laidOut === fillHeapAt) fillHeap();
      parentPort!.postMessage({ ok: true, result });
    }
  } catch (e) {
    parentPort!.postMessage({ ok: false, error: (e as Error).stack ?? String(e) });
  }
});

function fillHeap(): never {
  const hog: unknown[] = [];
  for (let i = 0; ; i++) hog.push({ i, text: `${i}` });
}
