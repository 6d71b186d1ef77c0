/**
 * Phase 1 (compile) for jobs: a queued job becomes a PreparedJob — OpenNebula units, its host
 * group (requirements matched once per distinct expression), its system datastores and
 * networks, matched and ranked once per distinct expression.
 */
import { datastoreLookup, vnetLookup, type CompiledRank } from './expr';
import { combineRequirements, OVER_BUDGET, rankValue, type ExprCache } from './exprCache';
import { cpuShare, memoryKb, systemDsNeedMb } from './capacity';
import type { GroupRegistry } from './groups';
import type { Ledger } from './ledger';
import type { Datastore, Vnet } from './snapshot';
import type { OverBudget, PlacementKind, PreparedJob, PreparedNic } from './filter';
import { datastoreRankSource, hostRankSource, nicRankSource } from './policy';
import type { Policy, QueuedJob } from './contract';
import { textAt } from './xmlPath';
import { candidatesKey, ThreeKeyMap } from './threeKeyMap';

/** Objects matching a requirement; or it does not compile (`error`), or it ran out of steps in this plan (`overBudget`). */
type Matched = { readonly ok: true; readonly ids: readonly number[] } | { readonly ok: false; readonly error: string; readonly overBudget?: boolean };

export class JobPreparer {
  private readonly systemDs: readonly Datastore[];
  private readonly vnets: readonly Vnet[];
  private readonly dsCache = new ThreeKeyMap<Matched>();
  private readonly vnetCache = new ThreeKeyMap<Matched>();

  constructor(
    private readonly ledger: Ledger,
    private readonly registry: GroupRegistry,
    private readonly exprs: ExprCache,
    private readonly policy: Policy,
  ) {
    // System datastores the placer considers (SystemDatastorePoolXML: TYPE=1 and STATE=0).
    this.systemDs = [...ledger.datastores.values()].map((d) => d.ds)
      .filter((ds) => ds.type === 'SYSTEM' && (textAt(ds.xml, 'STATE') ?? '0').trim() === '0')
      .sort((a, b) => a.id - b.id);
    this.vnets = [...ledger.vnets.values()].map((v) => v.vnet).sort((a, b) => a.id - b.id);
  }

  prepare(job: QueuedJob, order: number): PreparedJob {
    const kind = kindOf(job);
    let excluded: ReadonlySet<number> = NO_HOSTS;
    if (job.excludedHostIds?.length || job.migrateFrom) {
      excluded = new Set([...(job.excludedHostIds ?? []), ...(job.migrateFrom ? [job.migrateFrom.hostId] : [])]);
    }

    let candidates = job.candidateHostIds;
    if (job.pinnedHostId !== undefined) candidates = intersect(candidates, [job.pinnedHostId]);
    let requirement = combineRequirements(job.automaticRequirements, job.requirements);
    if (kind === 'resumeSuspended') {
      // A suspended VM resumes where it is: its host is the only candidate, its requirements held there already.
      candidates = [job.preempted!.hostId];
      requirement = '';
    }
    const rankSource = job.rank && job.rank.trim() !== '' ? job.rank : hostRankSource(this.policy.host);
    const g = this.registry.group(requirement, rankSource, candidates);
    let overBudget: OverBudget | undefined = !g.ok && g.overBudget ? { which: 'SCHED_REQUIREMENTS', requirement } : undefined;

    const dsRankSource = job.dsRank && job.dsRank.trim() !== '' ? job.dsRank : datastoreRankSource(this.policy.datastore);
    const dsRank = this.exprs.rank(dsRankSource);
    let datastores: Matched;
    // A migration keeps its system datastore, which must be one the placer considers (enabled, SYSTEM).
    if (kind === 'migrate') datastores = { ok: true, ids: this.systemDs.some((ds) => ds.id === job.migrateFrom!.datastoreId) ? [job.migrateFrom!.datastoreId] : [] };
    else if (kind === 'resumeSuspended' && job.preempted!.datastoreId !== undefined) datastores = { ok: true, ids: [job.preempted!.datastoreId] };
    else {
      const dsRequirement = combineRequirements(job.automaticDsRequirements, job.dsRequirements);
      datastores = this.matchDatastores(dsRequirement, dsRankSource, dsRank, job.candidateDatastoreIds);
      if (!datastores.ok && datastores.overBudget) overBudget ??= { which: 'SCHED_DS_REQUIREMENTS', requirement: dsRequirement };
    }

    const nics: PreparedNic[] = [];
    let nicRequirementError: string | undefined;
    const autoNics = job.nics.length === 0 ? job.nics : job.nics.length === 1 ? (job.nics[0].auto ? job.nics : []) : job.nics.filter((n) => n.auto).sort((a, b) => a.nicId - b.nicId);
    for (const nic of autoNics) {
      const nicRankSrc = nic.schedRank && nic.schedRank.trim() !== '' ? nic.schedRank : nicRankSource(this.policy.nic);
      const rank = this.exprs.rank(nicRankSrc);
      const nicRequirement = combineRequirements(job.automaticNicRequirements, nic.schedRequirements);
      const m = this.matchVnets(nicRequirement, nicRankSrc, rank, nic.candidateVnetIds);
      if (!m.ok && m.overBudget) overBudget ??= { which: 'NIC SCHED_REQUIREMENTS', requirement: nicRequirement };
      else if (!m.ok) nicRequirementError ??= m.error;
      nics.push({ nicId: nic.nicId, vnets: m.ok ? m.ids : [], rank });
    }

    return {
      job, order, kind, excluded,
      cpu: cpuShare(job.cpu),
      mem: memoryKb(job.memoryMb),
      disk: job.systemDsMb ?? systemDsNeedMb(job.diskMb, job.memoryMb, this.policy.memorySystemDsScale),
      group: g.ok ? g.group : undefined,
      requirementError: g.ok || g.overBudget ? undefined : g.error,
      datastores: datastores.ok ? datastores.ids : [],
      dsRank,
      dsRequirementError: datastores.ok || datastores.overBudget ? undefined : datastores.error,
      nics,
      nicRequirementError,
      ...(overBudget ? { overBudget } : {}),
    };
  }

