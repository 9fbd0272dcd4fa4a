// Compiler truth: run clang and read its two dumps.
//  - `-Xclang -fdump-record-layouts` gives sizes, alignments and member offsets;
//  - `-Xclang -ast-dump` tells which records a given file defines, so we know what to force.
import { spawn } from 'node:child_process';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { getAbi } from '../../src/layout/abi.js';
import { ABI_NAMES, type AbiName, type FieldLayout, type RecordLayout } from '../../src/layout/model.js';

/** clang target triple and kernel arch (the installed header tree) of each ABI: src/layout/abi.ts's. */
export const TARGETS = Object.fromEntries(
  ABI_NAMES.map((a) => [a, { triple: getAbi(a).triple, arch: getAbi(a).karch }]),
) as Record<AbiName, { triple: string; arch: string }>;

export const cacheDir = (): string => process.env.ABI_BLAME_CACHE ?? join(homedir(), '.cache', 'abi-blame');

export function parseAbis(list: string): AbiName[] {
  if (list === 'all') return [...ABI_NAMES];
  return list.split(',').map((a) => {
    if (!(ABI_NAMES as readonly string[]).includes(a)) throw new Error(`unknown ABI ${a}`);
    return a as AbiName;
  });
}

/**
 * FieldLayout minus `size`: clang's dump does not print member sizes. An unnamed bit-field
 * (`int :0;`) gets an empty last path segment: `` or `hw.`.
 */
export type TruthField = Omit<FieldLayout, 'size'>;

/** A RecordLayout as clang gives it. */
export type TruthRecord = Omit<RecordLayout, 'fields'> & { fields: TruthField[] };

/** One `*** Dumping AST Record Layout` block. `kind` is unknown for typedef'd untagged records. */
export interface DumpedRecord {
  /** The record's type as clang prints it: `struct kvm_run`, `fsid_t`, `union a::(anonymous at f.h:3:2)`. */
  title: string;
  kind?: 'struct' | 'union';
  name: string;
  size: number;
  align: number;
  fields: TruthField[];
}

// `    16 |   __u8[6] padding1`, bit-fields `  4:0-2 |   int a`, zero width `  4:- |   int `.
const MEMBER = /^\s*(\d+)(:(?:(\d+)-(\d+)|-))? \| ( *)(.*)$/;
const SIZE = /^\s*\| \[sizeof=(\d+), align=(\d+)/;

/** Parses clang's -fdump-record-layouts output (stdout; tolerant of anything between blocks). */
export function parseRecordLayouts(text: string): DumpedRecord[] {
  const out: DumpedRecord[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] !== '*** Dumping AST Record Layout') continue;
    const head = MEMBER.exec(lines[++i] ?? '');
    if (!head) continue;
    const title = head[6]!;
    const tag = /^(struct|union) (.*)$/.exec(title);
    const rec: DumpedRecord = {
      title,
      kind: tag ? (tag[1] as 'struct' | 'union') : undefined,
      name: tag ? tag[2]! : title,
      size: 0, align: 0, fields: [],
    };
    // prefix[d] = path of the member whose sub-members sit at depth d (anonymous members
    // pass their parent's prefix down, and are not listed themselves).
    const prefix: string[] = [''];
    for (i++; i < lines.length; i++) {
      const size = SIZE.exec(lines[i]!);
      if (size) { rec.size = Number(size[1]); rec.align = Number(size[2]); break; }
      const m = MEMBER.exec(lines[i]!);
      if (!m) throw new Error(`unexpected record layout line: ${JSON.stringify(lines[i])}`);
      const depth = m[5]!.length / 2;
      // clang prints `type + ' ' + name`; the name is empty for anonymous members and unnamed bit-fields.
      const text = m[6]!;
      const sp = text.lastIndexOf(' ');
      const type = text.slice(0, sp);
      const name = text.slice(sp + 1);
      const parent = prefix[depth - 1]!;
      const path = parent === '' ? name : `${parent}.${name}`;
      const isBitField = m[2] !== undefined;
      if (name === '' && !isBitField) {
        prefix[depth] = parent; // anonymous struct/union member
        continue;
      }
      prefix[depth] = path;
      const offset = Number(m[1]);
      const field: TruthField = { path, offset, type };
      if (isBitField) {
        // A zero-width bit-field prints no bit range (`4:-`): take it at the byte boundary.
        const begin = m[3] === undefined ? 0 : Number(m[3]);
        field.bitOffset = offset * 8 + begin;
        field.bitWidth = m[3] === undefined ? 0 : Number(m[4]) - begin + 1;
      }
      rec.fields.push(field);
    }
    out.push(rec);
  }
  return out;
}

/** A record defined by a file, found in clang's AST: what to force and how it will be titled. */
export interface DefinedRecord {
  kind: 'struct' | 'union';
  name: string;
  typedef?: true;
}

/** How to force the layout of a record, and the title clang's layout dump gives it. */
export const recordTypeName = (r: DefinedRecord): string =>
  r.typedef ? r.name : `${r.kind} ${r.name}`;

