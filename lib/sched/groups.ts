/**
 * Host groups: the hosts that match one distinct requirement (within one candidate set),
 * ranked by one rank expression, kept in a HostTree. Jobs share few distinct expressions, so
 * a requirement is evaluated once per (expression, host) and a rank once per (rank, host),
 * whatever the number of jobs (ranks through the Scorer). Trees follow the ledger: a change of
 * a host is marked in the groups it belongs to and applied when a group is next searched.
 *
 * The preemption indexes (the room each host would have with its beff jobs gone, each beff job
 * as a lone victim) are shared by every group, not kept per group: a group searches them
 * skipping the hosts it does not hold, so a dispatch updates them once, not once per group its
 * host belongs to (a host matches many requirements). A group too small for that skipping to
 * pay (members² ≤ hosts: a pinned host, a short candidate list) scans its own members instead.
 */
import type { AttrLookup, CompiledRank, CompiledRequirement } from './expr';
import { hostLookup } from './expr';
import type { ExprCache } from './compile';
import { RankScorer } from './scorer';
import { HostTree, StaticHostTree, type HostIndex } from './hostTree';
import type { Ledger } from './ledger';
import type { Host } from './model';
import type { RunningJob } from './types';
import { cpuShare, memoryKb } from './capacity';

/** Hosts the placer schedules on (HostPoolXML: STATE 1 or 2). */
const SCHEDULABLE = new Set<Host['state']>(['MONITORING_MONITORED', 'MONITORED']);

export interface HostGroup {
  readonly key: string;
  readonly requirement: string;
  readonly rankSource: string;
  /** Ledger indices of the matching hosts, by ascending host id. */
  readonly hosts: readonly number[];
  /** 1 at the ledger index of every matching host. */
  readonly member: Uint8Array;
  /** Leaf of each matching host's ledger index in `tree` (-1: not a member). */
  readonly leafOf: Int32Array;
  readonly tree: HostIndex;
  /** Leaves whose host changed since the tree was last brought up to date (applied lazily, once). */
  readonly pending: number[];
  readonly dirty: Uint8Array;
  /** Searches the shared preemption indexes (false: scans its own members). */
  readonly shared: boolean;
  /** Hosts the requirement was tested on (schedulable candidates). */
  readonly considered: readonly number[];
  readonly compiled: CompiledRequirement;
  readonly rank: CompiledRank;
  /** Initial most-free CPU / memory on a matching host (before this plan). */
  readonly initialMaxCpu: number;
  readonly initialMaxMem: number;
  /** Scanned groups: the beff jobs on its hosts in tie-breaker order (built when a job of the group first needs preemption). */
  victims?: readonly RunningJob[];
}

/** An index over every schedulable host (leaf = position in `schedulable`), with the hosts changed since it was last searched. */
interface LazyIndex<T extends HostIndex> {
  readonly tree: T;
  readonly pending: number[];
  readonly dirty: Uint8Array;
}

interface SinglesIndex extends LazyIndex<StaticHostTree> {
  readonly victims: readonly RunningJob[];
  readonly hostOf: Int32Array;
  /** Leaves of the victims on each host (ledger index). */
  readonly leavesOfHost: ReadonlyMap<number, readonly number[]>;
}

/** What preemption needs to know of the beff jobs: those still running on a host, and all of them in tie-breaker order. */
export interface BeffView {
  onHost(hostIndex: number): readonly RunningJob[];
  ordered: readonly RunningJob[];
}

export type GroupResult = { readonly ok: true; readonly group: HostGroup } | { readonly ok: false; readonly error: string };

const NO_BEFF: BeffView = { onHost: () => [], ordered: [] };

function lazyIndex<T extends HostIndex>(tree: T, leaves: number): LazyIndex<T> {
  return { tree, pending: [], dirty: new Uint8Array(leaves) };
}

function mark(index: LazyIndex<HostIndex> | undefined, leaf: number): void {
  if (index !== undefined && index.dirty[leaf] === 0) {
    index.dirty[leaf] = 1;
    index.pending.push(leaf);
  }
}

