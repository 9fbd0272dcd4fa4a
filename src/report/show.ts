// `abi-blame show`: a record as pahole prints it, from the flat field list of the layout contract.
// Members of anonymous structs/unions are nested under them again (by their paths, and the type
// name the engine gives them, `struct (anonymous)`); named record members are one line, as pahole
// prints them without --expand_types. Offsets are from the start of the top-level
// record, at every depth, which is what an ABI question needs.
//
//   struct kvm_run {
//           __u8                       request_interrupt_window; /*     0     1 */
//           ...
//           /* XXX 4 bytes hole, try to pack */
//           ...
//           /* size: 2352, cachelines: 37, members: 12 */
//           /* sum members: 2348, holes: 1, sum holes: 4 */
//   };

import type { FieldLayout, RecordLayout } from '../layout/model.js';

interface Node { field: FieldLayout; name: string; children: Node[] }

/** pahole-style text for the whole record, or for one member path below it. */
export function paholeText(r: RecordLayout, member = ''): string {
  const top = tree(r.fields);
  if (!member) {
    const body = level(top, r.size * 8, 0, 1);
    return [`${r.kind} ${r.name} {`, ...body.lines, '', ...summary(r.size, top.length, body), '};', ''].join('\n');
  }
  const node = find(top, member.split('.'));
  if (!node) throw new Error(`internal: ${member} not in ${r.name}`);
  const f = node.field;
  const anonymous = /^(struct|union) \(anonymous\)$/.exec(f.type);
  const body = level(node.children, (f.offset + f.size) * 8, f.offset * 8, 1);
  return [`/* ${r.kind} ${r.name}: ${member} at offset ${f.offset} */`, `${anonymous ? anonymous[1] : f.type} {`, ...body.lines, '',
    ...summary(f.size, node.children.length, body), `} ${member};`, ''].join('\n');
}

function tree(fields: FieldLayout[]): Node[] {
  const byPath = new Map<string, Node>();
  const top: Node[] = [];
  for (const field of fields) {
    const dot = field.path.lastIndexOf('.');
    const node: Node = { field, name: field.path.slice(dot + 1), children: [] };
    byPath.set(field.path, node);
    const parent = dot < 0 ? undefined : byPath.get(field.path.slice(0, dot));
    (parent ? parent.children : top).push(node);
  }
  return top;
}

function find(nodes: Node[], path: string[]): Node | undefined {
  const n = nodes.find((x) => x.name === path[0]);
  return path.length === 1 || !n ? n : find(n.children, path.slice(1));
}

interface Level { lines: string[]; holes: number; holeBits: number; padding: number }

/** The members of one level, `[startBits, endBits)` being the enclosing record's extent. */
function level(nodes: Node[], endBits: number, startBits: number, depth: number): Level {
  const indent = '\t'.repeat(depth);
  const out: Level = { lines: [], holes: 0, holeBits: 0, padding: 0 };
  let reached = startBits;
  for (const n of nodes) {
    const f = n.field;
    const from = f.bitOffset ?? f.offset * 8;
    const to = from + (f.bitWidth ?? f.size * 8);
    // Members of a flattened anonymous union overlap: only a gap past everything so far is a hole.
    if (from > reached) {
      const gap = from - reached;
      out.holes++;
      out.holeBits += gap;
      out.lines.push(`${indent}/* XXX ${gap % 8 === 0 ? `${gap / 8} byte${gap === 8 ? '' : 's'}` : `${gap} bit${gap === 1 ? '' : 's'}`} hole, try to pack */`);
    }
    reached = Math.max(reached, to);
    const anonymous = /^(struct|union) \(anonymous\)$/.exec(f.type);
    if (anonymous && n.children.length > 0) {
      const inner = level(n.children, to, from, depth + 1);
      out.lines.push(`${indent}${anonymous[1]} {`, ...inner.lines);
      if (inner.padding > 0) out.lines.push(`${indent}\t/* XXX ${inner.padding} bytes padding */`);
      out.lines.push(member(indent, '}', n.name, f));
      continue;
    }
    out.lines.push(member(indent, f.type, n.name, f));
  }
  out.padding = Math.max(0, Math.floor((endBits - reached) / 8));
  return out;
}

function member(indent: string, type: string, name: string, f: FieldLayout): string {
  const dims = /(\[\d*\])+$/.exec(type)?.[0] ?? '';
  const base = dims ? type.slice(0, -dims.length) : type;
  // Columns as pahole aligns them, a tab counting 8.
  const tabs = indent.length;
  const decl = `${base.padEnd(Math.max(1, 35 - tabs * 8))} ${name}${dims}${f.bitWidth !== undefined ? `:${f.bitWidth}` : ''};`;
  const where = f.bitOffset !== undefined ? `${f.offset}:${f.bitOffset % 8}` : `${f.offset}`;
  return `${indent}${decl.padEnd(Math.max(decl.length + 1, 56 - tabs * 8))}/* ${where.padStart(5)} ${String(f.size).padStart(5)} */`;
}

function summary(size: number, members: number, l: Level): string[] {
  const out = [`\t/* size: ${size}, cachelines: ${Math.ceil(size / 64)}, members: ${members} */`];
  if (l.holes > 0) out.push(`\t/* sum members: ${size - Math.ceil(l.holeBits / 8) - l.padding}, holes: ${l.holes}, sum holes: ${l.holeBits / 8} */`);
  if (l.padding > 0) out.push(`\t/* padding: ${l.padding} */`);
  return out;
}
