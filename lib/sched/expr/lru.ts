/**
 * A least-recently-used map bounded by entries and by total weight (the memos of compiled
 * expressions weigh an entry by its source length, so a few long sources cannot hold as much
 * memory as many short ones). A Map keeps insertion order: a hit moves its key to the end, and
 * the first keys are the oldest.
 */
export class LruMap<K, V> {
  private readonly map = new Map<K, { readonly value: V; readonly weight: number }>();
  private total = 0;

  constructor(readonly maxEntries: number, readonly maxWeight = Infinity) {
    if (!(maxEntries >= 1)) throw new RangeError(`maxEntries must be at least 1, not ${maxEntries}`);
  }

  get size(): number {
    return this.map.size;
  }

  /** Sum of the weights of the entries held. */
  get weight(): number {
    return this.total;
  }

  get(key: K): V | undefined {
    const e = this.map.get(key);
    if (e === undefined) return undefined;
    this.map.delete(key);
    this.map.set(key, e);
    return e.value;
  }

  /** Adds or replaces an entry, then drops the oldest ones until both bounds hold (an entry heavier than maxWeight is not kept). */
  set(key: K, value: V, weight = 1): void {
    const old = this.map.get(key);
    if (old !== undefined) {
      this.map.delete(key);
      this.total -= old.weight;
    }
    this.map.set(key, { value, weight });
    this.total += weight;
    while (this.map.size > this.maxEntries || this.total > this.maxWeight) {
      const oldest = this.map.keys().next();
      if (oldest.done) break;
      this.total -= this.map.get(oldest.value)!.weight;
      this.map.delete(oldest.value);
    }
  }

  clear(): void {
    this.map.clear();
    this.total = 0;
  }
}
