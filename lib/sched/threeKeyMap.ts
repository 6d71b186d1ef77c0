/**
 * A map keyed by three strings, as nested maps: a look-up costs three hashes of strings that
 * already carry their hash (a job's expressions), not a new joined key string per job.
 */
export class ThreeKeyMap<V> {
  private readonly root = new Map<string, Map<string, Map<string, V>>>();

  get(a: string, b: string, c: string): V | undefined {
    return this.root.get(a)?.get(b)?.get(c);
  }

  set(a: string, b: string, c: string, value: V): void {
    let byB = this.root.get(a);
    if (byB === undefined) {
      byB = new Map();
      this.root.set(a, byB);
    }
    let byC = byB.get(b);
    if (byC === undefined) {
      byC = new Map();
      byB.set(b, byC);
    }
    byC.set(c, value);
  }
}

/** The key of an optional list of candidate ids: the same for any order, '*' for none given. */
export function candidatesKey(candidates: readonly number[] | undefined): string {
  return candidates ? [...candidates].sort((a, b) => a - b).join(',') : '*';
}
