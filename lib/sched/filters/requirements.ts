/**
 * Requirements filter: the host matches the job's SCHED_REQUIREMENTS combined with its automatic
 * ones. Host groups are matched once against the snapshot; a requirement that names CURRENT_VMS
 * is tested again on a host this plan already placed VMs on, with those VMs counted (as
 * OpenNebula's placer re-evaluates it at dispatch, HostXML::dispatched_vms).
 */
import type { GroupRegistry } from '../groups';
import { PASS, type HostFilter } from '../phases';

export function requirementsFilter(registry: GroupRegistry): HostFilter {
  return {
    name: 'requirements',
    check(ctx, job, i) {
      if (!job.group) return { ok: false, reason: { code: 'requirements', term: job.requirementError } };
      if (job.group.leafOf[i] < 0) return { ok: false, reason: { code: 'requirements', term: job.group.compiled.failingTerm(registry.lookup(i)) } };
      if (ctx.ledger.hosts[i].placedVmIds === undefined || !job.group.namesCurrentVms) return PASS;
      const lookup = registry.lookupAsPlaced(i);
      if (job.group.compiled.test(lookup)) return PASS;
      return { ok: false, reason: { code: 'requirements', term: job.group.compiled.failingTerm(lookup) } };
    },
  } satisfies HostFilter;
}
