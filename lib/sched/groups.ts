/**
 * Host groups: the hosts that match one distinct requirement (within one candidate set),
 * ranked by one rank expression, kept in a host index (hostIndex.ts). Jobs share few distinct expressions, so
 * a requirement is evaluated once per (expression, host) and a rank once per (rank, host),
 * whatever the number of jobs (ranks through the Scorer). Trees follow the ledger: a change of
 * a host is marked in the groups it belongs to and applied when a group is next searched.
 * (What preemption searches in a group, the room with beff jobs gone, is preemptionIndex.ts.)
 */
import type { AttrLookup, CompiledRank, CompiledRequirement } from './expr';
import { CURRENT_VMS, hostLookup, withCurrentVms } from './expr';
import { OVER_BUDGET, type ExprCache } from './exprCache';
import { RankScorer, type RankTable } from './scorer';
import { DynamicHostTree } from './dynamicHostTree';
import type { HostIndex } from './hostIndex';
import { StaticHostTree } from './staticHostTree';
import type { Ledger } from './ledger';
import { SCHEDULABLE } from './snapshot';
import { candidatesKey, ThreeKeyMap } from './threeKeyMap';
import { HostMarks, markLeaf } from './hostMarks';


export interface HostGroup {
  readonly key: string;
  readonly requirement: string;
  /** The requirement names CURRENT_VMS: it is tested again where this plan placed VMs (filters/requirements.ts). */
  readonly namesCurrentVms: boolean;
  readonly rankSource: string;
  /** Ledger indices of the matching hosts, by ascending host id; leaf i of the tree is hosts[i]. */
  readonly hosts: readonly number[];
  /** Leaf of each matching host by ledger index (-1: not a member). */
  readonly leafOf: Int32Array;
  readonly tree: HostIndex;
  /** Hosts the requirement was tested on (schedulable candidates). */
  readonly considered: readonly number[];
  readonly compiled: CompiledRequirement;
  readonly rank: CompiledRank;
  readonly scores: RankTable;
  /** Initial most-free CPU / memory on a matching host (before this plan). */
  readonly initialMaxCpu: number;
  readonly initialMaxMem: number;
  /** Leaves whose host changed since the tree was last brought up to date (applied lazily, once). */
  readonly pending: number[];
  readonly dirty: Uint8Array;
}

/** A group that cannot be built: its requirement does not compile, or ran out of steps in this plan (`overBudget`). */
export type GroupResult = { readonly ok: true; readonly group: HostGroup } | { readonly ok: false; readonly error: string; readonly overBudget?: boolean };

export class GroupRegistry {
  /** Schedulable hosts (ledger indices) by ascending host id. */
  readonly schedulable: readonly number[];
  /** Groups by candidate set, requirement and rank source. */
  private readonly groups = new ThreeKeyMap<GroupResult>();
  private readonly matchCache = new Map<string, Int8Array>();
  /** The groups' leaves on each host. */
  private readonly marks = new HostMarks<HostGroup>();
  private readonly lookups: (AttrLookup | undefined)[];
  private readonly failing = new Map<HostGroup, Map<string, number>>();
  private readonly scorer: RankScorer;

