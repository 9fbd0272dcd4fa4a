// Records shared by value. A history's layout worker holds the records of every ABI it lays out,
// at every commit whose state it keeps, and most of them are the same across those ABIs: fields
// at the same offsets with the same sizes and types. Made anew for each ABI, fields were 378 k
// objects of one worker's 435 MiB after 8,000 commits; shared, 141 k. Per ABI, tree-state.ts's
// shareUnchanged still gives a recomputed unit its predecessor's objects (and arrays), whatever
// made them (units read from the archive too); this table is what spans ABIs. Shared records are
// never modified: a layout result is read-only once made.

import { intern } from '../cpp/tokenize.js';
import { sameRecord, type RecordLayout } from './model.js';

/** Header -> record name -> the few distinct records last used (other ABIs, other versions), most recent first. */
const kept = new Map<string, Map<string, RecordLayout[]>>();
let keptNames = 0;
/** Past this many names the table starts over (the states keep the records they hold). */
const MAX_NAMES = 1 << 16;
/**
 * Records kept per name. Kept, a record stays alive after every state has let it go: with 16 a
 * worker held 25 k records (621 k field objects, 33 MiB) 28,000 commits into the synthetic history,
 * 2.3x what it held after 8,000; the variants that share are the current version's (a worker's
 * ABIs give a record 1-3 layouts), and those are the ones last used.
 */
const VARIANTS = 4;

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
    for (let i = 0; i < variants.length; i++) {
      const k = variants[i]!;
      if (!sameRecord(k, r)) continue;
      if (i > 0) variants.copyWithin(1, 0, i)[0] = k;
      return k;
    }
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
