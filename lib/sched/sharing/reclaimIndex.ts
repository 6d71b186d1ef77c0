/**
 * Where a reclaim may find room, without scanning every host with best-effort jobs (reclaim.ts
 * runs once per job that fits nowhere, tens of thousands of times in a large plan):
 *
 *  - borrowed room: per host, its free room plus that of the best-effort jobs of every tenant
 *    now borrowing (none for a host with no such job, or at MAX_HOST); per host group
 *    (groups.ts), a segment tree of it over the group's hosts in host id order, built when a job
 *    of the group first reclaims;
 *  - own room, for a prod job (it may take its own tenant's best-effort jobs): per group and
 *    tenant, a tree over the group's hosts running the tenant's best-effort jobs, of their
 *    borrowed room plus that of the tenant's jobs there, built when a prod job of the tenant
 *    first reclaims in the group. With few tenants, most hosts run some of a tenant's jobs: a
 *    list of them would be a scan again. A prod job over its guarantee may take its own
 *    tenant's jobs only: a second tree per group and tenant holds that room without the
 *    borrowed room, or its search would walk every host where others' borrowed room fits.
 *
 * A search visits, by ascending host id, the group's hosts whose borrowed room fits the job and
 * (for a prod job) those whose own room does: a superset of the hosts where it could reclaim
 * enough (reclaim.ts checks each one exactly), so it finds what a scan of every host would.
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
/** Sums are kept per host while the exact check sums again in its own order: the tree may err by rounding, toward visiting a host. */
const SLACK = 1e-6;

/** One tree (leaf k is hosts[k], by host id), the tenant whose own room it holds (none: borrowed room), and the leaves whose host changed since it was last brought up to date. */
interface Room {
  readonly tree: StaticHostTree;
  readonly hosts: readonly number[];
  readonly tenant?: string;
  /** Whether borrowed room counts too (false: free room and the tenant's own jobs only). */
  readonly borrowed: boolean;
  readonly pending: number[];
  readonly dirty: Uint8Array;
}

export class ReclaimIndex {
  /** Best-effort jobs still running on each host (ledger index), in the order given. */
  private readonly byHost: (readonly RunningJob[])[];
  /** Per tenant, the hosts (ledger indices, by host id) running its best-effort jobs. */
  private readonly hostsOf = new Map<string, number[]>();
  /** Whether each tenant with best-effort jobs was borrowing when the trees were last brought up to date. */
  private readonly borrowing = new Map<string, boolean>();
  /** Tenants whose account changed since then. */
  private readonly touched = new Set<string>();
  private readonly borrowedCpu: Float64Array;
  private readonly borrowedMem: Float64Array;
  private readonly borrowedJobs: Int32Array;
  private readonly borrowed = new Map<HostGroup, Room>();
  private readonly own = new Map<HostGroup, Map<string, Room>>();
  /** The same without borrowed room, for a prod job over its guarantee (it may take its own tenant's jobs only). */
  private readonly ownOnly = new Map<HostGroup, Map<string, Room>>();
  private readonly all: Room[] = [];
  /** Per ledger index: the trees holding the host and its leaf there, as pairs [number in `all`, leaf, ...]. */
  private readonly membership: number[][];
  /** Scratch result of `room`: two numbers and no object per call, as it runs on every host change. */
  private cpu = 0;
  private mem = 0;

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
   * whose room with the best-effort jobs of `own` gone too fits it (when given); until `visit`
   * returns false.
   */
  forEachCandidate(group: HostGroup, cpu: number, mem: number, own: string | undefined, others: boolean, visit: (i: number) => boolean): void {
    this.syncBorrowing();
    const c = cpu - SLACK;
    const m = mem - SLACK;
    const mine: number[] = [];
    if (own !== undefined) {
      const r = this.ownRoom(group, own, others);
      if (!others) {
        r?.tree.forEachFit(c, m, (leaf) => visit(r.hosts[leaf]));
        return;
      }
      r?.tree.forEachFit(c, m, (leaf) => (mine.push(r.hosts[leaf]), true));
    }
    if (!others) return;
    const r = this.borrowedRoom(group);
    let k = 0;
    let going = true;
    r.tree.forEachFit(c, m, (leaf) => {
      for (; k < mine.length && group.leafOf[mine[k]] < leaf; k++) {
        if (!visit(mine[k])) return (going = false);
      }
      const i = group.hosts[leaf];
      if (k < mine.length && mine[k] === i) k++;
      return (going = visit(i));
    });
    for (; going && k < mine.length; k++) going = visit(mine[k]);
  }

