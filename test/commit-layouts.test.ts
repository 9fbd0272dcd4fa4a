// Per-commit layouts and their attribution, on small histories built in memory (the layouts
// themselves are checked against clang elsewhere; this is about deltas and events).

import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CommitLayouter } from '../src/indexer/commit-layouts.js';
import type { FileChange } from '../src/indexer/commit-tree.js';

const file = (path: string, text: string): FileChange => ({ path, file: { text, id: createHash('sha1').update(text).digest('hex') } });
const spec = { kind: 'custom' as const, include: ['include'], arch: {} };

const TYPES = 'typedef unsigned int __u32;\ntypedef unsigned long long __u64;\n';
const OLD = `${TYPES}struct run { __u32 exit_reason; struct { __u32 type; __u64 flags; } system_event; };\n#define CAP_A 1\n`;
const NEW = `${TYPES}struct run { __u32 exit_reason; struct { __u32 type; __u32 ndata; union { __u64 flags; __u64 data[16]; }; } system_event; };\n#define CAP_A 1\n`;

describe('CommitLayouter', () => {
  it('records what a commit changed, per ABI: the ndata change moves flags on i386 only', () => {
    const l = new CommitLayouter(spec, ['x86_64', 'i386']);
    const root = l.commit({ sha: 'a', parents: [], changes: [file('include/run.h', OLD)] });
    // One row for what is the same on both ABIs (the macro), one per ABI for the record.
    expect(root.events.filter((e) => e.change === 'introduced').map((e) => `${e.abis} ${e.name}`).sort())
      .toEqual(['i386 run', 'x86_64 run', 'x86_64,i386 CAP_A']);
    expect(root.deltas).toHaveLength(3);

    const b = l.commit({ sha: 'b', parents: ['a'], changes: [file('include/run.h', NEW)] });
    const moved = b.events.filter((e) => e.change === 'moved').map((e) => `${e.abis} ${e.member}`);
    expect(moved).toContain('i386 system_event.flags');
    expect(moved.filter((m) => m.includes('x86_64') && m.endsWith('system_event.flags'))).toEqual([]);
    expect(b.events.filter((e) => e.change === 'added').map((e) => `${e.abis} ${e.member}`)).toContain('x86_64 system_event.ndata');
    // The macro did not change: no delta, no event for it.
    expect(b.deltas.map((d) => d.name)).toEqual(['run', 'run']);
    expect(b.layouts.size).toBe(2);
  });

  it('gives a merge no events for what its branches brought, but its own conflict resolution', () => {
    const l = new CommitLayouter(spec, ['x86_64']);
    l.commit({ sha: 'root', parents: [], changes: [file('include/a.h', '#define A 1\n'), file('include/b.h', '#define B 1\n')] });
    l.commit({ sha: 'main', parents: ['root'], changes: [file('include/a.h', '#define A 2\n')] });
    const side = l.commit({ sha: 'side', parents: ['root'], changes: [file('include/b.h', '#define B 2\n')] });
    expect(side.events.map((e) => `${e.name} ${e.change}`)).toEqual(['B value']);

    const merge = l.commit({ sha: 'merge', parents: ['main', 'side'], changes: [file('include/b.h', '#define B 2\n')] });
    expect(merge.deltas.map((d) => `${d.name}=${d.value}`)).toEqual(['B=2']);
    expect(merge.events).toEqual([]);

    const resolved = l.commit({ sha: 'resolved', parents: ['main', 'side'], changes: [file('include/b.h', '#define B 3\n')] });
    expect(resolved.events.map((e) => `${e.name} ${e.change} ${e.before}->${e.after}`)).toEqual(['B value 1->3']);
  });

  it('deletes a header: its symbols get removal deltas and deleted events', () => {
    const l = new CommitLayouter(spec, ['x86_64']);
    l.commit({ sha: 'a', parents: [], changes: [file('include/a.h', 'struct s { int x; };\n#define A 1\n')] });
    const b = l.commit({ sha: 'b', parents: ['a'], changes: [{ path: 'include/a.h', file: null }] });
    expect(b.deltas.map((d) => `${d.kind} ${d.name} ${d.layoutHash} ${d.value}`).sort()).toEqual(['macro A null null', 'record s null null']);
    expect(b.events.map((e) => `${e.name} ${e.change}`).sort()).toEqual(['A deleted', 's deleted']);
  });
});
