/**
 * Where a reclaim may find room, without scanning every host with best-effort jobs (reclaim.ts
 * runs once per job that fits nowhere, tens of thousands of times in a large plan):
 *
 *  - borrowed room: per host, its free room plus that of the best-effort jobs of every tenant
 *    now borrowing (none for a host with no such job, or at MAX_HOST); per host group
 *    (groups.ts), a segment tree of it over the group's hosts in host id order, built when a job
 *    of the group first reclaims;
 *  - per tenant, the hosts running its best-effort jobs, by host id (a prod job may take its
 *    own tenant's).
 *
 * A search visits, by ascending host id, the group's hosts whose borrowed room fits the job and
 * the hosts of its own tenant: a superset of the hosts where it could reclaim enough (reclaim.ts
 * checks each one exactly), so it finds what a scan of every host would.
 *
 * The trees follow the ledger and the tenants lazily, as preemptionIndex.ts does: a host whose
 * room changed, or one of whose jobs' tenants began or stopped borrowing, is marked in every
 * tree holding it and recomputed when a search next reads that tree.
 */
import { cpuShare, memoryKb } from '../capacity';
import type { RunningJob } from '../contract';
import type { HostGroup } from '../groups';
import type { Ledger } from '../ledger';
import { StaticHostTree } from '../staticHostTree';
import { tenantOf, type TenantBook } from './accounts';

const NO_JOBS: readonly RunningJob[] = Object.freeze([]);
const NO_HOSTS: readonly number[] = Object.freeze([]);
/** Sums are kept per host while the exact check sums again in its own order: the tree may err by rounding, toward visiting a host. */
const SLACK = 1e-6;

/** One group's tree (leaf k is the group's hosts[k]) and the leaves whose host changed since it was last brought up to date. */
interface GroupRoom {
  readonly tree: StaticHostTree;
  readonly pending: number[];
  readonly dirty: Uint8Array;
}

export class ReclaimIndex {
  /** Best-effort jobs still running on each host (ledger index), in the order given. */
  private readonly byHost: (readonly RunningJob[])[];
  /** Per tenant, the hosts (ascending ledger index) running its best-effort jobs. */
  private readonly hostsOf = new Map<string, number[]>();
  /** Whether each tenant with best-effort jobs was borrowing when the tree was last brought up to date. */
  private readonly borrowing = new Map<string, boolean>();
  /** Tenants whose account changed since then. */
  private readonly touched = new Set<string>();
  private readonly borrowedCpu: Float64Array;
  private readonly borrowedMem: Float64Array;
  private readonly borrowedJobs: Int32Array;
  private readonly rooms = new Map<HostGroup, GroupRoom>();
  private readonly all: GroupRoom[] = [];
  /** Per ledger index: the groups with a tree holding the host and its leaf there, as pairs [number in `all`, leaf, ...]. */
  private readonly membership: number[][];

  constructor(private readonly ledger: Ledger, private readonly book: TenantBook, lists: ReadonlyMap<number, readonly RunningJob[]>, private readonly maxHost: number) {
    const n = ledger.hosts.length;
    this.byHost = Array.from({ length: n }, (_, i) => lists.get(i) ?? NO_JOBS);
    const byId = Array.from({ length: n }, (_, i) => i).sort((a, b) => ledger.hosts[a].host.id - ledger.hosts[b].host.id);
    for (const i of byId) {
      for (const v of this.byHost[i]) {
        const t = tenantOf(v);
        let hosts = this.hostsOf.get(t);
        if (!hosts) this.hostsOf.set(t, (hosts = []));
        if (hosts[hosts.length - 1] !== i) hosts.push(i);
      }
    }
    for (const t of this.hostsOf.keys()) this.borrowing.set(t, book.borrowing(book.account(t)));
    this.borrowedCpu = new Float64Array(n);
    this.borrowedMem = new Float64Array(n);
    this.borrowedJobs = new Int32Array(n);
    for (let i = 0; i < n; i++) this.sumBorrowed(i);
    this.membership = Array.from({ length: n }, () => []);
    ledger.onHostChange((i) => this.mark(i));
  }

  beffOn(i: number): readonly RunningJob[] {
    return this.byHost[i];
  }

  /** The tenant's account changed (a job started, or was preempted): it may have begun or stopped borrowing. */
  touch(tenant: string): void {
    if (this.hostsOf.has(tenant)) this.touched.add(tenant);
  }

