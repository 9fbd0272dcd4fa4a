// Unit results on disk, across runs of the indexer. A nightly run starts where the last one ended
// and lays out the commits its side branches fork from, which the last run laid out and then let
// go; without this, each costs a from-scratch or far-from-anything layout (two thirds of a day's
// run). A unit's result is a function of its key (tree-state.ts unitKey) and of the engine's code,
// so the archive lives in a folder named by a hash of that code, and anything in it may be lost at
// any moment: it is a cache, never the record.
//
// A unit is stored as two parts, what laying out the next tree needs (closure, borrowed macro
// values) and what it found (records, macros), each kept once by content (its fingerprint of
// declarations, distinct per unit, goes in the index): an edit of a header many
// units include recomputes them all, mostly to the same results (813 commits of the synthetic
// history, 13 ABIs: 76,395 units, 6,148 distinct first parts, 4,201 distinct second ones, 150 MB
// written instead of 756).
//
// The folder: segments `seg-<run>-<worker>-<n>.<abi+abi...>.bin` (parts back to back, written by
// a worker laying out those ABIs), each with an index `.idx` written when the segment is complete
// (a segment without one, from a killed run, is dropped); `tip-<abi>.json`, the keys of the last
// state a run laid out for the ABI, where the next run starts. A worker reads the indexes of its
// own ABIs' segments only. The least recently used segments go when the folder passes its budget,
// those holding the tips last.

import { createHash } from 'node:crypto';
import { accessSync, closeSync, constants, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync, statSync, utimesSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deserialize, serialize } from 'node:v8';
import type { AbiName } from '../layout/model.js';
import { unitKey, type TreeState, type UnitStore } from '../layout/tree-state.js';
import type { UnitResult } from '../layout/unit.js';

/** The archive's budget (MiB) unless ABI_BLAME_UNIT_CACHE_MB says otherwise; 0 turns it off. */
const DEFAULT_BUDGET_MB = 1024;
const SEGMENT_BYTES = 32 << 20;
/**
 * Bytes of parts a worker keeps once read and checked. A day's run reads the same parts over and
 * over (its fork points share most units): 35,000 reads per worker, 130 MB, of 6,000 parts, 21 MB.
 */
const READ_CACHE_BYTES = 32 << 20;

export interface ArchiveConfig {
  /** The folder of this engine's archive (made by prepareUnitArchive). */
  dir: string;
  /** Bytes this worker may write in one run before dropping its own oldest segments. */
  runBudget: number;
  /**
   * Names the segments of one set of workers: a set that replaces another in the same run (its
   * workers filled their heaps) gets a config of its own from prepareUnitArchive.
   */
  run: string;
  /** Bytes per segment (default 32 MiB; tests make them small). */
  segmentBytes?: number;
}

type UnitHead = Pick<UnitResult, 'entry' | 'closure' | 'borrowed'>;
type UnitBody = Pick<UnitResult, 'records' | 'macros' | 'diagnostics'>;

/** A part in a segment file: [segment (its place in the index's `segments`), offset, length, content hash]. */
type PartRef = [number, number, number, string];
/**
 * An index line: a unit's key and ABI, where its two parts are (in this or an older segment), and
 * its `declarations` fingerprint if it has one (here, not in a part: it would make heads distinct).
 */
type IndexEntry = [AbiName, string, PartRef, PartRef, string?];
/** A segment's index: the segments its parts are in (each named once), and its lines. */
interface IndexFile { segments: string[]; entries: IndexEntry[] }
/** A tip: its state's inputs, its units' keys, and the segments holding their index lines and parts. */
interface TipFile { raw: boolean; contents: [string, string][]; units: [string, string][]; segments: string[] }

/**
 * Called once per run, before the workers start: picks the folder for this engine's code under
 * the first writable of `roots`, drops other engines' folders, incomplete segments and the least
 * recently used ones past half the budget (the run may write the other half). Undefined when
 * turned off or nowhere writable.
 */
export function prepareUnitArchive(roots: string | string[], workers: number): ArchiveConfig | undefined {
  const budget = (process.env.ABI_BLAME_UNIT_CACHE_MB === undefined ? DEFAULT_BUDGET_MB : Number(process.env.ABI_BLAME_UNIT_CACHE_MB)) * 2 ** 20;
  if (!(budget > 0)) return undefined;
  for (const root of typeof roots === 'string' ? [roots] : roots) {
    const config = prepareIn(root, budget, workers);
    if (config) return config;
  }
  return undefined;
}

