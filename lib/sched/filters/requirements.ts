/** Requirements filter: the host matches the job's SCHED_REQUIREMENTS combined with its automatic ones. */
import type { GroupRegistry } from '../groups';
import { PASS, type HostFilter } from '../phases';

export function requirementsFilter(registry: GroupRegistry): HostFilter {
  return {
    name: 'requirements',
    check(_ctx, job, i) {
      if (!job.group) return { ok: false, reason: { code: 'requirements', term: job.requirementError } };
      if (job.group.leafOf[i] >= 0) return PASS;
      return { ok: false, reason: { code: 'requirements', term: job.group.compiled.failingTerm(registry.lookup(i)) } };
    },
  } satisfies HostFilter;
}
