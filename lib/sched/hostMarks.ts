/**
 * Indexes over hosts that follow the ledger lazily (groups.ts, preemptionIndex.ts,
 * sharing/reclaimIndex.ts): a host that changed is marked in every index holding it, and each
 * index recomputes its marked leaves when it is next read, so an index nobody reads any more
 * costs nothing. A leaf is a host, or something on a host (a lone victim).
 */

/** An index's leaves marked since it was last brought up to date. */
export interface MarkedLeaves {
  /** Each marked leaf once, in the order marked. */
  readonly pending: number[];
  readonly dirty: Uint8Array;
}

export function markLeaf(index: MarkedLeaves, leaf: number): void {
  if (index.dirty[leaf] === 0) {
    index.dirty[leaf] = 1;
    index.pending.push(leaf);
  }
}

/** Which leaves of which indexes sit on each host (ledger index). */
export class HostMarks<T extends MarkedLeaves> {
  private indexes: T[] = [];
  /** Per host, pairs [number in `indexes`, leaf, ...]. */
  private byHost: (number[] | undefined)[] = [];

  /** Index `t` has leaf k on host hosts[k]. */
  register(t: T, hosts: ArrayLike<number>): void {
    const number = this.indexes.length;
    this.indexes.push(t);
    for (let leaf = 0; leaf < hosts.length; leaf++) (this.byHost[hosts[leaf]!] ??= []).push(number, leaf);
  }

  /** Host i changed: its leaves are marked in every index holding it. */
  mark(i: number): void {
    const pairs = this.byHost[i];
    if (pairs === undefined) return;
    for (let k = 0; k < pairs.length; k += 2) markLeaf(this.indexes[pairs[k]!]!, pairs[k + 1]!);
  }

  /** Forgets every index. */
  clear(): void {
    this.indexes = [];
    this.byHost = [];
  }
}
