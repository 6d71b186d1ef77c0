/**
 * Requirements filter: the host matches the job's SCHED_REQUIREMENTS combined with its automatic
 * ones. Host groups are matched once against the snapshot; a requirement that names CURRENT_VMS
 * is tested again on a host this plan already placed VMs on, with those VMs counted (as
 * OpenNebula's placer re-evaluates it at dispatch, HostXML::dispatched_vms).
 */
import { OVER_BUDGET } from '../exprCache';
import type { GroupRegistry } from '../groups';
import { PASS, type HostFilter } from '../filter';

export function requirementsFilter(registry: GroupRegistry): HostFilter {
  return {
    kind: 'host',
    name: 'requirements',
    check(ctx, job, i) {
      if (!job.group) return { ok: false, reason: { code: 'requirements', term: job.requirementError } };
      if (job.group.leafOf[i] < 0) return { ok: false, reason: { code: 'requirements', term: termOf(registry.failingTerm(job.group, registry.lookup(i))) } };
      if (ctx.ledger.hosts[i].placedVmIds === undefined || !job.group.namesCurrentVms) return PASS;
      // A requirement out of steps cannot be re-tested: the host is turned down, and the reason says why (reasons.ts).
      const lookup = registry.lookupAsPlaced(i);
      if (registry.test(job.group, lookup) === true) return PASS;
      return { ok: false, reason: { code: 'requirements', term: termOf(registry.failingTerm(job.group, lookup)) } };
    },
  } satisfies HostFilter;
}

function termOf(term: string | undefined | typeof OVER_BUDGET): string | undefined {
  return term === OVER_BUDGET ? undefined : term;
}