function prepareIn(root: string, budget: number, workers: number): ArchiveConfig | undefined {
  try {
    const engine = engineFingerprint();
    const dir = join(root, engine);
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
    for (const other of readdirSync(root)) if (other !== engine) rmSync(join(root, other), { recursive: true, force: true });
    const names = new Set(readdirSync(dir));
    const tips = tipSegments(dir, names);
    const segments: { name: string; bytes: number; used: number }[] = [];
    for (const name of names) {
      if (!name.endsWith('.bin')) continue;
      if (!names.has(idxOf(name))) {
        rmSync(join(dir, name), { force: true });
        continue;
      }
      const st = statSync(join(dir, name));
      segments.push({ name, bytes: st.size, used: tips.has(name) ? Infinity : st.mtimeMs });
    }
    segments.sort((a, b) => b.used - a.used);
    let kept = 0;
    for (const s of segments) {
      kept += s.bytes;
      if (kept > budget / 2 && !tips.has(s.name)) for (const f of [s.name, idxOf(s.name)]) rmSync(join(dir, f), { force: true });
    }
    return { dir, runBudget: budget / 2 / Math.max(1, workers), run: `${Date.now().toString(36)}-${process.pid}-${++prepared}` };
  } catch {
    return undefined; // not writable here
  }
}

/** Configs made by this process: two in the same millisecond still name different segments. */
let prepared = 0;

const idxOf = (segment: string): string => segment.replace(/\.bin$/, '.idx');
const binOf = (idx: string): string => idx.replace(/\.idx$/, '.bin');
/** The ABIs whose units a segment (or its index) holds, from its name. */
const abisOf = (name: string): string[] => /\.([a-z0-9_+]+)\.(bin|idx)$/.exec(name)?.[1]!.split('+') ?? [];

function readIndex(dir: string, idx: string): IndexFile {
  try {
    return JSON.parse(readFileSync(join(dir, idx), 'utf8')) as IndexFile;
  } catch {
    return { segments: [], entries: [] }; // unreadable: its units are laid out again
  }
}

/** The segments holding the saved tips' units or their parts, as the tips list them. */
function tipSegments(dir: string, names: Set<string>): Set<string> {
  const out = new Set<string>();
  for (const name of names) {
    if (!/^tip-.*\.json$/.test(name)) continue;
    try {
      for (const segment of (JSON.parse(readFileSync(join(dir, name), 'utf8')) as TipFile).segments) out.add(segment);
    } catch {
      // a tip that does not read is no tip
    }
  }
  return out;
}

interface Segment { name: string; fd?: number; bytes: number; complete: boolean; ownRun: boolean; touched: boolean; entries: Written[] }
/** An index line as written: its parts by object, numbered when the index is written. */
type Written = [AbiName, string, Part, Part, string?];
interface Part { segment: Segment; offset: number; length: number; hash: string }
interface Location { segment: Segment; head: Part; body: Part; declarations: string | undefined }
interface WrittenPart { others: unknown[]; part: Part }

/** One worker's view of the archive: lookups in every complete segment, writes to its own. */
export class UnitArchive {
  private readonly where = new Map<string, Location>();
  /** Parts by content hash, to write each once. */
  private readonly parts = new Map<string, Part>();
  private readonly segments = new Map<string, Segment>();
  /** This worker's segments of this run, oldest first; the last one is being written. */
  private readonly written: Segment[] = [];
  private dropped = 0;
  private writtenBytes = 0;
  private broken = false;
  /** Parts by the objects they were serialized from: heads by closure, bodies by records. */
  private readonly headParts = new WeakMap<object, WrittenPart>();
  private readonly bodyParts = new WeakMap<object, WrittenPart>();
  /** The states the worker still lays out from: their units outlive the segments dropped. */
  private live: () => Iterable<TreeState> = () => [];
  /** Parts read and checked, by hash, least recently used first: heads decoded, bodies as bytes. */
  private readonly readCache = new Map<string, { head?: UnitHead; bytes: Buffer }>();
  private readCacheBytes = 0;

