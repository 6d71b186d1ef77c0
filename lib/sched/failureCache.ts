/**
 * Shapes that already found no host. If a job of shape (cpu, memory, disk) found no host in a
 * group (same requirements, rank, datastores, networks, exclusions), a later job of the same
 * or a larger shape cannot fit either, unless room was freed since: it waits with the same
 * reason without a new search. Within one plan room only shrinks, except when a preemption
 * frees it; entries of jobs that could themselves preempt stay valid even then (the room a
 * preemption frees is taken at once by its preemptor, and "free + beff room" never grows),
 * the others are dropped.
 */
import type { PreparedJob } from './filter';
import type { WaitReason } from './contract';

interface Entry {
  readonly cpu: number;
  readonly mem: number;
  readonly disk: number;
  readonly reason: WaitReason;
}

export class FailureCache {
  private readonly durable = new Map<string, Entry[]>();
  private readonly volatile = new Map<string, Entry[]>();
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

  find(key: string, job: PreparedJob, canPreempt: boolean): WaitReason | undefined {
    const list = (canPreempt ? this.durable : this.volatile).get(key);
    if (!list) return undefined;
    for (const e of list) if (job.cpu >= e.cpu && job.mem >= e.mem && job.disk >= e.disk) return e.reason;
    return undefined;
  }

  add(key: string, job: PreparedJob, canPreempt: boolean, reason: WaitReason): void {
    const map = canPreempt ? this.durable : this.volatile;
    const kept = (map.get(key) ?? []).filter((e) => !(e.cpu >= job.cpu && e.mem >= job.mem && e.disk >= job.disk));
    kept.push({ cpu: job.cpu, mem: job.mem, disk: job.disk, reason });
    map.set(key, kept);
  }

  /** Room was freed: only entries of jobs that could preempt stay valid. */
  roomFreed(): void {
    this.volatile.clear();
  }
}