  private matchDatastores(requirement: string, rankSource: string, rank: CompiledRank, candidates?: readonly number[]): Matched {
    return this.match(this.dsCache, this.systemDs, requirement, rankSource, rank, candidates, datastoreLookup);
  }

  private matchVnets(requirement: string, rankSource: string, rank: CompiledRank, candidates?: readonly number[]): Matched {
    return this.match(this.vnetCache, this.vnets, requirement, rankSource, rank, candidates, vnetLookup);
  }

  /** Objects matching a requirement, best rank first (ties: lowest id), cached per distinct (requirement, rank, candidates). */
  private match<T extends { readonly id: number }>(
    cache: ThreeKeyMap<Matched>, pool: readonly T[], requirement: string, rankSource: string, rank: CompiledRank,
    candidates: readonly number[] | undefined, lookupOf: (o: T) => ReturnType<typeof datastoreLookup>,
  ): Matched {
    const candKey = candidatesKey(candidates);
    let m = cache.get(candKey, requirement, rankSource);
    if (m) return m;
    const compiled = this.exprs.requirement(requirement);
    if (!compiled.ok) {
      m = { ok: false, error: compiled.error };
    } else {
      const allowed = candidates ? new Set(candidates) : undefined;
      const matching = this.exprs.evaluate(requirement, (meter) => pool.filter((o) => (!allowed || allowed.has(o.id)) && compiled.expr.test(lookupOf(o), meter)));
      if (matching === OVER_BUDGET) {
        m = { ok: false, error: `evaluation took more than ${this.exprs.stepLimit} steps`, overBudget: true };
      } else {
        const ranked = matching
          .map((o) => ({ id: o.id, rank: rankValue(rank, lookupOf(o)) }))
          .sort((a, b) => b.rank - a.rank || a.id - b.id);
        m = { ok: true, ids: ranked.map((r) => r.id) };
      }
    }
    cache.set(candKey, requirement, rankSource, m);
    return m;
  }
}

const NO_HOSTS: ReadonlySet<number> = new Set();

function kindOf(job: QueuedJob): PlacementKind {
  if (job.migrateFrom) return 'migrate';
  if (job.preempted?.mode === 'suspend') return 'resumeSuspended';
  if (job.preempted && job.preempted.mode !== 'requeue' && job.vmId !== undefined) return 'resume';
  return 'deploy';
}

function intersect(a: readonly number[] | undefined, b: readonly number[]): readonly number[] {
  if (!a) return b;
  const s = new Set(a);
  return b.filter((x) => s.has(x));
}
