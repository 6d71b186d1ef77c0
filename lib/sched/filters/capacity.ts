/**
 * Capacity filter: CPU×100 and MEMORY×1024 KB against MAX − USAGE (plus the plan's promises),
 * CPU tested first as HostShareXML::test_capacity does; and the MAX_HOST dispatch limit.
 */
import { PASS, type HostFilter } from '../filter';

export function capacityFilter(maxHost: number): HostFilter {
  return {
    kind: 'host',
    name: 'capacity',
    check(ctx, job, i) {
      // A suspended VM's own room is booked already: it resumes once that room is physically idle.
      const inPlace = job.kind === 'resumeSuspended';
      const freeCpu = inPlace ? ctx.ledger.physicalFreeCpu(i) : ctx.ledger.freeCpu(i);
      if (freeCpu < job.cpu) return { ok: false, reason: { code: 'capacity.cpu', need: job.cpu, free: freeCpu } };
      const freeMem = inPlace ? ctx.ledger.physicalFreeMem(i) : ctx.ledger.freeMem(i);
      if (freeMem < job.mem) return { ok: false, reason: { code: 'capacity.memory', need: job.mem, free: freeMem } };
      if (!inPlace && maxHost > 0 && ctx.ledger.hosts[i].dispatched >= maxHost) return { ok: false, reason: { code: 'dispatchLimit' } };
      return PASS;
    },
  } satisfies HostFilter;
}