export class GroupRegistry {
  /** Schedulable hosts (ledger indices) by ascending host id. */
  readonly schedulable: readonly number[];
  /** Position of a ledger index in `schedulable`, -1 if not schedulable. */
  private readonly posOf: Int32Array;
  /** Groups by candidate set, requirement and rank source (nested maps: no key string per job). */
  private readonly groups = new Map<string, Map<string, Map<string, GroupResult>>>();
  private readonly matchCache = new Map<string, Int8Array>();
  private readonly lookups: (AttrLookup | undefined)[];
  private readonly failing = new Map<HostGroup, Map<string, number>>();
  private readonly scorer: RankScorer;
  /** Per ledger index: the groups holding the host and its leaf there, as pairs [group number, leaf, ...]. */
  private readonly membership: number[][];
  private readonly all: HostGroup[] = [];
  private room: LazyIndex<StaticHostTree> | undefined;
  private singles: SinglesIndex | undefined;
  private beff: BeffView = NO_BEFF;
  /** Results of roomOf / singleRoom (two numbers, no object per call: these run on every host change). */
  roomCpu = 0;
  roomMem = 0;

  constructor(
    private readonly ledger: Ledger,
    private readonly exprs: ExprCache,
    private readonly dynamic: boolean,
    private readonly maxHost: number,
  ) {
    const hosts = ledger.hosts;
    this.schedulable = hosts.map((_, i) => i).filter((i) => SCHEDULABLE.has(hosts[i].host.state))
      .sort((a, b) => hosts[a].host.id - hosts[b].host.id);
    this.posOf = new Int32Array(hosts.length).fill(-1);
    this.schedulable.forEach((i, p) => { this.posOf[i] = p; });
    this.lookups = new Array(hosts.length);
    this.membership = hosts.map(() => []);
    this.scorer = new RankScorer(ledger, (i) => this.lookup(i), dynamic);
    ledger.onHostChange((i) => this.refresh(i));
  }

  lookup(i: number): AttrLookup {
    let l = this.lookups[i];
    if (!l) {
      l = hostLookup(this.ledger.hosts[i].host);
      this.lookups[i] = l;
    }
    return l;
  }

  /**
   * The group for a requirement and rank within a candidate set (the placer's HOSTS list or a
   * pinned host); `candidates` are host ids.
   */
  group(requirement: string, rankSource: string, candidates?: readonly number[]): GroupResult {
    const candKey = candidates ? [...candidates].sort((a, b) => a - b).join(',') : '*';
    let byRequirement = this.groups.get(candKey);
    if (!byRequirement) {
      byRequirement = new Map();
      this.groups.set(candKey, byRequirement);
    }
    let byRank = byRequirement.get(requirement);
    if (!byRank) {
      byRank = new Map();
      byRequirement.set(requirement, byRank);
    }
    let g = byRank.get(rankSource);
    if (!g) {
      g = this.build(`${requirement}\u0000${rankSource}\u0000${candKey}`, requirement, rankSource, candidates);
      byRank.set(rankSource, g);
    }
    return g;
  }

  /** How many considered hosts each requirement term ruled out (like Nomad's ConstraintFiltered). */
  failingTerms(group: HostGroup): Map<string, number> {
    let counts = this.failing.get(group);
    if (!counts) {
      counts = new Map();
      for (const i of group.considered) {
        const term = group.compiled.failingTerm(this.lookup(i));
        if (term !== undefined) counts.set(term, (counts.get(term) ?? 0) + 1);
      }
      this.failing.set(group, counts);
    }
    return counts;
  }

  /** The rank of a host for a group, as the plan currently sees it. */
  rankOf(group: HostGroup, i: number): number {
    return this.scorer.score(group.rankSource, group.rank, i);
  }

  /**
   * Calls `visit` with each host (ledger index) of the group that has cpu ≥ needCpu and
   * mem ≥ needMem and is under MAX_HOST, best rank first (ties: lowest host id), until it
   * returns false, skipping the hosts in `skip` (host ids). The ledger must not change meanwhile.
   */
  forEachCandidate(group: HostGroup, needCpu: number, needMem: number, skip: ReadonlySet<number>, visit: (i: number) => boolean): void {
    this.flush(group);
    const setAside: number[] = [];
    for (const hostId of skip) {
      const i = this.ledger.hostIndexById.get(hostId);
      const leaf = i === undefined ? -1 : group.leafOf[i];
      if (leaf >= 0) this.disable(group, leaf, setAside);
    }
    for (let again = false; ; again = true) {
      const leaf = group.tree.best(needCpu, needMem, again);
      if (leaf < 0 || (!this.isStale(group, leaf) && !visit(group.hosts[leaf]))) break;
      // A leaf found stale was moved to its place: search again. One visited was rejected: set it aside.
      if (group.dirty[leaf] === 0 && group.tree.leafCpu(leaf) !== -Infinity && !this.wasMoved) this.disable(group, leaf, setAside);
    }
    for (const leaf of setAside) this.restore(group, leaf);
  }

