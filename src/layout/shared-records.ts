// Records shared by value. A history's layout worker holds the records of every ABI it lays out,
// at every commit whose state it keeps, and most of them are the same across those ABIs: fields
// at the same offsets with the same sizes and types. Made anew for each ABI, fields were 378 k
// objects of one worker's 435 MiB after 8,000 commits; shared, 141 k. Per ABI, tree-state.ts's
// shareUnchanged still gives a recomputed unit its predecessor's objects (and arrays), whatever
// made them (units read from the archive too); this table is what spans ABIs. Shared records are
// never modified: a layout result is read-only once made.

import { intern } from '../cpp/tokenize.js';
import { sameRecord, type RecordLayout } from './model.js';

/** Header -> record name -> the last few distinct records kept (other ABIs, other versions). */
const kept = new Map<string, Map<string, RecordLayout[]>>();
let keptNames = 0;
/** Past this many names the table starts over (the states keep the records they hold). */
const MAX_NAMES = 1 << 16;
const VARIANTS = 16;

/** A record equal to `r` made before, or `r`, kept for later. */
export function sharedRecord(r: RecordLayout): RecordLayout {
  if (keptNames >= MAX_NAMES) {
    kept.clear();
    keptNames = 0;
  }
  let byName = kept.get(r.header);
  if (!byName) kept.set(r.header, (byName = new Map()));
  let variants = byName.get(r.name);
  if (variants) {
    for (const k of variants) if (sameRecord(k, r)) return k;
  } else {
    byName.set(r.name, (variants = []));
    keptNames++;
  }
  // A nested member's path is a concatenation, which keeps its parts alive: a flat copy instead.
  for (const f of r.fields) f.path = intern(f.path);
  variants.unshift(r);
  if (variants.length > VARIANTS) variants.length = VARIANTS;
  return r;
}
