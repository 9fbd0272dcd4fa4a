// Runs the engine for several ABIs on all cores: one worker thread per core, each taking the next
// ABI as it frees up and keeping its own token cache (tokens do not depend on the ABI). Results
// come back in the order asked for, each as soon as it and those before it are done.

import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { layoutTree, UnitCache } from './engine.js';
import type { AbiLayout, AbiName } from './model.js';
import type { LayoutSpec } from '../cpp/profile.js';
import { FsTree } from '../git/file-tree.js';

export interface PoolRequest { root: string; spec: LayoutSpec; abis: AbiName[]; only?: string[]; workers?: number }

/** A job for a worker; `json` asks for the result already serialized (the CLI's --json). */
export interface WorkerJob { root: string; spec: LayoutSpec; abi: AbiName; only?: string[]; json: boolean }

const WORKER = fileURLToPath(new URL('./worker.js', import.meta.url));

export function layoutAbis(req: PoolRequest, onResult: (r: AbiLayout) => void): Promise<void> {
  return run(req, false, (r) => onResult(r as AbiLayout));
}

/** Each ABI's layout as one line of JSON, serialized in the worker that computed it. */
export function layoutAbisJson(req: PoolRequest, onLine: (line: string) => void): Promise<void> {
  return run(req, true, (r) => onLine(r as string));
}

async function run(req: PoolRequest, json: boolean, deliver: (r: AbiLayout | string) => void): Promise<void> {
  const n = Math.min(req.workers ?? availableParallelism(), req.abis.length);
  // Under a TypeScript runner (tests) there is no compiled worker: run in this thread instead.
  if (n <= 1 || !existsSync(WORKER)) {
    const cache = new UnitCache(Infinity);
    const tree = new FsTree(req.root);
    for (const abi of req.abis) {
      const r = layoutTree({ tree, spec: req.spec, abi, only: req.only, cache });
      deliver(json ? JSON.stringify(r) : r);
    }
    return;
  }
  let next = 0;
  let emitted = 0;
  const results = new Map<number, AbiLayout | string>();
  const emit = (): void => {
    for (; results.has(emitted); emitted++) {
      deliver(results.get(emitted)!);
      results.delete(emitted);
    }
  };
  await Promise.all(
    Array.from({ length: n }, () => new Promise<void>((resolve, reject) => {
      const w = new Worker(WORKER);
      const feed = (): void => {
        if (next >= req.abis.length) { void w.terminate(); resolve(); return; }
        const i = next++;
        w.once('message', (r: AbiLayout | string) => { results.set(i, r); emit(); feed(); });
        w.postMessage({ root: req.root, spec: req.spec, abi: req.abis[i]!, only: req.only, json } satisfies WorkerJob);
      };
      w.on('error', reject);
      feed();
    })),
  );
}
