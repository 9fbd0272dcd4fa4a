// The commits whose layouts a worker keeps, most recently used last. The main thread runs the
// same LRU without the values, fed the same operations in the same order, so it knows without
// asking which parents a worker still has and which it must be sent in full.

export class CommitLru<V> {
  private readonly items = new Map<string, V>();

  constructor(readonly capacity: number) {}

  has(sha: string): boolean {
    return this.items.has(sha);
  }

  /** The value, now the most recently used. */
  use(sha: string): V | undefined {
    const v = this.items.get(sha);
    if (v !== undefined) {
      this.items.delete(sha);
      this.items.set(sha, v);
    }
    return v;
  }

  put(sha: string, v: V): void {
    this.items.delete(sha);
    this.items.set(sha, v);
    while (this.items.size > this.capacity) this.items.delete(this.items.keys().next().value!);
  }
}