  /** Some best-effort jobs on host i were preempted: `remaining` still run there. */
  setBeffOn(i: number, remaining: readonly RunningJob[]): void {
    const gone = this.byHost[i].filter((v) => !remaining.includes(v));
    this.byHost[i] = remaining.length > 0 ? remaining : NO_JOBS;
    for (const v of gone) {
      const t = tenantOf(v);
      this.touch(t);
      if (remaining.some((r) => tenantOf(r) === t)) continue;
      const hosts = this.hostsOf.get(t)!;
      const k = hosts.indexOf(i);
      if (k >= 0) hosts.splice(k, 1);
    }
    this.sumBorrowed(i);
    this.mark(i);
  }

  /**
   * Calls `visit` with every host of the group, by ascending host id, where a job needing
   * (cpu, mem) might find room: those whose borrowed room fits it (when `others`), and those
   * running best-effort jobs of `own` (when given); until `visit` returns false.
   */
  forEachCandidate(group: HostGroup, cpu: number, mem: number, own: string | undefined, others: boolean, visit: (i: number) => boolean): void {
    const mine = own === undefined ? NO_HOSTS : this.hostsOf.get(own) ?? NO_HOSTS;
    if (!others) {
      for (const i of mine) if (group.leafOf[i] >= 0 && !visit(i)) return;
      return;
    }
    const gr = this.upToDate(group);
    let k = 0;
    let going = true;
    gr.tree.forEachFit(cpu - SLACK, mem - SLACK, (leaf) => {
      const i = group.hosts[leaf];
      for (; k < mine.length && (group.leafOf[mine[k]] < 0 || group.leafOf[mine[k]] < leaf); k++) {
        if (group.leafOf[mine[k]] >= 0 && !visit(mine[k])) return (going = false);
      }
      if (k < mine.length && mine[k] === i) k++;
      return (going = visit(i));
    });
    for (; going && k < mine.length; k++) if (group.leafOf[mine[k]] >= 0) going = visit(mine[k]);
  }

  /** The group's tree (built on first use), with the borrowing of touched tenants and every host marked since brought in. */
  private upToDate(group: HostGroup): GroupRoom {
    for (const t of this.touched) {
      const now = this.book.borrowing(this.book.account(t));
      if (now === this.borrowing.get(t)) continue;
      this.borrowing.set(t, now);
      for (const i of this.hostsOf.get(t)!) {
        this.sumBorrowed(i);
        this.mark(i);
      }
    }
    this.touched.clear();
    let gr = this.rooms.get(group);
    if (!gr) {
      const tree = new StaticHostTree(group.hosts.length);
      group.hosts.forEach((i, leaf) => {
        const [cpu, mem] = this.room(i);
        tree.setRaw(leaf, cpu, mem, 0);
      });
      tree.build(group.hosts.map((_, leaf) => leaf));
      gr = { tree, pending: [], dirty: new Uint8Array(group.hosts.length) };
      const number = this.all.length;
      this.all.push(gr);
      this.rooms.set(group, gr);
      group.hosts.forEach((i, leaf) => this.membership[i].push(number, leaf));
      return gr;
    }
    for (const leaf of gr.pending) {
      gr.dirty[leaf] = 0;
      const [cpu, mem] = this.room(group.hosts[leaf]);
      gr.tree.set(leaf, cpu, mem);
    }
    gr.pending.length = 0;
    return gr;
  }

  /** A host changed: its leaf is marked in every tree holding it, recomputed when that tree is next read. */
  private mark(i: number): void {
    const groups = this.membership[i];
    for (let k = 0; k < groups.length; k += 2) {
      const gr = this.all[groups[k]];
      const leaf = groups[k + 1];
      if (gr.dirty[leaf] === 0) {
        gr.dirty[leaf] = 1;
        gr.pending.push(leaf);
      }
    }
  }

  private sumBorrowed(i: number): void {
    let cpu = 0;
    let mem = 0;
    let jobs = 0;
    for (const v of this.byHost[i]) {
      if (!this.borrowing.get(tenantOf(v))) continue;
      cpu += cpuShare(v.cpu);
      mem += memoryKb(v.memoryMb);
      jobs++;
    }
    this.borrowedCpu[i] = cpu;
    this.borrowedMem[i] = mem;
    this.borrowedJobs[i] = jobs;
  }

  private room(i: number): [number, number] {
    if (this.borrowedJobs[i] === 0 || (this.maxHost > 0 && this.ledger.hosts[i].dispatched >= this.maxHost)) return [-Infinity, -Infinity];
    return [this.ledger.freeCpu(i) + this.borrowedCpu[i], this.ledger.freeMem(i) + this.borrowedMem[i]];
  }
}
