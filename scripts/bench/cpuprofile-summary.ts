// Summary of `node --cpu-prof` profiles (one file per thread: the main thread and each worker):
// busy time (samples not idle), garbage collection, the functions with the most self time, and
// the inclusive time of functions named by regular expressions (matched against the name, and
// against 'name file:line' as the self-time list prints it).
//   npx tsx scripts/bench/cpuprofile-summary.ts DIR_OR_FILE... [--top 25] [--inclusive REGEX]...

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

interface ProfileNode { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }
interface Profile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { top: { type: 'string', default: '25' }, inclusive: { type: 'string', multiple: true, default: [] } },
});
const files = positionals.flatMap((p) => (statSync(p).isDirectory() ? readdirSync(p).filter((f) => f.endsWith('.cpuprofile')).sort().map((f) => join(p, f)) : [p]));
const seconds = (us: number): string => `${(us / 1e6).toFixed(2)} s`;
const where = (n: ProfileNode): string => `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.split('/').slice(-2).join('/')}:${n.callFrame.lineNumber + 1}`;

for (const file of files) {
  const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const perNode = new Map<number, number>();
  p.samples.forEach((id, i) => perNode.set(id, (perNode.get(id) ?? 0) + (p.timeDeltas[i] ?? 0)));
  let total = 0;
  let idle = 0;
  let gc = 0;
  const self = new Map<string, number>();
  for (const [id, t] of perNode) {
    const n = byId.get(id)!;
    total += t;
    if (n.callFrame.functionName === '(idle)') idle += t;
    if (n.callFrame.functionName === '(garbage collector)') gc += t;
    self.set(where(n), (self.get(where(n)) ?? 0) + t);
  }
  const pct = (t: number): string => `${((100 * t) / (total - idle || 1)).toFixed(1)}%`.padStart(6);
  console.log(`${file}\n  ${seconds(total)} profiled, busy ${seconds(total - idle)}, garbage collection ${seconds(gc)} (shares below: of busy time)`);
  for (const [k, t] of [...self].filter(([k]) => !k.startsWith('(idle)')).sort((a, b) => b[1] - a[1]).slice(0, Number(values.top))) console.log(`  ${pct(t)}  ${k}`);
  for (const re of values.inclusive) {
    const rx = new RegExp(re);
    let t = 0;
    for (const [id, d] of perNode) {
      for (let x: number | undefined = id; x !== undefined; x = parent.get(x)) {
        const node = byId.get(x)!;
        if (rx.test(node.callFrame.functionName) || rx.test(where(node))) {
          t += d;
          break;
        }
      }
    }
    console.log(`  ${pct(t)}  inclusive /${re}/`);
  }
}