  /** Most free CPU and memory on a host of the group (the plan's promises included), in roomCpu/roomMem. */
  mostFree(group: HostGroup): void {
    let c = -Infinity;
    let m = -Infinity;
    for (const i of group.hosts) {
      c = Math.max(c, this.leafCpu(i));
      m = Math.max(m, this.ledger.freeMem(i));
    }
    this.roomCpu = c;
    this.roomMem = m;
  }

  private build(key: string, requirement: string, rankSource: string, candidates?: readonly number[]): GroupResult {
    const compiled = this.exprs.requirement(requirement);
    if (!compiled.ok) return { ok: false, error: compiled.error };
    let considered = this.schedulable;
    if (candidates) {
      const allowed = new Set(candidates);
      considered = considered.filter((i) => allowed.has(this.ledger.hosts[i].host.id));
    }
    let cache = this.matchCache.get(requirement);
    if (!cache) {
      cache = new Int8Array(this.ledger.hosts.length);
      this.matchCache.set(requirement, cache);
    }
    const hosts: number[] = [];
    const member = new Uint8Array(this.ledger.hosts.length);
    let initialMaxCpu = -Infinity;
    let initialMaxMem = -Infinity;
    for (const i of considered) {
      if (cache[i] === 0) cache[i] = compiled.expr.test(this.lookup(i)) ? 1 : -1;
      if (cache[i] !== 1) continue;
      hosts.push(i);
      member[i] = 1;
      const b = this.ledger.hosts[i];
      initialMaxCpu = Math.max(initialMaxCpu, b.maxCpu - b.baseCpuUsage);
      initialMaxMem = Math.max(initialMaxMem, b.maxMem - b.baseMemUsage);
    }
    const rank = this.exprs.rank(rankSource);
    const index = hosts.length * hosts.length > this.schedulable.length ? this.rankIndex(rankSource, rank) : undefined;
    return { ok: true, group: { key, requirement, rankSource, hosts, member, considered, compiled: compiled.expr, rank, initialMaxCpu, initialMaxMem, index } };
  }

  /** The shared index of one rank expression over every schedulable host. */
  private rankIndex(rankSource: string, rank: CompiledRank): RankIndex {
    let index = this.rankIndexes.get(rankSource);
    if (!index) {
      const n = this.schedulable.length;
      const tree = this.dynamic ? new HostTree(n) : new StaticHostTree(n);
      this.schedulable.forEach((i, p) => tree.setRaw(p, this.leafCpu(i), this.ledger.freeMem(i), this.scorer.score(rankSource, rank, i)));
      tree.build();
      index = { ...lazyIndex(tree, n), rankSource, rank };
      this.rankIndexes.set(rankSource, index);
    }
    return index;
  }

  /** Free CPU as the indexes see it: none once the host reached MAX_HOST dispatches in this plan. */
  private leafCpu(i: number): number {
    return this.atLimit(i) ? -Infinity : this.ledger.freeCpu(i);
  }

  /** A host changed: marked in every index, applied when that index is next searched. */
  private refresh(i: number): void {
    const p = this.posOf[i];
    if (p < 0) return;
    for (const index of this.rankIndexes.values()) mark(index, p);
    mark(this.room, p);
    const singles = this.singles?.leavesOfHost.get(i);
    if (singles) for (const leaf of singles) mark(this.singles, leaf);
  }

  /** Brings a rank index up to date with the ledger (and, dynamic ranks, with the plan's promises). */
  private flushRank(index: RankIndex): void {
    const { tree, pending, dirty } = index;
    for (let k = 0; k < pending.length; k++) {
      const p = pending[k];
      dirty[p] = 0;
      const i = this.schedulable[p];
      tree.set(p, this.leafCpu(i), this.ledger.freeMem(i), this.scorer.score(index.rankSource, index.rank, i));
    }
    pending.length = 0;
  }

  setBeff(view: BeffView): void {
    this.beff = view;
  }

  /** No job left can preempt: the preemption indexes need no more upkeep. */
  dropPreemptionIndexes(): void {
    this.beff = NO_BEFF;
    this.room = undefined;
    this.singles = undefined;
  }

  /**
   * Calls `visit` with each host of the group, by ascending host id, whose free room plus all
   * its beff jobs' room fits, for hosts running two or more (lone victims are searched first,
   * `forEachSingle`), until it returns false.
   */
  forEachRoom(group: HostGroup, needCpu: number, needMem: number, visit: (i: number) => boolean): void {
    if (group.index === undefined) {
      for (const i of group.hosts) {
        this.roomOf(i);
        if (this.roomCpu >= needCpu && this.roomMem >= needMem && !visit(i)) return;
      }
      return;
    }
    const room = this.roomIndex();
    const member = group.member;
    const schedulable = this.schedulable;
    room.tree.forEachFit(needCpu, needMem, (p) => {
      const i = schedulable[p];
      return member[i] === 0 || visit(i);
    });
  }