  constructor(private readonly config: ArchiveConfig, private readonly worker: number, private readonly abis: readonly AbiName[]) {
    const mine = new Set<string>(abis);
    const present = new Set(readdirSync(config.dir));
    const segment = (name: string): Segment | undefined => {
      if (!present.has(name)) return undefined;
      let s = this.segments.get(name);
      if (!s) this.segments.set(name, (s = { name, bytes: 0, complete: true, ownRun: false, touched: false, entries: [] }));
      return s;
    };
    const part = (ref: PartRef, segments: (Segment | undefined)[]): Part | undefined => {
      const known = this.parts.get(ref[3]);
      if (known) return known;
      const s = segments[ref[0]];
      if (!s) return undefined;
      const p: Part = { segment: s, offset: ref[1], length: ref[2], hash: ref[3] };
      this.parts.set(p.hash, p);
      return p;
    };
    for (const name of present) {
      // Another worker's ABIs' index: nothing in it is for this worker (its parts may be, through
      // its own indexes' references).
      if (!name.endsWith('.idx') || !present.has(binOf(name)) || !abisOf(name).some((a) => mine.has(a))) continue;
      const own = segment(binOf(name))!;
      const index = readIndex(config.dir, name);
      const segments = index.segments.map(segment);
      for (const e of index.entries) {
        if (!mine.has(e[0])) continue;
        const head = part(e[2], segments);
        const body = part(e[3], segments);
        if (head && body) this.where.set(e[1], { segment: own, head, body, declarations: e[4] });
      }
    }
  }

  /** Tells the archive which states to keep whole when it drops old segments. */
  keepAlive(live: () => Iterable<TreeState>): void {
    this.live = live;
  }

  /** The archive as one ABI's layouter sees it. */
  forAbi(abi: AbiName): UnitStore {
    return { find: (key) => this.find(key), add: (key, unit) => this.add(key, unit, abi) };
  }

  find(key: string): UnitResult | undefined {
    const at = this.where.get(key);
    if (!at) return undefined;
    try {
      this.touch(at.segment);
      const head = this.readHead(at.head);
      return lazyUnit(at.declarations ? { ...head, declarations: at.declarations } : head, this.read(at.body).bytes, (body) => {
        this.bodyParts.set(body.records, { others: [body.macros, body.diagnostics], part: at.body });
      });
    } catch {
      this.where.delete(key);
      return undefined;
    }
  }

  add(key: string, unit: UnitResult, abi: AbiName): void {
    if (this.broken || this.where.has(key)) return;
    try {
      // A recomputed unit mostly holds its predecessor's objects (tree-state.ts shareUnchanged):
      // then its parts are those already written, and serializing them again was 4 % of a worker.
      const { entry, closure, borrowed } = unit;
      const head = this.knownPart(this.headParts, closure, [entry, borrowed])
        ?? this.storeParts(this.headParts, closure, [entry, borrowed], { entry, closure, borrowed } satisfies UnitHead);
      const body = this.knownPart(this.bodyParts, unit.records, [unit.macros, unit.diagnostics])
        ?? this.storeParts(this.bodyParts, unit.records, [unit.macros, unit.diagnostics], { records: unit.records, macros: unit.macros, diagnostics: unit.diagnostics } satisfies UnitBody);
      const seg = this.current();
      const { declarations } = unit;
      this.where.set(key, { segment: seg, head, body, declarations });
      seg.entries.push(declarations ? [abi, key, head, body, declarations] : [abi, key, head, body]);
    } catch {
      this.broken = true; // disk full, folder gone: go on without writing
    }
  }

  /** Keeps `state` as the ABI's starting point for the next run. */
  saveTip(abi: AbiName, state: TreeState): void {
    if (this.broken) return;
    const units: [string, string][] = [];
    const segments = new Set<string>();
    for (const u of state.units.values()) {
      const key = unitKey(abi, state.raw, u.entry, u.closure, state.contents);
      this.add(key, u, abi);
      units.push([u.entry, key]);
      const at = this.where.get(key);
      if (at) segments.add(at.segment.name).add(at.head.segment.name).add(at.body.segment.name);
    }
    this.finishSegment();
    if (this.broken) return;
    const path = join(this.config.dir, `tip-${abi}.json`);
    writeFileSync(`${path}.tmp`, JSON.stringify({ raw: state.raw, contents: [...state.contents], units, segments: [...segments] } satisfies TipFile));
    renameSync(`${path}.tmp`, path);
  }

