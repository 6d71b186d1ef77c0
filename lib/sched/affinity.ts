/**
 * OpenNebula VM-group followers (the placer's QueuedJob.followsVmId). The rank placer's dispatch,
 * once it placed a group leader, appends the leader's host and system datastore to each affined
 * VM's matches, and it walks matches from the end: a follower placed later in the same plan tries
 * the leader's host first and, on every host, the leader's datastore first. The leader's host is
 * tried even if it did not match the follower's requirements on the snapshot: only the
 * CURRENT_VMS re-test of dispatch (against the VMs placed so far) decides there. A migration
 * never takes its own host this way. Without a placed leader nothing changes.
 */
import type { GroupRegistry } from './groups';
import { confirmHost } from './filters/chain';
import type { FilterContext, Placement, PreparedJob } from './filter';

export interface FollowedLeader {
  /** The job with the leader's datastore first (itself when it has no placed leader). */
  readonly job: PreparedJob;
  /** Set when the leader's host takes the job. */
  readonly placement?: Placement;
}

export function followLeader(ctx: FilterContext, registry: GroupRegistry, job: PreparedJob): FollowedLeader {
  const leaderId = job.job.followsVmId;
  const leader = leaderId === undefined ? undefined : ctx.ledger.placedVms.get(leaderId);
  // A VM without matching datastores was dropped before dispatch: nothing to add to.
  if (!leader || !job.group || job.datastores.length === 0) return { job };
  const followed: PreparedJob = { ...job, datastores: [leader.datastoreId, ...job.datastores] };
  const i = leader.hostIndex;
  if (job.kind === 'migrate' && ctx.ledger.hosts[i].host.id === job.job.migrateFrom!.hostId) return { job: followed };
  if (registry.test(job.group, registry.lookupAsPlaced(i)) !== true) return { job: followed };
  const confirmed = confirmHost(ctx, followed, i, ctx.placementFilters.filter((f) => f.name !== 'requirements'));
  if (!confirmed.ok) return { job: followed };
  const enforce = ctx.ledger.fitsBooked(i, job.cpu, job.mem);
  return { job: followed, placement: { hostIndex: i, datastoreId: confirmed.datastoreId, nics: confirmed.nics, enforce } };
}
