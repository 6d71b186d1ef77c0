/**
 * Binary min-heaps ordered by `before`, a logarithm per operation: the replay's event queue
 * takes the least item first (MinHeap), the planner's fair order keeps each tenant once and
 * moves it in place when its order changes (IndexedMinHeap).
 */
abstract class BinaryHeap<T> {
  protected readonly items: T[] = [];

  constructor(private readonly before: (x: T, y: T) => boolean) {}

  get size(): number {
    return this.items.length;
  }

  peek(): T | undefined {
    return this.items[0];
  }

  push(e: T): void {
    this.items.push(e);
    this.up(this.items.length - 1);
  }

  /** Item `e` now sits at index i. */
  protected placed(_e: T, _i: number): void {}

  /** Moves the item at index i up to its place; returns where it stops. */
  protected up(i: number): number {
    const a = this.items;
    const e = a[i]!;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.before(e, a[p]!)) break;
      a[i] = a[p]!;
      this.placed(a[i]!, i);
      i = p;
    }
    a[i] = e;
    this.placed(e, i);
    return i;
  }

  /** Moves the item at index i down to its place. */
  protected down(i: number): void {
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
      this.placed(a[i]!, i);
      i = m;
    }
    a[i] = e;
    this.placed(e, i);
  }
}

export class MinHeap<T> extends BinaryHeap<T> {
  pop(): T | undefined {
    const a = this.items;
    if (a.length === 0) return undefined;
    const top = a[0];
    const last = a.pop()!;
    if (a.length > 0) {
      a[0] = last;
      this.down(0);
    }
    return top;
  }
}

/** An item of an IndexedMinHeap: it knows its place (-1 when out of the heap). */
export interface Placed {
  heapIndex: number;
}

/** A heap whose items know their place, so one whose order changed moves in place (`update`) instead of being entered again. */
export class IndexedMinHeap<T extends Placed> extends BinaryHeap<T> {
  protected override placed(e: T, i: number): void {
    e.heapIndex = i;
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
    this.down(this.up(i));
  }
}