  /**
   * Calls `visit` with each beff job on the group's hosts, in tie-breaker order, whose host
   * would have room with that job alone gone, until it returns false.
   */
  forEachSingle(group: HostGroup, needCpu: number, needMem: number, visit: (v: RunningJob, i: number) => boolean): void {
    if (group.index === undefined) {
      group.victims ??= this.beff.ordered.filter((v) => {
        const i = this.ledger.hostIndexById.get(v.hostId);
        return i !== undefined && group.member[i] === 1;
      });
      for (const v of group.victims) {
        const i = this.ledger.hostIndexById.get(v.hostId)!;
        this.singleRoom(i, v);
        if (this.roomCpu >= needCpu && this.roomMem >= needMem && !visit(v, i)) return;
      }
      return;
    }
    const singles = this.singlesIndex();
    const member = group.member;
    singles.tree.forEachFit(needCpu, needMem, (leaf) => {
      const i = singles.hostOf[leaf];
      return member[i] === 0 || visit(singles.victims[leaf], i);
    });
  }

  private roomIndex(): LazyIndex<StaticHostTree> {
    let room = this.room;
    if (!room) {
      const n = this.schedulable.length;
      room = lazyIndex(new StaticHostTree(n), n);
      this.schedulable.forEach((i, p) => {
        this.roomOf(i);
        room!.tree.setRaw(p, this.roomCpu, this.roomMem, 0);
      });
      room.tree.build();
      this.room = room;
    }
    for (const p of room.pending) {
      room.dirty[p] = 0;
      this.roomOf(this.schedulable[p]);
      room.tree.set(p, this.roomCpu, this.roomMem);
    }
    room.pending.length = 0;
    return room;
  }

  private singlesIndex(): SinglesIndex {
    let singles = this.singles;
    if (!singles) {
      const victims = this.beff.ordered.filter((v) => {
        const i = this.ledger.hostIndexById.get(v.hostId);
        return i !== undefined && this.posOf[i] >= 0;
      });
      const hostOf = new Int32Array(victims.length);
      const tree = new StaticHostTree(victims.length);
      const leavesOfHost = new Map<number, number[]>();
      victims.forEach((v, leaf) => {
        const i = this.ledger.hostIndexById.get(v.hostId)!;
        hostOf[leaf] = i;
        const list = leavesOfHost.get(i);
        if (list) list.push(leaf);
        else leavesOfHost.set(i, [leaf]);
        this.singleRoom(i, v);
        tree.setRaw(leaf, this.roomCpu, this.roomMem, 0);
      });
      tree.build();
      singles = { ...lazyIndex(tree, victims.length), victims, hostOf, leavesOfHost };
      this.singles = singles;
    }
    for (const leaf of singles.pending) {
      singles.dirty[leaf] = 0;
      this.singleRoom(singles.hostOf[leaf], singles.victims[leaf]);
      singles.tree.set(leaf, this.roomCpu, this.roomMem);
    }
    singles.pending.length = 0;
    return singles;
  }

  /** Room a host would have with this one victim gone (none when the victim is gone or the host is at MAX_HOST), in roomCpu/roomMem. */
  singleRoom(i: number, v: RunningJob): void {
    if (!this.beff.onHost(i).includes(v) || this.atLimit(i)) {
      this.roomCpu = -Infinity;
      this.roomMem = -Infinity;
    } else {
      this.roomCpu = this.ledger.freeCpu(i) + cpuShare(v.cpu);
      this.roomMem = this.ledger.freeMem(i) + memoryKb(v.memoryMb);
    }
  }

  private atLimit(i: number): boolean {
    return this.maxHost > 0 && this.ledger.hosts[i].dispatched >= this.maxHost;
  }

  /**
   * Room a host would have with all its beff jobs gone, in roomCpu/roomMem; none for a host
   * with fewer than two (lone victims have their own index, searched first).
   */
  private roomOf(i: number): void {
    const beff = this.beff.onHost(i);
    this.roomCpu = -Infinity;
    this.roomMem = -Infinity;
    if (beff.length < 2 || this.atLimit(i)) return;
    let cpu = this.ledger.freeCpu(i);
    let mem = this.ledger.freeMem(i);
    for (const v of beff) {
      cpu += cpuShare(v.cpu);
      mem += memoryKb(v.memoryMb);
    }
    this.roomCpu = cpu;
    this.roomMem = mem;
  }
}
