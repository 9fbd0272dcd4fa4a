// The layouts of one tree for one ABI, as the results of its translation units, computed from
// scratch or from the state of another tree (a parent commit) by redoing only the units whose
// closure holds a header that changed.
//
// Macro values: a macro's value comes from its own header's unit. Where it is no integer
// constant there because it names something that unit lacks ('retry': asm/kvm.h's
// `KVM_REG_S390 | ...` needs linux/kvm.h, which includes asm/kvm.h), the first later unit, in
// include-path order, that includes the header and gives it a value supplies it. A unit only
// asks about headers before it, whose own results it can see; both are in its closure, so the
// rule survives incremental updates.

import { createHash } from 'node:crypto';
import { buildHeaderMap, type HeaderMap, type LayoutSpec } from '../cpp/profile.js';
import { FALLBACK_HEADERS } from '../cpp/fallback-headers.js';
import type { HeaderUnit, IncludeResolver } from '../cpp/preprocess.js';
import type { FileTree } from '../git/file-tree.js';
import { getAbi } from './abi.js';
import { MacroMemo } from './macro-memo.js';
import { sameMacro, sameRecord, symbolKey, type AbiLayout, type AbiName, type Diagnostic, type MacroValue, type RecordLayout } from './model.js';
import { layoutUnit, type OwnMacro, type UnitResult } from './unit.js';
import { predefinedMacros, UnitCache } from './unit-cache.js';

export interface TreeState {
  abi: AbiName;
  /** Raw kernel sources, read through the headers_install view (part of what a unit depends on). */
  raw: boolean;
  /** Include path -> identity of its text (blob id, or the synthetic text): the units' inputs. */
  contents: Map<string, string>;
  /** Unit results in entry order. */
  units: Map<string, UnitResult>;
  /** Include path -> entries whose closure holds it; built when the state is first updated from. */
  dependents?: Map<string, Set<string>>;
  /** 'retry' macro -> the value the first later unit gives it; built when first needed. */
  borrowIndex?: Map<string, MacroValue>;
  /** The header map it was laid out with (trees that only edit headers share one). */
  map?: HeaderMap;
}

/**
 * What the caller knows of `tree` beyond `previous`: `changed`, the tree paths by which it differs
 * from the tree `previous` was laid out from (none of them a symbolic link, and the tree has none).
 * Then a commit costs what it changed, not the size of the tree.
 */
export interface ComputeOptions {
  only?: string[];
  changed?: readonly string[];
}

export interface TreeUpdate {
  state: TreeState;
  /** Entries whose unit was (re)computed, including new ones. */
  recomputed: Set<string>;
  /** Entries gone since the previous state. */
  removed: Set<string>;
}

/**
 * Unit results kept beyond the recent ones (on disk, across runs: indexer/unit-archive.ts), by
 * `unitKey`. Sound because a unit is a function of the ABI, the view and its closure's contents.
 */
export interface UnitStore {
  find(key: string): UnitResult | undefined;
  add(key: string, unit: UnitResult): void;
}

/** Lays out trees for one ABI and layout profile, sharing tokenized headers across trees. */
export class TreeLayouter {
  private readonly abi;
  private readonly headerMapKey: string;
  /** Results by closure contents, for trees laid out one after another (a history); else none. */
  private readonly results?: UnitResults;
  /** Macro values across the units of a history (most of a changed unit's macros value as before). */
  readonly macroMemo?: MacroMemo;

  /** `history`: trees come one after another (keep recent unit results); `store`: keep them there too. */
  constructor(abi: AbiName, private readonly spec: LayoutSpec, private readonly cache = new UnitCache(), history = true, store?: UnitStore) {
    this.abi = getAbi(abi);
    this.headerMapKey = `header map\0${this.abi.karch}\0${JSON.stringify(spec)}`;
    if (history) {
      this.results = new UnitResults(store);
      this.macroMemo = new MacroMemo();
    }
  }

