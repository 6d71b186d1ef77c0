/**
 * A binary min-heap ordered by `before`: the replay's event queue takes the least item first,
 * a logarithm per push and pop.
 */
export class MinHeap<T> {
  private readonly items: T[] = [];

  constructor(private readonly before: (x: T, y: T) => boolean) {}

  get size(): number {
    return this.items.length;
  }

  peek(): T | undefined {
    return this.items[0];
  }

  push(e: T): void {
    const a = this.items;
    a.push(e);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.before(a[i]!, a[p]!)) break;
      const t = a[i]!;
      a[i] = a[p]!;
      a[p] = t;
      i = p;
    }
  }

  pop(): T | undefined {
    const a = this.items;
    if (a.length === 0) return undefined;
    const top = a[0];
    const last = a.pop()!;
    if (a.length > 0) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && this.before(a[l]!, a[m]!)) m = l;
        if (r < a.length && this.before(a[r]!, a[m]!)) m = r;
        if (m === i) break;
        const t = a[i]!;
        a[i] = a[m]!;
        a[m] = t;
        i = m;
      }
    }
    return top;
  }
}

/** An item of an IndexedMinHeap: it knows its place (-1 when out of the heap). */
export interface Placed {
  heapIndex: number;
}

/**
 * A binary min-heap whose items know their place, so one whose order changed moves in place
 * (`update`, a logarithm) instead of being entered again: the planner's fair order keeps each
 * tenant once and moves it when its key or its next job changes.
 */
export class IndexedMinHeap<T extends Placed> {
  private readonly items: T[] = [];

  constructor(private readonly before: (x: T, y: T) => boolean) {}

  get size(): number {
    return this.items.length;
  }

  peek(): T | undefined {
    return this.items[0];
  }

  push(e: T): void {
    e.heapIndex = this.items.length;
    this.items.push(e);
    this.up(e.heapIndex);
  }

  /** The item's order changed: it moves up or down to its place. */
  update(e: T): void {
    if (e.heapIndex < 0) return;
    this.down(this.up(e.heapIndex));
  }

  remove(e: T): void {
    const i = e.heapIndex;
    if (i < 0) return;
    const last = this.items.pop()!;
    e.heapIndex = -1;
    if (last === e) return;
    this.items[i] = last;
    last.heapIndex = i;
    this.down(this.up(i));
  }

  private up(i: number): number {
    const a = this.items;
    const e = a[i]!;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.before(e, a[p]!)) break;
      a[i] = a[p]!;
      a[i]!.heapIndex = i;
      i = p;
    }
    a[i] = e;
    e.heapIndex = i;
    return i;
  }

  private down(i: number): void {
    const a = this.items;
    const e = a[i]!;
    const n = a.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const m = r < n && this.before(a[r]!, a[l]!) ? r : l;
      if (!this.before(a[m]!, e)) break;
      a[i] = a[m]!;
      a[i]!.heapIndex = i;
      i = m;
    }
    a[i] = e;
    e.heapIndex = i;
  }
}
