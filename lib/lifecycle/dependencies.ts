/**
 * Jobs that wait for others (dependsOn): before the plan, the tick holds back every queued job
 * whose dependencies have not ended as it needs, with the reason "waits for JOB (RUNNING)";
 * fails at once one whose dependency can no longer end so; and drops each dependency met from
 * the job, so that it is read once. A dependency still unfinished is in what the round read
 * already; one that has ended is read once (a GetItem), so the cost is bounded by the
 * dependencies that ended since the last round.
 */
import { endedWell, isFinal, type Dependency, type Job } from '../domain/job';
import type { JobStore } from './ports';

export type DependencyVerdict =
  | { readonly type: 'wait'; readonly reason: string }
  | { readonly type: 'fail'; readonly reason: string }
  /** Every dependency met: the job may be planned, and its dependsOn is dropped. */
  | { readonly type: 'ready' };

/** What the tick knows of a dependency: its state and whether it ended well (undefined: not found). */
export type Known = Pick<Job, 'id' | 'state' | 'lifetimeIsSuccess'> | undefined;

const met = (d: Dependency, dep: NonNullable<Known>): boolean | undefined => {
  if (!isFinal(dep.state)) return undefined;
  if (d.condition === 'any') return true;
  return (d.condition === 'ok') === endedWell(dep);
};

/** One job's dependencies, against what is known of each. Pure. */
export function verdict(job: Pick<Job, 'dependsOn'>, known: (id: string) => Known): DependencyVerdict {
  for (const d of job.dependsOn ?? []) {
    const dep = known(d.job);
    if (dep === undefined) return { type: 'fail', reason: `waits for ${d.job}, which no longer exists: it can never start` };
    const ok = met(d, dep);
    if (ok === false) return { type: 'fail', reason: `waits for ${d.job} to end ${d.condition === 'ok' ? 'well' : 'unsuccessfully'}, but it ended ${dep.state}: it can never start` };
  }
  const pending = (job.dependsOn ?? []).find((d) => met(d, known(d.job)!) === undefined);
  return pending ? { type: 'wait', reason: `waits for ${pending.job} (${known(pending.job)!.state})` } : { type: 'ready' };
}

export interface Gate {
  /** Jobs to leave out of this round's plan. */
  readonly held: ReadonlySet<string>;
  readonly verdicts: ReadonlyMap<string, DependencyVerdict>;
}

/**
 * The verdict of every queued job with dependencies. `unfinished` are the round's unfinished
 * jobs and arrays; a dependency not among them has ended and is read from the store.
 */
export async function gate(store: Pick<JobStore, 'get'>, jobs: readonly Job[], unfinishedArrays: readonly Job[]): Promise<Gate> {
  const waiting = jobs.filter((j) => j.state === 'QUEUED' && (j.dependsOn?.length ?? 0) > 0);
  if (waiting.length === 0) return { held: new Set(), verdicts: new Map() };
  const known = new Map<string, Known>([...jobs, ...unfinishedArrays].map((j) => [j.id, j]));
  for (const id of new Set(waiting.flatMap((j) => j.dependsOn!.map((d) => d.job)))) {
    if (!known.has(id)) known.set(id, await store.get(id));
  }
  const verdicts = new Map(waiting.map((j) => [j.id, verdict(j, (id) => known.get(id))]));
  return { held: new Set(waiting.map((j) => j.id)), verdicts };
}
