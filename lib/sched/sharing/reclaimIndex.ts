/**
 * Where a reclaim may find room, without scanning every host with best-effort jobs (reclaim.ts
 * runs once per job that fits nowhere, tens of thousands of times in a large plan):
 *
 *  - lone victims: per host group (groups.ts), every best-effort job on the group's hosts in
 *    the tie-breaker order, each with the room its host would have with it alone gone, as
 *    preemptionIndex.ts's singles; that room counts only while the job's tenant borrows. A
 *    prod job may also take its own tenant's jobs: per group and tenant, the same for that
 *    tenant's jobs whether it borrows or not. The first that fits is the best lone victim.
 *  - borrowed room: per host, its free room plus that of the best-effort jobs of every tenant
 *    now borrowing (none for a host with no such job, or at MAX_HOST); per host group, a
 *    segment tree of it over the group's hosts in host id order, built when a job of the group
 *    first reclaims;
 *  - own room, for a prod job (it may take its own tenant's best-effort jobs too): per group
 *    and tenant, a tree over the group's hosts running the tenant's best-effort jobs, of their
 *    borrowed room plus that of the tenant's jobs there, built when a prod job of the tenant
 *    first reclaims in the group. With few tenants, most hosts run some of a tenant's jobs: a
 *    list of them would be a scan again.
 *
 * A search of several victims visits, by ascending host id, the group's hosts whose borrowed
 * room fits the job and (for a prod job) those whose own room does: a superset of the hosts
 * where it could reclaim enough (reclaim.ts checks each one exactly), so it finds what a scan
 * of every host would.
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
import { HostMarks } from '../hostMarks';
import { tenantOf, type TenantBook } from './accounts';

const NO_JOBS: readonly RunningJob[] = Object.freeze([]);
/** Sums are kept per host while the exact check sums again in its own order: the tree may err by rounding, toward visiting a host. */
const SLACK = 1e-6;

/**
 * One tree, the tenant whose own room it holds (none: borrowed room), and the leaves whose host
 * changed since it was last brought up to date. A tree of hosts has leaf k for host hosts[k]
 * (by host id); a tree of lone victims has leaf k for victims[k] (in tie-breaker order), on
 * host hosts[k].
 */
interface Room {
  readonly tree: StaticHostTree;
  readonly hosts: readonly number[];
  readonly victims?: readonly RunningJob[];
  readonly tenant?: string;
  readonly pending: number[];
  readonly dirty: Uint8Array;
}

/** A tree of lone victims: which victim each leaf is. */
export interface LoneVictims {
  readonly tree: StaticHostTree;
  readonly victims: readonly RunningJob[];
  /** Ledger index of each leaf's host. */
  readonly hosts: readonly number[];
}

interface Victims {
  readonly victims: RunningJob[];
  readonly hosts: number[];
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
  /** Lone-victim trees, borrowed and per tenant; null: the group's hosts run none. */
  private readonly loneBorrowed = new Map<HostGroup, Room | null>();
  private readonly loneOwn = new Map<HostGroup, Map<string, Room | null>>();
  /** All best-effort jobs, and per tenant its own, in the tie-breaker order of lone victims, with each one's host (ledger index, -1: none). */
  private readonly all: Victims = { victims: [], hosts: [] };
  private readonly orderedOf = new Map<string, Victims>();
  /** The trees' leaves on each host: a host that changed is marked in each, recomputed when that tree is next read. */
  private readonly marks = new HostMarks<Room>();
  /** Scratch result of `room`: two numbers and no object per call, as it runs on every host change. */
  private cpu = 0;
  private mem = 0;

