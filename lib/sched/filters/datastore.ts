/**
 * Datastore filter: the best-ranked system datastore, among those matching the job, that is
 * in the host's cluster and has room (Scheduler::dispatch in OpenNebula's rank placer):
 *  - shared: monitored, and need < FREE_MB or need = 0; resumes and migrations add nothing;
 *  - host-local: need < the host's free MB for it (strictly, even for 0).
 */
import { datastoreLookup } from '../expr';
import type { DatastoreFilter, FilterContext, PreparedJob } from '../filter';
import type { Rejection } from '../filter';
import { rankedNow } from './dynamicOrder';

const NONE: Rejection = { code: 'datastore.none' };
const CLUSTER: Rejection = { code: 'datastore.cluster' };
const MONITOR: Rejection = { code: 'datastore.monitor' };
/** One result object per datastore chosen (this filter runs for every candidate host). */
const chosen = new Map<number, { readonly ok: true; readonly value: number }>();

export const datastoreFilter = {
  kind: 'datastore',
  name: 'datastore',
  choose(ctx, job, i) {
    const cluster = ctx.ledger.hosts[i].host.clusterId;
    let last = NONE;
    for (const dsId of orderFor(ctx, job)) {
      const d = ctx.ledger.datastores.get(dsId);
      if (!d) continue;
      if (!d.ds.clusterIds.includes(cluster)) {
        if (last === NONE) last = CLUSTER;
        continue;
      }
      if (d.ds.shared) {
        if (!d.monitored) {
          last = MONITOR;
          continue;
        }
        if (job.kind === 'deploy' && !(job.disk < d.freeMb || job.disk === 0)) {
          last = { code: 'datastore.capacity', need: job.disk, free: d.freeMb };
          continue;
        }
      } else {
        const free = ctx.ledger.localDsFree(i, dsId);
        if (!(job.disk < free)) {
          last = { code: 'datastore.capacity', need: job.disk, free };
          continue;
        }
      }
      let result = chosen.get(dsId);
      if (result === undefined) {
        result = { ok: true, value: dsId };
        chosen.set(dsId, result);
      }
      return result;
    }
    return { ok: false, reason: last };
  },
} satisfies DatastoreFilter;

/** In dynamic rank mode a shared datastore's FREE_MB includes what the plan already put there. */
function orderFor(ctx: FilterContext, job: PreparedJob): readonly number[] {
  if (!ctx.dynamicRanks || job.datastores.length < 2) return job.datastores;
  return rankedNow(job.datastores, job.dsRank, {
    get: (id) => ctx.ledger.datastores.get(id),
    lookup: (d) => datastoreLookup(d.ds),
    attr: 'FREE_MB',
    now: (d) => d.freeMb,
    before: (d) => d.baseFreeMb,
  });
}
