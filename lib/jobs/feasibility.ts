/**
 * A request no host of the cloud could ever satisfy, told at submit rather than after its
 * pending deadline: requirements that hold on no host, or more CPUs or memory than the largest
 * host that meets them has. Judged on the hosts the tick last recorded, at their best (empty):
 * a busy cloud is not a reason, only its shape is.
 */
import { compileRequirement, EvaluationBudgetExceeded, hostLookup, StepMeter } from '../sched/expr';
import type { HostCapability } from '../lifecycle/hostCapability';

export interface Request {
  readonly vcpu: number;
  /** MB. */
  readonly memory: number;
  /** The service's and the job's requirements, ANDed ("" for none). */
  readonly requirements: string;
}

export interface Refusal {
  readonly field: 'requirements' | 'vcpu' | 'memory';
  readonly message: string;
}

/**
 * Evaluation steps the whole check may take: a requirement made to be slow to match (wildcards
 * against whole documents) is not judged here, it is accepted and the planner says why it waits.
 */
const CHECK_STEPS = 2_000_000;

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Why no host could ever take the request, or undefined when one could (or no host is known, or judging it took more than `steps`). */
export function neverSatisfiable(hosts: readonly HostCapability[], req: Request, steps = CHECK_STEPS): Refusal | undefined {
  if (hosts.length === 0) return undefined;
  try {
    return judge(hosts, req, new StepMeter(steps));
  } catch (err) {
    if (err instanceof EvaluationBudgetExceeded) return undefined;
    throw err;
  }
}

function judge(hosts: readonly HostCapability[], req: Request, meter: StepMeter): Refusal | undefined {
  const requirement = compileRequirement(req.requirements);
  const lookups = hosts.map((h) => hostLookup({ xml: h.xml, vmIds: [] }));
  const failing = new Map<string, string[]>();
  const matching = hosts.filter((h, i) => {
    if (requirement.test(lookups[i]!, meter)) return true;
    const term = requirement.failingTerm(lookups[i]!, meter) ?? req.requirements;
    failing.set(term, [...(failing.get(term) ?? []), h.name]);
    return false;
  });
  if (matching.length === 0) {
    const wait = 'to wait for such a host anyway, submit with waitForHost';
    // A term that holds on no host at all is the one to change; else each host fails another.
    const none = [...failing.keys()].find((term) => lookups.every((l) => !compileRequirement(term).test(l, meter)));
    if (none !== undefined) {
      return { field: 'requirements', message: `no host of the cloud meets the requirements: ${none} holds on none of its ${plural(hosts.length, 'host')}; ${wait}` };
    }
    const each = [...failing.entries()].map(([term, names]) => `${term} fails on ${names.slice(0, 3).join(', ')}${names.length > 3 ? ` and ${names.length - 3} more` : ''}`);
    return { field: 'requirements', message: `no host of the cloud meets all the requirements: ${each.join('; ')}; ${wait}` };
  }
  if (matching.some((h) => h.cpu >= req.vcpu && h.memory >= req.memory)) return undefined;
  const of = matching.length < hosts.length ? ' meeting the requirements' : '';
  const byCpu = matching.reduce((a, b) => (b.cpu > a.cpu ? b : a));
  const byMem = matching.reduce((a, b) => (b.memory > a.memory ? b : a));
  const largest = byCpu === byMem ? `the largest host${of}, ${byCpu.name}, has ${byCpu.cpu} CPUs and ${byCpu.memory} MB`
    : `the host${of} with the most CPUs, ${byCpu.name}, has ${byCpu.cpu} CPUs and ${byCpu.memory} MB; the one with the most memory, ${byMem.name}, ${byMem.cpu} CPUs and ${byMem.memory} MB`;
  const field = byCpu.cpu < req.vcpu ? 'vcpu' : 'memory';
  return { field, message: `no host of the cloud can ever hold ${req.vcpu} vCPU and ${req.memory} MB: ${largest}; to wait for a larger host anyway, submit with waitForHost` };
}