  /**
   * `lists`: each host's best-effort jobs (ledger index); `ordered`: all of them in the
   * tie-breaker order of lone victims.
   */
  constructor(private readonly ledger: Ledger, private readonly book: TenantBook, lists: ReadonlyMap<number, readonly RunningJob[]>, ordered: readonly RunningJob[], private readonly maxHost: number) {
    const n = ledger.hosts.length;
    this.byHost = Array.from({ length: n }, (_, i) => lists.get(i) ?? NO_JOBS);
    const withJobs = [...lists.keys()].sort((a, b) => ledger.hosts[a].host.id - ledger.hosts[b].host.id);
    for (const i of withJobs) {
      for (const v of this.byHost[i]) {
        const t = tenantOf(v);
        let hosts = this.hostsOf.get(t);
        if (!hosts) this.hostsOf.set(t, (hosts = []));
        if (hosts[hosts.length - 1] !== i) hosts.push(i);
      }
    }
    for (const t of this.hostsOf.keys()) this.borrowing.set(t, book.borrowing(book.account(t)));
    // Each victim's host once: building a group's tree then scans two arrays, not the victims.
    for (const v of ordered) {
      const t = tenantOf(v);
      const i = ledger.hostIndexById.get(v.hostId) ?? -1;
      let list = this.orderedOf.get(t);
      if (!list) this.orderedOf.set(t, (list = { victims: [], hosts: [] }));
      list.victims.push(v);
      list.hosts.push(i);
      this.all.victims.push(v);
      this.all.hosts.push(i);
    }
    this.borrowedCpu = new Float64Array(n);
    this.borrowedMem = new Float64Array(n);
    this.borrowedJobs = new Int32Array(n);
    for (const i of withJobs) this.sumBorrowed(i);
    ledger.onHostChange((i) => this.marks.mark(i));
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
    this.marks.mark(i);
  }

  /**
   * The group's lone victims, up to date: borrowed ones (their tenant borrows), or those of
   * tenant `own` (whether it borrows or not). A search that turns leaves down puts them back
   * (`restore`) before the next one.
   */
  lone(group: HostGroup, own?: string): LoneVictims | undefined {
    this.syncBorrowing();
    let byTenant = this.loneOwn.get(group);
    if (!byTenant) this.loneOwn.set(group, (byTenant = new Map()));
    let r = own === undefined ? this.loneBorrowed.get(group) : byTenant.get(own);
    if (r === undefined) {
      const hosts: number[] = [];
      const victims: RunningJob[] = [];
      const list = own === undefined ? this.all : this.orderedOf.get(own);
      for (let k = 0; list !== undefined && k < list.hosts.length; k++) {
        const i = list.hosts[k];
        if (i < 0 || group.leafOf[i] < 0) continue;
        hosts.push(i);
        victims.push(list.victims[k]);
      }
      r = victims.length > 0 ? this.build(hosts, own, victims) : null;
      if (own === undefined) this.loneBorrowed.set(group, r);
      else byTenant.set(own, r);
    }
    return r === null ? undefined : (this.upToDate(r) as Room & LoneVictims);
  }

  /** Puts a lone victim's leaf a search had turned down back (StaticHostTree.firstAccepted), with its room now. */
  restore(lone: LoneVictims, leaf: number): void {
    const r = lone as Room;
    this.compute(r.hosts[leaf], r.tenant, r.victims![leaf]);
    r.tree.set(leaf, this.cpu, this.mem);
  }

