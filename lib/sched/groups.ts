/**
 * Host groups: the hosts that match one distinct requirement (within one candidate set),
 * ranked by one rank expression, kept in a HostTree. Jobs share few distinct expressions, so
 * a requirement is evaluated once per (expression, host) and a rank once per (rank, host),
 * whatever the number of jobs. Trees follow the ledger: every change of a host's usage is
 * pushed to the groups it belongs to (and, in dynamic rank mode, its rank is recomputed).
 */
import type { AttrLookup, CompiledRank, CompiledRequirement } from './expr';
import { hostLookup } from './expr';
import { overlayLookup, rankValue, type ExprCache } from './compile';
import { HostTree } from './hostTree';
import type { Ledger } from './ledger';
import type { Host } from './model';

/** Hosts the placer schedules on (HostPoolXML: STATE 1 or 2). */
const SCHEDULABLE = new Set<Host['state']>(['MONITORING_MONITORED', 'MONITORED']);

export interface HostGroup {
  readonly key: string;
  readonly requirement: string;
  readonly rankSource: string;
  /** Ledger indices of the matching hosts, by ascending host id; leaf i of the tree is hosts[i]. */
  readonly hosts: readonly number[];
  readonly leafOf: ReadonlyMap<number, number>;
  readonly tree: HostTree;
  /** Hosts the requirement was tested on (schedulable candidates). */
  readonly considered: readonly number[];
  readonly compiled: CompiledRequirement;
  readonly rank: CompiledRank;
  /** Initial most-free CPU / memory on a matching host (before this plan). */
  readonly initialMaxCpu: number;
  readonly initialMaxMem: number;
}

export type GroupResult = { readonly ok: true; readonly group: HostGroup } | { readonly ok: false; readonly error: string };

export class GroupRegistry {
  /** Schedulable hosts (ledger indices) by ascending host id. */
  readonly schedulable: readonly number[];
  private readonly groups = new Map<string, GroupResult>();
  private readonly matchCache = new Map<string, Int8Array>();
  private readonly membership: Array<Array<{ group: HostGroup; leaf: number }>>;
  private readonly lookups: (AttrLookup | undefined)[];
  private readonly failing = new Map<HostGroup, Map<string, number>>();

  constructor(
    private readonly ledger: Ledger,
    private readonly exprs: ExprCache,
    private readonly dynamic: boolean,
    private readonly maxHost: number,
  ) {
    const hosts = ledger.hosts;
    this.schedulable = hosts.map((_, i) => i).filter((i) => SCHEDULABLE.has(hosts[i].host.state))
      .sort((a, b) => hosts[a].host.id - hosts[b].host.id);
    this.membership = hosts.map(() => []);
    this.lookups = new Array(hosts.length);
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
    const key = `${requirement}\u0000${rankSource}\u0000${candKey}`;
    let g = this.groups.get(key);
    if (!g) {
      g = this.build(key, requirement, rankSource, candidates);
      this.groups.set(key, g);
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

  /** Takes one leaf out of a group's searches (excluded host, host failing the datastore test); `restore` puts it back. */
  disable(group: HostGroup, leaf: number): void {
    group.tree.set(leaf, -Infinity, -Infinity, group.tree.leafRank(leaf));
  }

  restore(group: HostGroup, leaf: number): void {
    const i = group.hosts[leaf];
    group.tree.set(leaf, this.leafCpu(i), this.ledger.freeMem(i), group.tree.leafRank(leaf));
  }

  /** The rank of a host for a group, as the plan currently sees it. */
  rankOf(group: HostGroup, i: number): number {
    return rankValue(group.rank, this.dynamic ? this.dynamicLookup(i) : this.lookup(i));
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
    for (const i of considered) {
      if (cache[i] === 0) cache[i] = compiled.expr.test(this.lookup(i)) ? 1 : -1;
      if (cache[i] === 1) hosts.push(i);
    }
    let initialMaxCpu = -Infinity;
    let initialMaxMem = -Infinity;
    for (const i of hosts) {
      const b = this.ledger.hosts[i];
      initialMaxCpu = Math.max(initialMaxCpu, b.maxCpu - b.baseCpuUsage);
      initialMaxMem = Math.max(initialMaxMem, b.maxMem - b.baseMemUsage);
    }
    const leafOf = new Map<number, number>();
    const group: HostGroup = {
      key, requirement, rankSource, hosts, leafOf, tree: new HostTree(hosts.length), considered,
      compiled: compiled.expr, rank: this.exprs.rank(rankSource), initialMaxCpu, initialMaxMem,
    };
    hosts.forEach((i, leaf) => {
      leafOf.set(i, leaf);
      group.tree.setRaw(leaf, this.leafCpu(i), this.ledger.freeMem(i), this.rankOf(group, i));
      this.membership[i].push({ group, leaf });
    });
    group.tree.build();
    return { ok: true, group };
  }

  /** Free CPU as the trees see it: none once the host reached MAX_HOST dispatches in this plan. */
  private leafCpu(i: number): number {
    if (this.maxHost > 0 && this.ledger.hosts[i].dispatched >= this.maxHost) return -Infinity;
    return this.ledger.freeCpu(i);
  }

  private refresh(i: number): void {
    const cpu = this.leafCpu(i);
    const mem = this.ledger.freeMem(i);
    for (const { group, leaf } of this.membership[i]) {
      const rank = this.dynamic ? this.rankOf(group, i) : group.tree.leafRank(leaf);
      group.tree.set(leaf, cpu, mem, rank);
    }
  }

  /** Host attributes that change with the plan's promises, for dynamic ranks. */
  private dynamicLookup(i: number): AttrLookup {
    const base = this.lookup(i);
    const b = this.ledger.hosts[i];
    if (b.cpuUsage === b.baseCpuUsage && b.memUsage === b.baseMemUsage && b.runningVms === b.baseRunningVms) return base;
    const first = (attr: string): number => Number(base(attr)[0] ?? 0) || 0;
    const dCpu = b.cpuUsage - b.baseCpuUsage;
    const dMem = b.memUsage - b.baseMemUsage;
    return overlayLookup(base, new Map([
      ['RUNNING_VMS', String(b.runningVms)],
      ['CPU_USAGE', String(b.cpuUsage)],
      ['MEM_USAGE', String(b.memUsage)],
      ['FREE_CPU', String(first('FREE_CPU') - dCpu)],
      ['FREE_MEM', String(first('FREE_MEM') - dMem)],
    ]));
  }
}
