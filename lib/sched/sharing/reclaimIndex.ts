/**
 * Where a reclaim may find room, without scanning every host with best-effort jobs (reclaim.ts
 * runs once per job that fits nowhere, tens of thousands of times in a large plan):
 *
 *  - borrowed room: per host, its free room plus that of the best-effort jobs of every tenant
 *    now borrowing, in a segment tree over the ledger's hosts in host order (none for a host
 *    with no such job, or at MAX_HOST);
 *  - per tenant, the hosts running its best-effort jobs (a prod job may take its own tenant's).
 *
 * A search visits, in host order, the hosts whose borrowed room fits the job and the hosts of
 * its own tenant: a superset of the hosts where it could reclaim enough (reclaim.ts checks each
 * one exactly), so it finds what a scan of every host would.
 *
 * The tree follows the ledger and the tenants lazily, as preemptionIndex.ts does: a host whose
 * room changed, or one of whose jobs' tenants began or stopped borrowing, is marked and
 * recomputed when a search next reads the tree.
 */
import { cpuShare, memoryKb } from '../capacity';
import type { RunningJob } from '../contract';
import type { Ledger } from '../ledger';
import { StaticHostTree } from '../staticHostTree';
import { tenantOf, type TenantBook } from './accounts';

const NO_JOBS: readonly RunningJob[] = Object.freeze([]);
const NO_HOSTS: readonly number[] = Object.freeze([]);
/** Sums are kept per host while the exact check sums again in its own order: the tree may err by rounding, toward visiting a host. */
const SLACK = 1e-6;

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
  private readonly tree: StaticHostTree;
  private readonly dirty: Uint8Array;
  private readonly pending: number[] = [];

  constructor(private readonly ledger: Ledger, private readonly book: TenantBook, lists: ReadonlyMap<number, readonly RunningJob[]>, private readonly maxHost: number) {
    const n = ledger.hosts.length;
    this.byHost = Array.from({ length: n }, (_, i) => lists.get(i) ?? NO_JOBS);
    for (let i = 0; i < n; i++) {
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
    this.dirty = new Uint8Array(n);
    this.tree = new StaticHostTree(n);
    for (let i = 0; i < n; i++) {
      this.sumBorrowed(i);
      const [cpu, mem] = this.room(i);
      this.tree.setRaw(i, cpu, mem, 0);
    }
    this.tree.build(Array.from({ length: n }, (_, i) => i));
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
   * Calls `visit` with every host, in ascending ledger index, where a job needing (cpu, mem)
   * might find room: those whose borrowed room fits it (when `others`), and those running
   * best-effort jobs of `own` (when given); until `visit` returns false.
   */
  forEachCandidate(cpu: number, mem: number, own: string | undefined, others: boolean, visit: (i: number) => boolean): void {
    this.upToDate();
    const mine = own === undefined ? NO_HOSTS : this.hostsOf.get(own) ?? NO_HOSTS;
    if (!others) {
      for (const i of mine) if (!visit(i)) return;
      return;
    }
    let k = 0;
    let going = true;
    this.tree.forEachFit(cpu - SLACK, mem - SLACK, (i) => {
      while (k < mine.length && mine[k] < i) {
        if (!visit(mine[k++])) return (going = false);
      }
      if (k < mine.length && mine[k] === i) k++;
      return (going = visit(i));
    });
    while (going && k < mine.length) going = visit(mine[k++]);
  }

  /** Brings the borrowing of touched tenants and the room of marked hosts into the tree. */
  private upToDate(): void {
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
    for (const i of this.pending) {
      this.dirty[i] = 0;
      const [cpu, mem] = this.room(i);
      this.tree.set(i, cpu, mem);
    }
    this.pending.length = 0;
  }

  private mark(i: number): void {
    if (this.dirty[i] === 0) {
      this.dirty[i] = 1;
      this.pending.push(i);
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
