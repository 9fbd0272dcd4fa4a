// Runs the engine for several ABIs on all cores: one worker thread per core, each taking the next
// ABI as it frees up and keeping its own token cache (tokens do not depend on the ABI).

import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { layoutTree, UnitCache, type LayoutRequest } from './engine.js';
import type { AbiLayout, AbiName } from './model.js';
import type { LayoutSpec } from '../cpp/profile.js';
import { FsTree } from '../git/file-tree.js';

export interface PoolRequest { root: string; spec: LayoutSpec; abis: AbiName[]; only?: string[]; workers?: number }
export interface WorkerJob { root: string; spec: LayoutSpec; abi: AbiName; only?: string[] }

const WORKER = fileURLToPath(new URL('./worker.js', import.meta.url));

/** Results in the order of `abis`, each delivered to `onResult` as soon as it is ready. */
export async function layoutAbis(req: PoolRequest, onResult: (r: AbiLayout, index: number) => void): Promise<void> {
  const n = Math.min(req.workers ?? availableParallelism(), req.abis.length);
  // Under a TypeScript runner there is no compiled worker: run in this thread instead.
  if (n <= 1 || !existsSync(WORKER)) {
    const cache = new UnitCache();
    const tree = new FsTree(req.root);
    req.abis.forEach((abi, i) => onResult(layoutTree({ tree, spec: req.spec, abi, only: req.only, cache } satisfies LayoutRequest), i));
    return;
  }
  let next = 0;
  const results = new Map<number, AbiLayout>();
  let emitted = 0;
  const emit = (): void => {
    while (results.has(emitted)) {
      onResult(results.get(emitted)!, emitted);
      results.delete(emitted);
      emitted++;
    }
  };
  await Promise.all(
    Array.from({ length: n }, () => new Promise<void>((resolve, reject) => {
      const w = new Worker(WORKER);
      const feed = (): void => {
        if (next >= req.abis.length) { void w.terminate(); resolve(); return; }
        const i = next++;
        w.once('message', (r: AbiLayout) => { results.set(i, r); emit(); feed(); });
        w.postMessage({ root: req.root, spec: req.spec, abi: req.abis[i]!, only: req.only } satisfies WorkerJob);
      };
      w.on('error', reject);
      feed();
    })),
  );
}