// Source locations in a text AST dump are relative to the previous one printed: `path:L:C`
// when the file changes, `line:L:C` when the line does, else `col:C`. So every node's source
// range and location are replayed, in order, to know the file of each declaration. Only the
// node's header is read: the rest of the line holds types and doc-comment text, which can
// contain anything (`(unnamed at f.h:1:2)`, apostrophes).
const NODE = /^([| `]*)[|`]-(\w+) (0x[0-9a-f]+)((?: (?:parent|prev) 0x[0-9a-f]+)* (<(?:[^<>]|<[^<>]*>)*>)(?: (\S+:\d+:\d+|line:\d+:\d+|col:\d+|<invalid sloc>))?)?(.*)$/;
const LOCATION = /(<[^<>]*>|[^\s<>,]+):\d+:\d+|\bcol:\d+/g;

/**
 * Records defined in `file` (a path as clang prints it): tagged records at any depth (C puts
 * nested tags at file scope) and untagged top-level ones named by a typedef (the first such
 * typedef, which is also the name clang prints for the record).
 */
export function findDefinedRecords(astDump: string, file: string): DefinedRecord[] {
  const found: DefinedRecord[] = [];
  const untagged = new Map<string, 'struct' | 'union'>(); // RecordDecl address -> kind
  let curFile = '';
  let typedef: { name: string; depth: number } | undefined;
  const kinds: string[] = []; // node kind at each depth of the current line's ancestry
  for (const raw of astDump.split('\n')) {
    const node = NODE.exec(raw);
    if (!node) continue;
    const depth = node[1]!.length / 2 + 1; // top-level declarations are at depth 1
    kinds[depth] = node[2]!;
    // Only declarations print a location after their range (comment text could look like one).
    const isDecl = node[2]!.endsWith('Decl');
    const rest = node[7]!; // what follows a declaration's location: `struct foo definition`
    for (const loc of `${node[5] ?? ''} ${isDecl ? node[6] ?? '' : ''}`.matchAll(LOCATION)) {
      if (loc[1] !== undefined && loc[1] !== 'line') curFile = loc[1];
    }
    const inFile = curFile === file;
    if (typedef && depth <= typedef.depth) typedef = undefined;
    switch (node[2]) {
      case 'RecordDecl': {
        const def = /^ (struct|union)(?: (\w+))? definition$/.exec(rest);
        // Tags nested in records are file-scope in C; those inside function bodies are not.
        const fileScope = kinds.slice(1, depth).every((k) => k === 'RecordDecl');
        if (!def || !inFile || !fileScope) break;
        const kind = def[1] as 'struct' | 'union';
        if (def[2]) found.push({ kind, name: def[2] });
        else if (depth === 1) untagged.set(node[3]!, kind);
        break;
      }
      case 'TypedefDecl': {
        const name = /^(?: (?:implicit|referenced|used))* (\w+) '/.exec(rest);
        if (depth === 1 && inFile && name) typedef = { name: name[1]!, depth };
        break;
      }
      case 'PointerType': case 'ArrayType': case 'ConstantArrayType': case 'IncompleteArrayType':
      case 'FunctionProtoType': case 'FunctionNoProtoType':
        typedef = undefined; // `typedef struct {..} *p;` does not name the record
        break;
      case 'Record': {
        const kind = untagged.get(node[3]!);
        if (typedef && kind) {
          found.push({ kind, name: typedef.name, typedef: true });
          untagged.delete(node[3]!);
        }
        typedef = undefined;
        break;
      }
    }
  }
  return found;
}

export interface ClangResult { stdout: string; stderr: string; code: number }

/** Runs clang on `source` (a C translation unit fed on stdin), never throwing on a compile error. */
export function runClang(args: string[], source: string): Promise<ClangResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('clang', [...args, '-x', 'c', '-']);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({ stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString(), code: code ?? -1 }));
    child.stdin.end(source);
  });
}

export const firstError = (stderr: string): string | undefined =>
  /^.*\berror: .*$/m.exec(stderr)?.[0];

/**
 * Lays out every record `file` defines: an -ast-dump pass finds them, a second pass forces
 * each with `sizeof` and dumps the layouts. `prelude` is the TU's text before the forcing
 * typedefs (e.g. `#include <linux/kvm.h>`); `root` is stripped from type strings.
 */
export async function layoutFileRecords(
  clangArgs: string[], prelude: string, file: string, header: string, root: string,
): Promise<{ records: TruthRecord[]; defined: DefinedRecord[]; error?: string }> {
  const base = [...clangArgs, '-fsyntax-only', '-w', '-fno-color-diagnostics', '-ferror-limit=0'];
  const ast = await runClang([...base, '-Xclang', '-ast-dump'], prelude);
  const defined = findDefinedRecords(ast.stdout, file);
  if (defined.length === 0) return { records: [], defined, error: firstError(ast.stderr) };
  const force = defined.map((r, i) => `typedef char __ab_${i}[sizeof(${recordTypeName(r)})];`);
  const run = await runClang([...base, '-Xclang', '-fdump-record-layouts'], `${prelude}\n${force.join('\n')}\n`);
  const dumped = new Map(parseRecordLayouts(run.stdout).map((d) => [d.title, d]));
  const records: TruthRecord[] = [];
  for (const r of defined) {
    const d = dumped.get(recordTypeName(r));
    if (!d) continue; // invalid record (e.g. a member of a libc type): clang has no layout
    records.push({
      kind: r.kind, name: r.name, header, ...(r.typedef ? { typedef: true as const } : {}),
      size: d.size, align: d.align,
      fields: d.fields.map((f) => ({ ...f, type: f.type.replaceAll(root, '') })),
    });
  }
  return { records, defined, error: firstError(ast.stderr) ?? firstError(run.stderr) };
}

/** Runs `fn` over `items` with at most `n` in flight, keeping the order of results. */
export async function mapPool<T, R>(items: T[], n: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
  return results;
}

/** JSON with one array element per line: diffable and still compact. */
export function jsonLines(value: unknown, indent = ''): string {
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((v) => `${indent}  ${JSON.stringify(v)}`).join(',\n')}\n${indent}]`;
  }
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).map(([k, v]) => `${indent}  ${JSON.stringify(k)}: ${jsonLines(v, `${indent}  `)}`);
    return `{\n${entries.join(',\n')}\n${indent}}`;
  }
  return JSON.stringify(value);
}