  /**
   * Calls `visit` with every host of the group, by ascending host id, where a job needing
   * (cpu, mem) might find room: those whose borrowed room fits it, and those whose room with
   * the best-effort jobs of `own` gone too fits it (when given); until `visit` returns false.
   */
  forEachCandidate(group: HostGroup, cpu: number, mem: number, own: string | undefined, visit: (i: number) => boolean): void {
    this.syncBorrowing();
    const c = cpu - SLACK;
    const m = mem - SLACK;
    const mine: number[] = [];
    if (own !== undefined) {
      const r = this.ownRoom(group, own);
      r?.tree.forEachFit(c, m, (leaf) => (mine.push(r.hosts[leaf]), true));
    }
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

  /** Whether host i has room for (cpu, mem) with the jobs of borrowing tenants gone (not at MAX_HOST). */
  roomFits(i: number, cpu: number, mem: number): boolean {
    this.syncBorrowing();
    if (this.maxHost > 0 && this.ledger.hosts[i].dispatched >= this.maxHost) return false;
    return this.ledger.freeCpu(i) + this.borrowedCpu[i] >= cpu - SLACK && this.ledger.freeMem(i) + this.borrowedMem[i] >= mem - SLACK;
  }

  /** Whether a host of the group running the tenant's best-effort jobs may have room for (cpu, mem) with them and those of borrowing tenants gone. */
  ownRoomMayFit(group: HostGroup, tenant: string, cpu: number, mem: number): boolean {
    this.syncBorrowing();
    const r = this.ownRoom(group, tenant);
    return r !== undefined && r.tree.best(cpu - SLACK, mem - SLACK) >= 0;
  }

  /** Tenants that began or stopped borrowing since last asked: their hosts' borrowed room changed. */
  private syncBorrowing(): void {
    for (const t of this.touched) {
      const now = this.book.borrowing(this.book.account(t));
      if (now === this.borrowing.get(t)) continue;
      this.borrowing.set(t, now);
      for (const i of this.hostsOf.get(t)!) {
        this.sumBorrowed(i);
        this.marks.mark(i);
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

  /** The group's tree of the tenant's own room with borrowed room (none: no host of the group runs its best-effort jobs), up to date. */
  private ownRoom(group: HostGroup, tenant: string): Room | undefined {
    let byTenant = this.own.get(group);
    if (!byTenant) this.own.set(group, (byTenant = new Map()));
    let r = byTenant.get(tenant);
    if (!r) {
      const hosts = (this.hostsOf.get(tenant) ?? []).filter((i) => group.leafOf[i] >= 0);
      if (hosts.length === 0) return undefined;
      byTenant.set(tenant, (r = this.build(hosts, tenant)));
    }
    return this.upToDate(r);
  }

  /** A tree over `hosts` (leaf k: hosts[k]), or over lone `victims` (leaf k: victims[k] on hosts[k]), in the order given. */
  private build(hosts: readonly number[], tenant?: string, victims?: readonly RunningJob[]): Room {
    const tree = new StaticHostTree(hosts.length);
    hosts.forEach((i, leaf) => {
      this.compute(i, tenant, victims?.[leaf]);
      tree.setRaw(leaf, this.cpu, this.mem, 0);
    });
    tree.build(hosts.map((_, leaf) => leaf));
    const r: Room = { tree, hosts, victims, tenant, pending: [], dirty: new Uint8Array(hosts.length) };
    this.marks.register(r, hosts);
    return r;
  }

  private upToDate(r: Room): Room {
    for (const leaf of r.pending) {
      r.dirty[leaf] = 0;
      this.compute(r.hosts[leaf], r.tenant, r.victims?.[leaf]);
      r.tree.set(leaf, this.cpu, this.mem);
    }
    r.pending.length = 0;
    return r;
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

  /** A leaf's room: host i's (`room`), or that of its lone `victim` (`single`). */
  private compute(i: number, tenant: string | undefined, victim: RunningJob | undefined): void {
    if (victim) this.single(i, victim, tenant);
    else this.room(i, tenant);
  }

  /**
   * Room on host i with `v` alone gone, in cpu/mem; none when v left, its tenant does not
   * borrow (unless the tree is its own tenant's), or the host is at MAX_HOST.
   */
  private single(i: number, v: RunningJob, tenant: string | undefined): void {
    if ((this.maxHost > 0 && this.ledger.hosts[i].dispatched >= this.maxHost) || (tenant === undefined && !this.borrowing.get(tenantOf(v))) || !this.byHost[i].includes(v)) {
      this.cpu = -Infinity;
      this.mem = -Infinity;
      return;
    }
    this.cpu = this.ledger.freeCpu(i) + cpuShare(v.cpu);
    this.mem = this.ledger.freeMem(i) + memoryKb(v.memoryMb);
  }

  /**
   * Room on host i with the best-effort jobs of borrowing tenants gone, and those of `tenant`
   * too when given (its own jobs counted once if it borrows itself), in cpu/mem; none without
   * such jobs, or at MAX_HOST.
   */
  private room(i: number, tenant?: string): void {
    this.cpu = -Infinity;
    this.mem = -Infinity;
    if (this.maxHost > 0 && this.ledger.hosts[i].dispatched >= this.maxHost) return;
    let cpu = this.borrowedCpu[i];
    let mem = this.borrowedMem[i];
    let jobs = this.borrowedJobs[i];
    if (tenant !== undefined && !this.borrowing.get(tenant)) {
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
