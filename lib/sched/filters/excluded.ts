/** Excluded-hosts filter: hosts where a deploy of this job already failed (and a migrating VM's own host). */
import { PASS, type HostFilter } from '../filter';

export const excludedFilter = {
  kind: 'host',
  name: 'excluded',
  check(ctx, job, i) {
    return job.excluded.has(ctx.ledger.hosts[i].host.id) ? { ok: false, reason: { code: 'excluded' } } : PASS;
  },
} satisfies HostFilter;