  /** The last state a run laid out for the ABI, if all of it is still here. */
  loadTip(abi: AbiName): TreeState | undefined {
    let tip: TipFile;
    try {
      tip = JSON.parse(readFileSync(join(this.config.dir, `tip-${abi}.json`), 'utf8')) as TipFile;
    } catch {
      return undefined;
    }
    const units = new Map<string, UnitResult>();
    for (const [entry, key] of tip.units) {
      const u = this.find(key);
      if (!u) return undefined;
      units.set(entry, u);
    }
    return { abi, raw: tip.raw, contents: new Map(tip.contents), units };
  }

  close(): void {
    this.finishSegment();
    for (const s of this.segments.values()) {
      if (s.fd !== undefined) closeSync(s.fd);
      s.fd = undefined;
    }
  }

  /** A head part decoded, once per run while it stays in the read cache (its units share the objects). */
  private readHead(p: Part): UnitHead {
    const cached = this.read(p);
    if (!cached.head) {
      cached.head = deserialize(cached.bytes) as UnitHead;
      this.headParts.set(cached.head.closure, { others: [cached.head.entry, cached.head.borrowed], part: p });
    }
    return cached.head;
  }

  /**
   * A part's bytes, checked against their hash: what is not what was written (a segment rewritten
   * or cut short behind the index's back) is a miss, never a unit laid out from other bytes.
   * Checked once per run: a part is the same bytes (its hash) wherever and whenever it is read.
   */
  private read(p: Part): { head?: UnitHead; bytes: Buffer } {
    const cached = this.readCache.get(p.hash);
    if (cached) {
      this.readCache.delete(p.hash);
      this.readCache.set(p.hash, cached);
      return cached;
    }
    this.touch(p.segment);
    const bytes = Buffer.allocUnsafe(p.length);
    if (readSync(p.segment.fd!, bytes, 0, p.length, p.offset) !== p.length) throw new Error('short read');
    if (createHash('sha1').update(bytes).digest('base64url') !== p.hash) throw new Error('part changed');
    const read = { bytes };
    this.readCache.set(p.hash, read);
    this.readCacheBytes += p.length;
    for (const [hash, old] of this.readCache) {
      if (this.readCacheBytes <= READ_CACHE_BYTES) break;
      this.readCache.delete(hash);
      this.readCacheBytes -= old.bytes.length;
    }
    return read;
  }

  /** Opens a segment for reading; one read from an earlier run's makes it recently used. */
  private touch(s: Segment): void {
    if (s.fd === undefined && !s.ownRun) s.fd = openSync(join(this.config.dir, s.name), 'r');
    if (!s.ownRun && !s.touched) {
      s.touched = true;
      utimesSync(join(this.config.dir, s.name), new Date(), new Date());
    }
  }

  /** The part written for these very objects (keyed by the first, checked against the others), if still here. */
  private knownPart(parts: WeakMap<object, WrittenPart>, key: object, others: unknown[]): Part | undefined {
    const w = parts.get(key);
    if (!w || !w.others.every((o, i) => o === others[i])) return undefined;
    return this.parts.get(w.part.hash) === w.part ? w.part : undefined;
  }

  private storeParts(parts: WeakMap<object, WrittenPart>, key: object, others: unknown[], value: UnitHead | UnitBody): Part {
    const part = this.store(serialize(value));
    parts.set(key, { others, part });
    return part;
  }

  /** A part, written unless the same bytes are already here. */
  private store(bytes: Buffer): Part {
    const hash = createHash('sha1').update(bytes).digest('base64url');
    const known = this.parts.get(hash);
    if (known) return known;
    const seg = this.current();
    writeSync(seg.fd!, bytes, 0, bytes.length, seg.bytes);
    const p: Part = { segment: seg, offset: seg.bytes, length: bytes.length, hash };
    seg.bytes += bytes.length;
    this.writtenBytes += bytes.length;
    this.parts.set(hash, p);
    return p;
  }

  /** The segment being written, a new one when there is none or it is full. */
  private current(): Segment {
    const last = this.written.at(-1);
    if (last && !last.complete && last.bytes < (this.config.segmentBytes ?? SEGMENT_BYTES)) return last;
    this.finishSegment();
    const name = `seg-${this.config.run}-${this.worker}-${this.written.length + this.dropped}.${this.abis.join('+')}.bin`;
    // 'wx': a segment of the same name is someone's complete one, never to be written over.
    const seg: Segment = { name, fd: openSync(join(this.config.dir, name), 'wx+'), bytes: 0, complete: false, ownRun: true, touched: true, entries: [] };
    this.segments.set(name, seg);
    this.written.push(seg);
    this.dropOldest();
    return seg;
  }