  /** The state of `tree`; from `previous` (a related tree's state) when given. `only`: these entries. */
  compute(tree: FileTree, previous?: TreeState, { only, changed }: ComputeOptions = {}): TreeUpdate {
    const make = (): HeaderMap => buildHeaderMap(tree, this.spec, this.abi.karch);
    const map = tree.memo ? tree.memo(this.headerMapKey, make) : make();
    // A state read another way (raw sources vs an installed tree) shares no unit with this one.
    if (previous && previous.raw !== map.rawSource) previous = undefined;
    // The same header map and all entries: the same entries in the same order, and the contents
    // differ only where the tree changed.
    const sameEntries = !!previous && previous.map === map && !only && previous.units.size === map.headers.size;
    const contents = sameEntries && changed ? updatedContentIds(previous!.contents, tree, map, changed) : contentIds(tree, map);

    const dirty = new Set<string>();
    if (previous) {
      previous.dependents ??= buildDependents(previous.units);
      for (const path of changedKeys(previous.contents, contents, sameEntries && changed ? includePaths(map, changed) : undefined)) {
        for (const e of previous.dependents.get(path) ?? []) dirty.add(e);
      }
    }

    const resolver = treeResolver(tree, map, this.cache);
    // With the same entries only the dirty ones are visited, in entry order (a unit may read the
    // result of one before it); the copy keeps the order of the map.
    const units = sameEntries ? new Map(previous!.units) : new Map<string, UnitResult>();
    // A unit sees the results of the entries before it only (there the copy holds later ones too).
    const order = sameEntries ? entryOrder(map) : undefined;
    let current = 0;
    const ctx = {
      abi: this.abi,
      resolver,
      fallback: (path: string): HeaderUnit | undefined => {
        const text = FALLBACK_HEADERS[path];
        return text === undefined ? undefined : this.cache.get('builtin', path, () => text, false);
      },
      predefined: predefinedMacros(this.abi, map.rawSource, this.cache),
      retries: (header: string) => (!order || order.get(header)! < current ? retryNames(units.get(header)) : undefined),
      macroMemo: this.macroMemo,
    };
    const recomputed = new Set<string>();
    for (const entry of order ? [...dirty].sort((a, b) => order.get(a)! - order.get(b)!) : only ?? map.headers.keys()) {
      if (order) current = order.get(entry)!;
      const old = previous?.units.get(entry);
      if (old && !dirty.has(entry)) {
        units.set(entry, old);
        continue;
      }
      // The same closure with the same contents gives the same unit: a merge redoes what its
      // branch did, a revert what came before.
      const k = old && this.results && unitKey(this.abi.name, map.rawSource, entry, old.closure, contents);
      const seen = k ? this.results!.find(entry, k) : undefined;
      const u = seen ?? layoutUnit(entry, ctx, this.results && old);
      if (!seen && old) shareUnchanged(u, old);
      if (!seen) this.results?.add(u, k && u.closure === old!.closure ? k : unitKey(this.abi.name, map.rawSource, entry, u.closure, contents));
      units.set(entry, u);
      recomputed.add(entry);
    }
    const removed = new Set<string>();
    if (!sameEntries) for (const e of previous?.units.keys() ?? []) if (!units.has(e)) removed.add(e);

    // A one-shot layout never needs the index; an update from this state builds it then.
    const dependents = previous ? updateDependents(previous, units, recomputed, removed) : undefined;
    // Units that lend the same values leave the borrow index as it was (rebuilding it was 2 %).
    const lendSame = (e: string): boolean => sameList(previous!.units.get(e)?.borrowed ?? [], units.get(e)?.borrowed ?? [], sameMacro);
    const borrowIndex = sameEntries && previous!.borrowIndex && [...recomputed].every(lendSame) ? previous!.borrowIndex : undefined;
    return { state: { abi: this.abi.name, raw: map.rawSource, contents, units, dependents, map, borrowIndex }, recomputed, removed };
  }
}

/** A unit's 'retry' macros, per macro map (units that share their map share the set). */
const retrySets = new WeakMap<Map<string, OwnMacro>, ReadonlySet<string> | undefined>();