  /** Tenants that began or stopped borrowing since last asked: their hosts' borrowed room changed. */
  private syncBorrowing(): void {
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
  }

  /** The group's tree of borrowed room, up to date. */
  private borrowedRoom(group: HostGroup): Room {
    let r = this.borrowed.get(group);
    if (!r) this.borrowed.set(group, (r = this.build(group.hosts)));
    return this.upToDate(r);
  }

  /** The group's tree of the tenant's own room, with borrowed room or without (none: no host of the group runs its best-effort jobs), up to date. */
  private ownRoom(group: HostGroup, tenant: string, borrowed: boolean): Room | undefined {
    const trees = borrowed ? this.own : this.ownOnly;
    let byTenant = trees.get(group);
    if (!byTenant) trees.set(group, (byTenant = new Map()));
    let r = byTenant.get(tenant);
    if (!r) {
      const hosts = (this.hostsOf.get(tenant) ?? []).filter((i) => group.leafOf[i] >= 0);
      if (hosts.length === 0) return undefined;
      byTenant.set(tenant, (r = this.build(hosts, tenant, borrowed)));
    }
    return this.upToDate(r);
  }

  private build(hosts: readonly number[], tenant?: string, borrowed = true): Room {
    const tree = new StaticHostTree(hosts.length);
    hosts.forEach((i, leaf) => {
      this.room(i, tenant, borrowed);
      tree.setRaw(leaf, this.cpu, this.mem, 0);
    });
    tree.build(hosts.map((_, leaf) => leaf));
    const r: Room = { tree, hosts, tenant, borrowed, pending: [], dirty: new Uint8Array(hosts.length) };
    const number = this.all.length;
    this.all.push(r);
    hosts.forEach((i, leaf) => this.membership[i].push(number, leaf));
    return r;
  }

  private upToDate(r: Room): Room {
    for (const leaf of r.pending) {
      r.dirty[leaf] = 0;
      this.room(r.hosts[leaf], r.tenant, r.borrowed);
      r.tree.set(leaf, this.cpu, this.mem);
    }
    r.pending.length = 0;
    return r;
  }

  /** A host changed: its leaf is marked in every tree holding it, recomputed when that tree is next read. */
  private mark(i: number): void {
    const trees = this.membership[i];
    for (let k = 0; k < trees.length; k += 2) {
      const r = this.all[trees[k]];
      const leaf = trees[k + 1];
      if (r.dirty[leaf] === 0) {
        r.dirty[leaf] = 1;
        r.pending.push(leaf);
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

  /**
   * Room on host i with the best-effort jobs of borrowing tenants gone (unless `borrowed` is
   * false), and those of `tenant` too when given (its own jobs counted once if it borrows
   * itself), in cpu/mem; none without such jobs, or at MAX_HOST.
   */
  private room(i: number, tenant?: string, borrowed = true): void {
    this.cpu = -Infinity;
    this.mem = -Infinity;
    if (this.maxHost > 0 && this.ledger.hosts[i].dispatched >= this.maxHost) return;
    let cpu = borrowed ? this.borrowedCpu[i] : 0;
    let mem = borrowed ? this.borrowedMem[i] : 0;
    let jobs = borrowed ? this.borrowedJobs[i] : 0;
    if (tenant !== undefined && !(borrowed && this.borrowing.get(tenant))) {
      for (const v of this.byHost[i]) {
        if (tenantOf(v) !== tenant) continue;
        cpu += cpuShare(v.cpu);
        mem += memoryKb(v.memoryMb);
        jobs++;
      }
    }
    if (jobs === 0) return;
    this.cpu = this.ledger.freeCpu(i) + cpu;
    this.mem = this.ledger.freeMem(i) + mem;
  }
}
