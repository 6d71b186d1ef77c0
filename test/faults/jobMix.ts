/**
 * The jobs the fault suite submits: a seeded mix of classes, services, sizes and short
 * durations, so a run can be replayed with the same workload.
 */
import { mulberry32 } from '../../lib/replay/prng';

export interface JobRequest {
  readonly service: 'nrt-service' | 'prod-service' | 'example-service1';
  readonly class: 'prod' | 'beff';
  readonly vcpu: number;
  readonly memory: number;
  readonly priority: number;
  readonly args: string[];
}

/** Text the service prints when its work is done (in the guest's console log). */
export const DONE_LINE: Record<JobRequest['service'], RegExp> = {
  'nrt-service': /^nrt-service: done after \d+ s$/m,
  'prod-service': /^prod-service: done after \d+ s$/m,
  'example-service1': /^example-service1: \/data\/repository\/file\.dat: .* -> \/data\/repository\/file\.dat\.result$/m,
};

export function jobMix(n: number, seed: number): JobRequest[] {
  const random = mulberry32(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  const jobs: JobRequest[] = [];
  for (let i = 0; i < n; i += 1) {
    const r = random();
    // Mostly the class a service is meant for, sometimes the other one.
    const other = random() < 0.2;
    const seconds = String(int(1, 5));
    const base = { vcpu: int(2, 4), memory: 512 * int(1, 4), priority: int(0, 3) };
    if (r < 0.4) jobs.push({ ...base, service: 'nrt-service', class: other ? 'prod' : 'beff', args: [seconds] });
    else if (r < 0.75) jobs.push({ ...base, service: 'prod-service', class: other ? 'beff' : 'prod', args: [seconds] });
    else jobs.push({ ...base, service: 'example-service1', class: 'beff', args: ['/data/repository/file.dat'] });
  }
  return jobs;
}