  constructor(
    private readonly ledger: Ledger,
    private readonly exprs: ExprCache,
    private readonly dynamic: boolean,
    private readonly maxHost: number,
  ) {
    const hosts = ledger.hosts;
    this.schedulable = hosts.map((_, i) => i).filter((i) => SCHEDULABLE.has(hosts[i].host.state))
      .sort((a, b) => hosts[a].host.id - hosts[b].host.id);
    this.lookups = new Array(hosts.length);
    this.scorer = new RankScorer(ledger, (i) => this.lookup(i), dynamic);
    // A host that changed is marked in every group holding it; a group applies it when next searched (`flush`).
    ledger.onHostChange((i) => this.marks.mark(i));
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
   * A host's attributes with CURRENT_VMS also counting the VMs this plan placed there, as
   * OpenNebula's placer re-tests such requirements at dispatch (HostXML::dispatched_vms).
   */
  lookupAsPlaced(i: number): AttrLookup {
    const b = this.ledger.hosts[i];
    return b.placedVmIds === undefined ? this.lookup(i) : withCurrentVms(this.lookup(i), [...b.host.vmIds, ...b.placedVmIds]);
  }

  /**
   * The group for a requirement and rank within a candidate set (the placer's HOSTS list or a
   * pinned host); `candidates` are host ids.
   */
  group(requirement: string, rankSource: string, candidates?: readonly number[]): GroupResult {
    const candKey = candidatesKey(candidates);
    let g = this.groups.get(candKey, requirement, rankSource);
    if (!g) {
      g = this.build(`${requirement}\u0000${rankSource}\u0000${candKey}`, requirement, rankSource, candidates);
      this.groups.set(candKey, requirement, rankSource, g);
    }
    return g;
  }

  /**
   * How many considered hosts each requirement term ruled out (like Nomad's ConstraintFiltered);
   * undefined when the requirement ran out of steps in this plan.
   */
  failingTerms(group: HostGroup): Map<string, number> | undefined {
    let counts = this.failing.get(group);
    if (!counts) {
      const counted = this.exprs.evaluate(group.requirement, (meter) => {
        const c = new Map<string, number>();
        for (const i of group.considered) {
          const term = group.compiled.failingTerm(this.lookup(i), meter);
          if (term !== undefined) c.set(term, (c.get(term) ?? 0) + 1);
        }
        return c;
      });
      if (counted === OVER_BUDGET) return undefined;
      counts = counted;
      this.failing.set(group, counts);
    }
    return counts;
  }

  /** The group's requirement on one lookup, counted on its meter: OVER_BUDGET once the requirement ran out of steps. */
  test(group: HostGroup, lookup: AttrLookup): boolean | typeof OVER_BUDGET {
    return this.exprs.evaluate(group.requirement, (meter) => group.compiled.test(lookup, meter));
  }

  /** The term that fails on one lookup (undefined when it holds), counted like `test`. */
  failingTerm(group: HostGroup, lookup: AttrLookup): string | undefined | typeof OVER_BUDGET {
    return this.exprs.evaluate(group.requirement, (meter) => group.compiled.failingTerm(lookup, meter));
  }

  /** The group's requirement ran out of steps in this plan: some of its answers are unknown. */
  overBudget(group: HostGroup): boolean {
    return this.exprs.overBudget(group.requirement);
  }

  /** Takes one leaf out of a group's searches (excluded host, host failing the datastore test); `restore` puts it back. */
  disable(group: HostGroup, leaf: number): void {
    this.flush(group);
    group.tree.set(leaf, -Infinity, -Infinity, group.tree.leafRank(leaf));
  }

  restore(group: HostGroup, leaf: number): void {
    this.flush(group);
    const i = group.hosts[leaf];
    group.tree.set(leaf, this.leafCpu(i), this.ledger.freeMem(i), group.tree.leafRank(leaf));
  }

  /** The rank of a host for a group, as the plan currently sees it. */
  rankOf(group: HostGroup, i: number): number {
    return this.scorer.scoreIn(group.scores, i);
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
    const matched = this.exprs.evaluate(requirement, (meter) => {
      for (const i of considered) {
        if (cache[i] === 0) cache[i] = compiled.expr.test(this.lookup(i), meter) ? 1 : -1;
        if (cache[i] === 1) hosts.push(i);
      }
    });
    // Answers found before the meter ran out stay in the cache: they are right.
    if (matched === OVER_BUDGET) return { ok: false, error: `evaluation took more than ${this.exprs.stepLimit} steps`, overBudget: true };
    let initialMaxCpu = -Infinity;
    let initialMaxMem = -Infinity;
    for (const i of hosts) {
      const b = this.ledger.hosts[i];
      initialMaxCpu = Math.max(initialMaxCpu, b.maxCpu - b.baseCpuUsage);
      initialMaxMem = Math.max(initialMaxMem, b.maxMem - b.baseMemUsage);
    }
    const leafOf = new Int32Array(this.ledger.hosts.length).fill(-1);
    const rank = this.exprs.rank(rankSource);
    const group: HostGroup = {
      key, requirement, namesCurrentVms: requirement.includes(CURRENT_VMS), rankSource, hosts, leafOf, tree: this.dynamic ? new DynamicHostTree(hosts.length) : new StaticHostTree(hosts.length), considered,
      compiled: compiled.expr, rank, scores: this.scorer.table(rankSource, rank), initialMaxCpu, initialMaxMem,
      pending: [], dirty: new Uint8Array(hosts.length),
    };
    // The tree starts from the snapshot's ranks, in the order every group of this rank shares
    // (ledger indices follow host ids, as leaves do); hosts the plan already changed are then
    // brought up to date like any later change (`flush`).
    const initial = this.scorer.initial(group.scores);
    hosts.forEach((i, leaf) => {
      leafOf[i] = leaf;
      group.tree.setRaw(leaf, this.leafCpu(i), this.ledger.freeMem(i), initial.values[i]);
      if (this.ledger.hosts[i].version !== 0) markLeaf(group, leaf);
    });
    this.marks.register(group, hosts);
    const order = new Int32Array(hosts.length);
    let p = 0;
    for (const i of initial.order) if (leafOf[i] >= 0) order[p++] = leafOf[i];
    group.tree.build(order);
    return { ok: true, group };
  }

  /** Free CPU as the trees see it: none once the host reached MAX_HOST dispatches in this plan. */
  private leafCpu(i: number): number {
    return this.atLimit(i) ? -Infinity : this.ledger.freeCpu(i);
  }

  /** Brings a group's tree up to date with the ledger; call before searching it. */
  flush(group: HostGroup): void {
    for (const leaf of group.pending) {
      group.dirty[leaf] = 0;
      const i = group.hosts[leaf];
      // Dynamic ranks: a host whose rank rose moves up at once; one whose rank fell keeps its
      // place (an upper bound) until a search finds it first and re-ranks it (`isStale`).
      const stored = group.tree.leafRank(leaf);
      const rank = this.dynamic ? Math.max(stored, this.rankOf(group, i)) : stored;
      group.tree.set(leaf, this.leafCpu(i), this.ledger.freeMem(i), rank);
    }
    group.pending.length = 0;
  }

  private atLimit(i: number): boolean {
    return this.maxHost > 0 && this.ledger.hosts[i].dispatched >= this.maxHost;
  }

  /**
   * In dynamic rank mode, whether a leaf a search found sits above its true rank; if so it is
   * moved to its place and the search must look again. Every other leaf's place is at least
   * its true rank, so the first fresh leaf found is the best.
   */
  isStale(group: HostGroup, leaf: number): boolean {
    if (!this.dynamic) return false;
    const i = group.hosts[leaf];
    const rank = this.rankOf(group, i);
    if (rank === group.tree.leafRank(leaf)) return false;
    group.tree.set(leaf, group.tree.leafCpu(leaf), group.tree.leafMem(leaf), rank);
    return true;
  }
}
