/**
 * Phases 2–4 for one job: filter, score, select. The group's tree yields the best-ranked host
 * with CPU and memory room (capacity filter + rank scorer in one descent); the filter chain
 * (filters/chain.ts) then confirms or rejects it; a rejected host is set aside and the next best
 * is taken. Rejections are counted per reason (Nomad's AllocMetric) for the waiting reason.
 */
import type { GroupRegistry } from './groups';
import type { FilterContext, Placement, PreparedJob, RejectCode } from './filter';
import { confirmHost } from './filters/chain';
import { followLeader } from './affinity';

export type Selection =
  | { readonly ok: true; readonly placement: Placement }
  | { readonly ok: false; readonly rejected: ReadonlyMap<RejectCode, number> };

/** Image datastores must hold the disks cloned into them (VirtualMachineXML::test_image_datastore_capacity). */
export function imageDatastoresFit(ctx: FilterContext, job: PreparedJob): boolean {
  if (job.kind === 'migrate' || job.kind === 'resumeSuspended' || job.kind === 'resume' || !job.job.imageDatastoreMb) return true;
  for (const [id, mb] of Object.entries(job.job.imageDatastoreMb)) {
    if (mb === 0) continue;
    const d = ctx.ledger.datastores.get(Number(id));
    if (!d || !(mb < d.freeMb)) return false;
  }
  return true;
}

export function selectHost(ctx: FilterContext, registry: GroupRegistry, prepared: PreparedJob): Selection {
  const group = prepared.group;
  if (!group || group.hosts.length === 0) return { ok: false, rejected: new Map() };
  if (prepared.kind === 'resumeSuspended') return resumeInPlace(ctx, prepared, group.hosts[0], new Map());
  // Only OpenNebula VM-group followers have a leader to go after (most jobs: nothing to do).
  const lead = prepared.job.followsVmId === undefined ? undefined : followLeader(ctx, registry, prepared);
  if (lead?.placement) return { ok: true, placement: lead.placement };
  const job = lead?.job ?? prepared;
  registry.flush(group);

  // Allocated only when some host is turned down (most searches take the first host found).
  let rejected: Map<RejectCode, number> | undefined;
  let setAside: number[] | undefined;
  const reject = (code: RejectCode, leaf: number): void => {
    rejected ??= new Map();
    rejected.set(code, (rejected.get(code) ?? 0) + 1);
    registry.disable(group, leaf);
    (setAside ??= []).push(leaf);
  };
  for (const hostId of job.excluded) {
    const i = ctx.ledger.hostIndexById.get(hostId);
    const leaf = i === undefined ? -1 : group.leafOf[i];
    if (leaf >= 0) reject('excluded', leaf);
  }
  let result: Selection | undefined;
  for (let again = false; !result; again = true) {
    const leaf = group.tree.best(job.cpu, job.mem, again);
    if (leaf < 0) break;
    if (registry.isStale(group, leaf)) continue;
    const i = group.hosts[leaf];
    const confirmed = confirmHost(ctx, job, i);
    if (confirmed.ok) {
      const enforce = ctx.ledger.fitsBooked(i, job.cpu, job.mem);
      result = { ok: true, placement: { hostIndex: i, datastoreId: confirmed.datastoreId, nics: confirmed.nics, enforce } };
    } else {
      reject(confirmed.code, leaf);
    }
  }
  if (setAside) for (const leaf of setAside) registry.restore(group, leaf);
  return result ?? { ok: false, rejected: rejected ?? new Map() };
}

/** A suspended VM resumes on its own host once the room it holds is physically free again (see the capacity filter). */
function resumeInPlace(ctx: FilterContext, job: PreparedJob, i: number, rejected: Map<RejectCode, number>): Selection {
  const confirmed = confirmHost(ctx, job, i);
  if (!confirmed.ok) return { ok: false, rejected: rejected.set(confirmed.code, 1) };
  return { ok: true, placement: { hostIndex: i, datastoreId: confirmed.datastoreId, nics: confirmed.nics, enforce: true } };
}

/** Books a placement in the ledger: host, datastore, leases, image datastores. */
export function commitPlacement(ctx: FilterContext, job: PreparedJob, p: Placement): void {
  const { ledger } = ctx;
  const i = p.hostIndex;
  const d = ledger.datastores.get(p.datastoreId);
  if (d && !d.ds.shared) ledger.useLocalDs(i, p.datastoreId, job.disk);
  else if (d && job.kind === 'deploy') ledger.useDatastore(p.datastoreId, job.disk);
  for (const nic of p.nics) ledger.useLease(nic.vnetId);
  // A resume is not tested against image datastores but still books its clones there, as OpenNebula's placer does.
  if ((job.kind === 'deploy' || job.kind === 'resume') && job.job.imageDatastoreMb) {
    for (const [id, mb] of Object.entries(job.job.imageDatastoreMb)) ledger.useDatastore(Number(id), mb);
  }
  if (job.kind === 'resumeSuspended') ledger.unhold(i, job.cpu, job.mem);
  else ledger.add(i, job.cpu, job.mem);
  if (job.job.vmId !== undefined) ledger.notePlacedVm(i, job.job.vmId, p.datastoreId);
}