function retryNames(u: UnitResult | undefined): ReadonlySet<string> | undefined {
  if (!u) return undefined;
  if (retrySets.has(u.macros)) return retrySets.get(u.macros);
  const names = [...u.macros].filter(([, m]) => m === 'retry').map(([name]) => name);
  const set = names.length > 0 ? new Set(names) : undefined;
  retrySets.set(u.macros, set);
  return set;
}

/** Unit results by key: the last few per entry in memory, the rest in the store if there is one. */
class UnitResults {
  private readonly byEntry = new Map<string, { key: string; unit: UnitResult }[]>();
  private static readonly PER_ENTRY = 4;

  constructor(private readonly store?: UnitStore) {}

  find(entry: string, key: string): UnitResult | undefined {
    const recent = this.byEntry.get(entry)?.find((r) => r.key === key)?.unit;
    if (recent) return recent;
    const stored = this.store?.find(key);
    if (stored) this.remember(stored, key); // fork points near each other share most units
    return stored;
  }

  add(unit: UnitResult, key: string): void {
    this.remember(unit, key);
    this.store?.add(key, unit);
  }

  private remember(unit: UnitResult, key: string): void {
    let list = this.byEntry.get(unit.entry);
    if (!list) this.byEntry.set(unit.entry, (list = []));
    list.unshift({ key, unit });
    if (list.length > UnitResults.PER_ENTRY) list.pop();
  }
}

/**
 * What a unit's result is a function of: the ABI, whether the headers_install view applies, its
 * entry, and its closure's paths with the identity of each one's text ('-' where there is none).
 */
export function unitKey(abi: AbiName, raw: boolean, entry: string, closure: string[], contents: Map<string, string>): string {
  // One string, one update: an update per path was most of the cost (a fork point keys thousands).
  let text = `${abi}\0${raw ? 'raw' : 'installed'}\0${entry}\0`;
  for (const p of closure) text += `${p}=${contents.get(p) ?? '-'}\n`;
  return createHash('sha1').update(text).digest('hex');
}

/**
 * Where a recomputed unit found what its previous result had (most of it: an edit changes a
 * record or two of a header), it takes the previous objects: a history's states then share them
 * in memory, comparing them later is a pointer check, and the unit archive writes a part it has
 * written before without serializing it again.
 */
function shareUnchanged(u: UnitResult, old: UnitResult): void {
  if (sameClosure(u.closure, old.closure)) u.closure = old.closure;
  const oldRecords = new Map(old.records.map((r) => [r.name, r]));
  let records = u.records.length === old.records.length;
  for (let i = 0; i < u.records.length; i++) {
    const before = oldRecords.get(u.records[i]!.name);
    if (before && sameRecord(before, u.records[i])) u.records[i] = before;
    records &&= u.records[i] === old.records[i];
  }
  if (records) u.records = old.records;
  let macros = u.macros.size === old.macros.size;
  for (const [name, m] of u.macros) {
    const before = old.macros.get(name);
    if (typeof m === 'object' && typeof before === 'object' && sameMacro(before, m)) u.macros.set(name, before);
    macros &&= before === u.macros.get(name);
  }
  if (macros) u.macros = old.macros;
  if (sameList(u.borrowed, old.borrowed, sameMacro)) u.borrowed = old.borrowed;
  if (sameList(u.diagnostics, old.diagnostics, sameDiagnostic)) u.diagnostics = old.diagnostics;
}

function sameList<T>(a: readonly T[], b: readonly T[], same: (x: T, y: T) => boolean): boolean {
  return a === b || a.length === b.length && a.every((x, i) => same(x, b[i]!));
}

const sameDiagnostic = (a: Diagnostic, b: Diagnostic): boolean => a.header === b.header && a.line === b.line && a.message === b.message;

function sameClosure(a: string[], b: string[]): boolean {
  return sameList(a, b, (x, y) => x === y);
}

