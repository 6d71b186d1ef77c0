/**
 * Network filter: for each auto NIC (by NIC id), the best-ranked network that is in the host's
 * cluster and has a free lease, a different one per NIC when DIFFERENT_VNETS is set
 * (Scheduler::dispatch). Leases are only taken when the job is placed.
 */
import { vnetLookup } from '../expr';
import type { FilterContext, NetworkFilter, PreparedNic, Rejection } from '../filter';
import { rankedNow } from './dynamicOrder';
import type { NicChoice } from '../contract';

const NONE = { ok: true, value: [] } as const;
const NO_NETWORK: Rejection = { code: 'network.none' };
const CLUSTER: Rejection = { code: 'network.cluster' };
const LEASES: Rejection = { code: 'network.leases', need: 1, free: 0 };

export const networkFilter = {
  kind: 'network',
  name: 'network',
  choose(ctx, job, i) {
    if (job.nics.length === 0 || job.kind === 'migrate' || job.kind === 'resumeSuspended') return NONE;
    const cluster = ctx.ledger.hosts[i].host.clusterId;
    // Leases taken by this job's earlier NICs; most jobs have one NIC and need no map (this runs per candidate host).
    const taken = job.nics.length > 1 ? new Map<number, number>() : undefined;
    const choices: NicChoice[] = [];
    for (const nic of job.nics) {
      let chosen = -1;
      let last = NO_NETWORK;
      for (const vnetId of orderFor(ctx, nic)) {
        if (ctx.differentVnets && taken?.has(vnetId)) continue;
        const v = ctx.ledger.vnets.get(vnetId);
        if (!v) continue;
        if (!v.vnet.clusterIds.includes(cluster)) {
          last = CLUSTER;
          continue;
        }
        if (v.freeLeases - (taken?.get(vnetId) ?? 0) <= 0) {
          last = LEASES;
          continue;
        }
        chosen = vnetId;
        break;
      }
      if (chosen < 0) return { ok: false, reason: last };
      taken?.set(chosen, (taken.get(chosen) ?? 0) + 1);
      choices.push({ nicId: nic.nicId, vnetId: chosen });
    }
    return { ok: true, value: choices };
  },
} satisfies NetworkFilter;

/** In dynamic rank mode a network's USED_LEASES includes the leases the plan already took. */
function orderFor(ctx: FilterContext, nic: PreparedNic): readonly number[] {
  if (!ctx.dynamicRanks || nic.vnets.length < 2) return nic.vnets;
  return rankedNow(nic.vnets, nic.rank, {
    get: (id) => ctx.ledger.vnets.get(id),
    lookup: (v) => vnetLookup(v.vnet),
    attr: 'USED_LEASES',
    now: (v) => v.usedLeases,
    before: (v) => v.vnet.usedLeases,
  });
}
