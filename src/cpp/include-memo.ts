// The include memo: what `#include <F>` did to a translation unit (F and everything it included),
// kept on F's tokenized header and replayed in the next unit that includes F in the same
// circumstances. Every header of a tree is its own unit, and nearly all of them begin with the
// same few includes (linux/types.h and what it pulls in), so most includes are replays.
//
// "The same circumstances" is checked, not assumed: while F is preprocessed the first time, every
// macro lookup of a name F had not defined itself yet is recorded with what it found (object
// identity: a #define line parses to one shared Macro), and so is every include path resolved and
// every `#pragma once` consulted. A replay happens only where each of those answers is the same
// again; then the output tokens, the macro definitions and #undefs in their order, the include
// paths (the unit's closure), the `#pragma once` files and the diagnostics are what preprocessing
// F would give, because nothing else reaches F's preprocessing.

import type { Macro } from './macro.js';
import type { Diagnostic, Token } from './tokenize.js';
import type { HeaderUnit } from './preprocess.js';

export interface IncludeEffect {
  /** Macro names looked up before F defined or undefined them, with what they were. */
  reads: Map<string, Macro | undefined>;
  /** Include paths resolved, in order, with whether fallbacks were allowed and what was found. */
  resolves: { path: string; fallback: boolean; unit: HeaderUnit | undefined }[];
  /** `#pragma once` files asked about before F marked them, and whether they were marked. */
  onceReads: Map<string, boolean>;
  /** #define (a macro) and #undef (null), in order. */
  writes: [string, Macro | null][];
  onceAdds: string[];
  tokens: Token[];
  diagnostics: Diagnostic[];
  /** The fingerprint of `tokens`, computed by the first unit that asks (layout/macro-memo.ts). */
  fingerprint?: string;
}

/** Variants kept per header: one per distinct set of circumstances it was included in. */
const VARIANTS = 4;

/** F being preprocessed for the first time in these circumstances: what it reads and does. */
export class IncludeRecording {
  readonly reads = new Map<string, Macro | undefined>();
  readonly resolves: IncludeEffect['resolves'] = [];
  readonly onceReads = new Map<string, boolean>();
  readonly writes: [string, Macro | null][] = [];
  readonly onceAdds: string[] = [];
  private readonly written = new Set<string>();
  /** False when F's preprocessing depended on more than is recorded (the include depth limit). */
  valid = true;

  constructor(
    readonly unit: HeaderUnit,
    /** The frame depth F's own frame sits at. */
    readonly depth: number,
    /** Where F's output starts in the unit's. */
    readonly outStart: number,
    private readonly diagStart: number,
  ) {}

  read(name: string, m: Macro | undefined): void {
    if (!this.written.has(name) && !this.reads.has(name)) this.reads.set(name, m);
  }
  write(name: string, m: Macro | null): void {
    this.written.add(name);
    this.writes.push([name, m]);
  }
  readOnce(file: string, marked: boolean): void {
    if (!this.onceAdds.includes(file) && !this.onceReads.has(file)) this.onceReads.set(file, marked);
  }

  /** Keeps the effect on F's header, newest variant first, and returns it. */
  finish(out: readonly Token[], diagnostics: readonly Diagnostic[]): IncludeEffect | undefined {
    if (!this.valid) return undefined;
    const effect: IncludeEffect = {
      reads: this.reads, resolves: this.resolves, onceReads: this.onceReads, writes: this.writes, onceAdds: this.onceAdds,
      tokens: out.slice(this.outStart), diagnostics: diagnostics.slice(this.diagStart),
    };
    const memo = (this.unit.memo ??= []);
    memo.unshift(effect);
    if (memo.length > VARIANTS) memo.length = VARIANTS;
    return effect;
  }
}

/** What a replay checks the circumstances against. */
export interface IncludeCircumstances {
  macro(name: string): Macro | undefined;
  resolve(path: string, fallback: boolean): HeaderUnit | undefined;
  onceMarked(file: string): boolean;
}

/** A kept effect of including `unit` that holds in these circumstances. */
export function findEffect(unit: HeaderUnit, now: IncludeCircumstances): IncludeEffect | undefined {
  if (!unit.memo) return undefined;
  next: for (const e of unit.memo) {
    for (const [name, m] of e.reads) if (now.macro(name) !== m) continue next;
    for (const [file, marked] of e.onceReads) if (now.onceMarked(file) !== marked) continue next;
    for (const r of e.resolves) if (now.resolve(r.path, r.fallback) !== r.unit) continue next;
    return e;
  }
  return undefined;
}