  /**
   * Past this run's share, this worker's own oldest segments go (a first run over a long history),
   * all but the units of the live states: with them, the archive holds the latest state whole and
   * everything laid out since its oldest segment, the commits a later run forks from.
   */
  private dropOldest(): void {
    while (this.writtenBytes > this.config.runBudget && this.written.length > 1) {
      const old = this.written.shift()!;
      this.dropped++;
      const gone = (at: Location): boolean => at.segment === old || at.head.segment === old || at.body.segment === old;
      const rescued: [string, UnitResult, AbiName][] = [];
      for (const state of this.live()) {
        for (const u of state.units.values()) {
          const key = unitKey(state.abi, state.raw, u.entry, u.closure, state.contents);
          const at = this.where.get(key);
          if (at && gone(at)) rescued.push([key, u, state.abi]);
        }
      }
      for (const [key, at] of this.where) if (gone(at)) this.where.delete(key);
      for (const [hash, p] of this.parts) if (p.segment === old) this.parts.delete(hash);
      if (old.fd !== undefined) closeSync(old.fd);
      old.fd = undefined;
      this.segments.delete(old.name);
      this.writtenBytes -= old.bytes;
      for (const f of [old.name, idxOf(old.name)]) rmSync(join(this.config.dir, f), { force: true });
      for (const [key, u, abi] of rescued) this.add(key, u, abi);
    }
  }

  /** Writes the index of the segment being written, which makes it visible to later runs. */
  private finishSegment(): void {
    const seg = this.written.at(-1);
    if (!seg || seg.complete || this.broken) return;
    seg.complete = true; // later adds go to a new segment
    if (seg.entries.length === 0 && seg.bytes === 0) return;
    try {
      const idx = join(this.config.dir, idxOf(seg.name));
      writeFileSync(`${idx}.tmp`, JSON.stringify(indexFile(seg.entries)));
      renameSync(`${idx}.tmp`, idx);
      // Of no more use. Kept, a long run's lines were a fifth of a worker's heap, and they kept
      // dropped segments, their parts and their lines alive too (Part.segment).
      seg.entries = [];
    } catch {
      this.broken = true;
    }
  }
}

/** The index of a segment's lines, each segment their parts are in named once. */
function indexFile(written: Written[]): IndexFile {
  const segments: string[] = [];
  const numbers = new Map<Segment, number>();
  const ref = (p: Part): PartRef => {
    let n = numbers.get(p.segment);
    if (n === undefined) numbers.set(p.segment, (n = segments.push(p.segment.name) - 1));
    return [n, p.offset, p.length, p.hash];
  };
  const entries = written.map(([abi, key, head, body, declarations]): IndexEntry => (declarations ? [abi, key, ref(head), ref(body), declarations] : [abi, key, ref(head), ref(body)]));
  return { segments, entries };
}

/**
 * A unit read back: its records and macros are decoded when first asked for. Most units of a state
 * are only carried from one commit to the next (their closures consulted, nothing else read).
 */
function lazyUnit(head: UnitHead & Pick<UnitResult, 'declarations'>, body: Buffer, opened: (body: UnitBody) => void): UnitResult {
  let decoded: UnitBody | undefined;
  const open = (): UnitBody => {
    if (!decoded) opened((decoded = deserialize(body) as UnitBody));
    return decoded;
  };
  return {
    ...head,
    get records() {
      return open().records;
    },
    get macros() {
      return open().macros;
    },
    get diagnostics() {
      return open().diagnostics;
    },
  };
}

/**
 * A hash of the engine's code (the preprocessor, the declaration parser, the layout rules) and of
 * this file (the archive's format): a unit result is only good for the code that made it.
 */
export function engineFingerprint(): string {
  const self = fileURLToPath(import.meta.url);
  const root = join(dirname(self), '..');
  const h = createHash('sha1').update(readFileSync(self));
  for (const stage of ['cpp', 'c', 'layout']) {
    for (const name of readdirSync(join(root, stage)).sort()) {
      if (!/\.(js|ts)$/.test(name) || name.endsWith('.d.ts')) continue;
      h.update(`${stage}/${name}\0`).update(readFileSync(join(root, stage, name))).update('\0');
    }
  }
  return h.digest('hex').slice(0, 16);
}