function contentIds(tree: FileTree, map: HeaderMap): Map<string, string> {
  const ids = new Map<string, string>();
  for (const [path, ref] of map.headers) {
    ids.set(path, 'synthetic' in ref ? `synthetic:${ref.synthetic}` : (tree.read(ref.treePath)?.id ?? 'unreadable'));
  }
  return ids;
}

/** `before` with the include paths of the `changed` tree paths read again from `tree`. */
function updatedContentIds(before: Map<string, string>, tree: FileTree, map: HeaderMap, changed: readonly string[]): Map<string, string> {
  const ids = new Map(before);
  for (const path of includePaths(map, changed)) {
    const ref = map.headers.get(path)!;
    if (!('synthetic' in ref)) ids.set(path, tree.read(ref.treePath)?.id ?? 'unreadable');
  }
  return ids;
}

/** Entry -> its place in the map's order, per header map. */
const entryOrders = new WeakMap<HeaderMap, Map<string, number>>();

function entryOrder(map: HeaderMap): Map<string, number> {
  let order = entryOrders.get(map);
  if (!order) entryOrders.set(map, (order = new Map([...map.headers.keys()].map((e, i) => [e, i]))));
  return order;
}

/** Tree path -> the include paths reading it, per header map. */
const byTreePath = new WeakMap<HeaderMap, Map<string, string[]>>();

function includePaths(map: HeaderMap, treePaths: readonly string[]): string[] {
  let index = byTreePath.get(map);
  if (!index) {
    byTreePath.set(map, (index = new Map()));
    for (const [path, ref] of map.headers) {
      if ('synthetic' in ref) continue;
      const list = index.get(ref.treePath);
      if (list) list.push(path);
      else index.set(ref.treePath, [path]);
    }
  }
  return treePaths.flatMap((p) => index.get(p) ?? []);
}

/** Keys whose values differ between `a` and `b`; only among `candidates` when they hold every such key. */
function changedKeys(a: Map<string, string>, b: Map<string, string>, candidates?: readonly string[]): string[] {
  const out: string[] = [];
  if (candidates) {
    for (const k of candidates) if (a.get(k) !== b.get(k)) out.push(k);
    return out;
  }
  for (const [k, v] of a) if (b.get(k) !== v) out.push(k);
  for (const k of b.keys()) if (!a.has(k)) out.push(k);
  return out;
}

function buildDependents(units: Map<string, UnitResult>): Map<string, Set<string>> {
  const deps = new Map<string, Set<string>>();
  for (const u of units.values()) {
    for (const p of u.closure) {
      let s = deps.get(p);
      if (!s) deps.set(p, (s = new Set()));
      s.add(u.entry);
    }
  }
  return deps;
}

/** The previous index with the changed units' closures swapped in; untouched sets are shared. */
function updateDependents(
  previous: TreeState, units: Map<string, UnitResult>, recomputed: Set<string>, removed: Set<string>,
): Map<string, Set<string>> {
  // Usually no unit's closure changes its paths: then nothing to copy.
  const moved = [...recomputed, ...removed].filter((e) => !sameClosure(previous.units.get(e)?.closure ?? [], units.get(e)?.closure ?? []));
  if (moved.length === 0) return previous.dependents!;
  const deps = new Map(previous.dependents!);
  const copied = new Set<string>();
  const edit = (path: string): Set<string> => {
    if (!copied.has(path)) {
      deps.set(path, new Set(deps.get(path)));
      copied.add(path);
    }
    return deps.get(path)!;
  };
  for (const e of moved) {
    const before = previous.units.get(e)?.closure ?? [];
    const after = units.get(e)?.closure ?? [];
    for (const p of before) edit(p).delete(e);
    for (const p of after) edit(p).add(e);
  }
  return deps;
}

