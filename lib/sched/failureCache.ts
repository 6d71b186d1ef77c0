/**
 * Shapes that already found no host. If a job of shape (cpu, memory, disk) found no host in a
 * group (same requirements, rank, datastores, networks, exclusions), a later job of the same
 * or a larger shape cannot fit either, unless room was freed since: it waits with the same
 * reason without a new search. Within one plan room only shrinks, except when a preemption
 * frees it; entries of jobs that could themselves preempt stay valid even then (the room a
 * preemption frees is taken at once by its preemptor, and "free + beff room" never grows),
 * the others are dropped. Where room a search counts can grow on one host (sharing: a tenant's
 * prod job takes its own tenant's jobs, and what it leaves is free room for the others), an
 * entry is checked against the hosts that grew since it was last read (`Revalidator`).
 */
import type { PreparedJob } from './filter';
import type { WaitReason } from './contract';

interface Entry {
  readonly cpu: number;
  readonly mem: number;
  readonly disk: number;
  readonly reason: WaitReason;
  /** The Revalidator's stamp when it was last known valid. */
  seen: number;
}

/** Whether an entry found no host before `since` still holds for a job now (sharing/phase.ts). */
export interface Revalidator {
  /** Its stamp now; stamps only grow. */
  stamp(): number;
  /** Whether no host that grew after stamp `since` has room now for a job like `job` (its key's) of `cpu` and `mem`. */
  stillNone(job: PreparedJob, cpu: number, mem: number, since: number): boolean;
}

export class FailureCache {
  /** By key, then by the key's second part (see `find`). */
  private readonly durable = new Map<string, Map<string, Entry[]>>();
  private readonly volatile = new Map<string, Map<string, Entry[]>>();
  /**
   * Short numbers for the parts of a key that are shared objects (a group, the datastore and
   * network lists of a distinct expression), given by content: a key is a few digits, not the
   * expressions' text, and equal contents still make equal keys.
   */
  private readonly numbers = new WeakMap<object, number>();
  private readonly byContent = new Map<string, number>();

  key(job: PreparedJob, canPreempt: boolean): string | undefined {
    if (!job.group) return undefined;
    let key = `${this.numberOf(job.group, job.group.key)}|${job.kind}|${canPreempt ? 1 : 0}|${this.numberOf(job.datastores)}`;
    for (const n of job.nics) key += `;${this.numberOf(n.vnets)}`;
    if (job.excluded.size) key += `|${[...job.excluded].sort((a, b) => a - b).join(',')}`;
    if (job.job.imageDatastoreMb) key += `|${JSON.stringify(job.job.imageDatastoreMb)}`;
    return key;
  }

  /** `content` is the text of a group's key; a list of ids gives its own. */
  private numberOf(o: object, content?: string): number {
    let n = this.numbers.get(o);
    if (n === undefined) {
      content ??= (o as readonly number[]).join(',');
      n = this.byContent.get(content);
      if (n === undefined) {
        n = this.byContent.size;
        this.byContent.set(content, n);
      }
      this.numbers.set(o, n);
    }
    return n;
  }

  constructor(private readonly revalidator?: Revalidator) {}

  /**
   * `part` is a second part of the key (the sharing phase's), kept apart so that a lookup
   * builds no new string.
   */
  find(key: string, part: string, job: PreparedJob, canPreempt: boolean): WaitReason | undefined {
    const list = (canPreempt ? this.durable : this.volatile).get(key)?.get(part);
    if (!list) return undefined;
    for (let k = 0; k < list.length; k++) {
      const e = list[k];
      if (!(job.cpu >= e.cpu && job.mem >= e.mem && job.disk >= e.disk)) continue;
      const r = this.revalidator;
      if (!r) return e.reason;
      const now = r.stamp();
      // Checked with the entry's shape, so that it holds for every job it answers.
      if (e.seen === now || r.stillNone(job, e.cpu, e.mem, e.seen)) {
        e.seen = now;
        return e.reason;
      }
      list.splice(k--, 1);
    }
    return undefined;
  }

  add(key: string, part: string, job: PreparedJob, canPreempt: boolean, reason: WaitReason): void {
    const maps = canPreempt ? this.durable : this.volatile;
    let map = maps.get(key);
    if (!map) maps.set(key, (map = new Map()));
    const kept = (map.get(part) ?? []).filter((e) => !(e.cpu >= job.cpu && e.mem >= job.mem && e.disk >= job.disk));
    kept.push({ cpu: job.cpu, mem: job.mem, disk: job.disk, reason, seen: this.revalidator?.stamp() ?? 0 });
    map.set(part, kept);
  }

  /** Room was freed: only entries of jobs that could preempt stay valid. */
  roomFreed(): void {
    this.volatile.clear();
  }
}
