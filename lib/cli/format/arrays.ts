import type { Job, JobState } from '../../domain/job';
import { JOB_STATES } from '../../domain/job';
import { formatArraySpec } from '../../domain/array';
import { hostOf } from '../view';
import { escapeTerminalDeep } from './escape';
import { renderTable } from './table';
import { elapsedSince, formatDuration, formatMb, formatTime, type Paint, paintState, truncate } from './text';

const plain: Paint = (_s, t) => t;

/** An array as GET /jobs/{id} answers it: its elements' states counted, and its elements made so far. */
export type ArrayView = Job & { readonly counts?: Partial<Record<JobState, number>>; readonly elements?: readonly Job[] };

export const isArray = (job: Job): job is ArrayView => job.array !== undefined;

/** "3 RUNNING, 20 QUEUED, 2 COMPLETED", in the states' own order. */
export function countsText(job: ArrayView, paint: Paint = plain): string {
  const counts = job.counts ?? {};
  return JOB_STATES.filter((s) => counts[s]).map((s) => `${counts[s]} ${paintState(paint, s)}`).join(', ') || 'no elements';
}

/** `status ARRAY`: the array, its elements counted by state, then one row per element made so far. */
export function arrayDetail(raw: ArrayView, now: number, paint: Paint = plain): string {
  const array = escapeTerminalDeep(raw);
  const spec = array.array!;
  const fields: [string, string | undefined][] = [
    ['Array', array.id],
    ['State', paintState(paint, array.state)],
    ['Reason', array.reason],
    ['Elements', `${spec.size} (indexes ${formatArraySpec(spec)}${spec.limit !== undefined ? `, at most ${spec.limit} at a time` : ''})`],
    ['Counts', countsText(array, paint)],
    ['Service', array.service],
    ['Class', `${array.class} (priority ${array.priority})`],
    ['Resources', `${array.vcpu} vCPU, ${formatMb(array.memory)} each`],
    ['Lifetime', array.lifetime !== undefined ? formatDuration(array.lifetime * 1000) : undefined],
    ['Owner', array.owner],
    ['Created', `${formatTime(array.createdAt)} (${formatDuration(elapsedSince(array.createdAt, now))} ago)`],
  ];
  const shown = fields.filter((f): f is [string, string] => f[1] !== undefined && f[1] !== '');
  const width = Math.max(...shown.map(([k]) => k.length)) + 1;
  const head = shown.map(([k, v]) => `${`${k}:`.padEnd(width)} ${v}\n`).join('');
  const elements = array.elements ?? [];
  if (elements.length === 0) return head;
  const rows = elements.map((e) => [
    e.arrayIndex ?? '-', e.id, paintState(paint, e.state), hostOf(e) ?? '-', e.vmId ?? '-', e.preemptions ?? 0, truncate(e.reason ?? '', 60),
  ]);
  return `${head}\n${renderTable(['INDEX', 'JOB', 'STATE', 'HOST', 'VM', 'PREEMPTIONS', 'REASON'], rows, (s) => paint('bold', s))}`;
}