function treeResolver(tree: FileTree, map: HeaderMap, cache: UnitCache): IncludeResolver {
  const resolved = new Map<string, HeaderUnit | undefined>();
  const lookup = (path: string): HeaderUnit | undefined => {
    const ref = map.headers.get(path);
    if (!ref) return undefined;
    // The text is the identity of a made-up header: linux/version.h changes with the Makefile.
    if ('synthetic' in ref) return cache.get(`synthetic:${ref.synthetic}`, path, () => ref.synthetic, false);
    const f = tree.read(ref.treePath);
    return f && cache.get(f.id, path, () => f.text, map.rawSource);
  };
  return {
    resolve(path) {
      if (!resolved.has(path)) resolved.set(path, lookup(path));
      return resolved.get(path);
    },
  };
}

// --- reading a state ---------------------------------------------------------------------------

const key = symbolKey;

function borrowIndex(state: TreeState): Map<string, MacroValue> {
  if (!state.borrowIndex) {
    const index = new Map<string, MacroValue>();
    for (const u of state.units.values()) {
      for (const v of u.borrowed) if (!index.has(key(v.header, v.name))) index.set(key(v.header, v.name), v);
    }
    state.borrowIndex = index;
  }
  return state.borrowIndex;
}

export function recordAt(state: TreeState, header: string, name: string): RecordLayout | undefined {
  return state.units.get(header)?.records.find((r) => r.name === name);
}

export function macroAt(state: TreeState, header: string, name: string): MacroValue | undefined {
  const m = state.units.get(header)?.macros.get(name);
  if (m === undefined || m === 'never') return undefined;
  return m === 'retry' ? borrowIndex(state).get(key(header, name)) : m;
}

/** The whole state in the `layout --json` shape. */
export function toAbiLayout(state: TreeState): AbiLayout {
  const records: RecordLayout[] = [];
  const macros: MacroValue[] = [];
  const diagnostics: Diagnostic[] = [];
  const seen = new Set<string>();
  for (const u of state.units.values()) {
    records.push(...u.records);
    for (const [name, m] of u.macros) {
      const v = typeof m === 'string' ? (m === 'retry' ? borrowIndex(state).get(key(u.entry, name)) : undefined) : m;
      if (v) macros.push(v);
    }
    for (const d of u.diagnostics) {
      // Diagnostics of headers included by many units are reported once.
      const k = `${d.header}\0${d.line}\0${d.message}`;
      if (!seen.has(k)) {
        seen.add(k);
        diagnostics.push(d);
      }
    }
  }
  return { abi: state.abi, records, macros, diagnostics };
}

/**
 * The symbols whose value may differ between two states related by `update`: those of the
 * recomputed and removed units, and 'retry' macros whose value a recomputed unit gave or gives.
 * A recomputed unit's record, macro or borrowed list that is the very object its previous result
 * had (shareUnchanged) is the same: an edit of a header many units include touches only what it
 * changed, not every symbol of those units.
 */
export function touchedSymbols(previous: TreeState | undefined, update: TreeUpdate): { records: [string, string][]; macros: [string, string][] } {
  const records = new Map<string, [string, string]>();
  const macros = new Map<string, [string, string]>();
  const add = (m: Map<string, [string, string]>, header: string, name: string): void => {
    m.set(key(header, name), [header, name]);
  };
  const addRecords = (list: readonly RecordLayout[], other: readonly RecordLayout[] | undefined): void => {
    if (list === other) return;
    const shared = other && new Set(other);
    for (const r of list) if (!shared?.has(r)) add(records, r.header, r.name);
  };
  const addMacros = (u: UnitResult, other: UnitResult | undefined): void => {
    if (u.macros !== other?.macros) {
      for (const [name, m] of u.macros) if (other?.macros.get(name) !== m) add(macros, u.entry, name);
    }
    if (u.borrowed !== other?.borrowed) for (const v of u.borrowed) add(macros, v.header, v.name);
  };
  for (const e of [...update.recomputed, ...update.removed]) {
    const before = previous?.units.get(e);
    const after = update.state.units.get(e);
    for (const [u, other] of [[before, after], [after, before]] as const) {
      if (!u) continue;
      addRecords(u.records, other?.records);
      addMacros(u, other);
    }
  }
  return { records: [...records.values()], macros: [...macros.values()] };
}
