/**
 * The tick's part of job arrays: it makes the next few elements of each unfinished array into
 * real jobs when they could run (none of the array's elements waits for room already, and the
 * concurrency limit allows), and ends the array once every element has ended. So an array of
 * 10,000 that waits costs a tick a handful of queued jobs, not 10,000.
 */
import { elementId, indexAt } from '../domain/array';
import { endedWell, freshJob, type Job } from '../domain/job';
import type { ArrayStore } from './ports';
import { JobStateConflictError } from '../store/errors';

/** Elements made in one go at first; then as many as the array has unfinished, up to the most (so a burst that runs grows quickly). */
export const FIRST_BATCH = 4;
export const MAX_BATCH = 32;

/** The k-th element of an array, as a new job: the array's request, its own id, index and history. */
export function elementOf(array: Job, k: number, now: number): Job {
  const spec = array.array!;
  const index = indexAt(spec, k);
  const at = new Date(now).toISOString();
  const { array: _spec, history: _history, reason: _reason, ...request } = array;
  return {
    ...request,
    id: elementId(array.id, index),
    arrayId: array.id,
    arrayIndex: index,
    arraySize: spec.size,
    ...freshJob(at, `element ${index} of array ${array.id}`),
  };
}

/** How many elements to make now (0: none). `unfinished` are the array's unfinished elements the tick read. */
export function batchSize(array: Job, unfinished: readonly Job[]): number {
  const spec = array.array!;
  const left = spec.size - spec.materialised;
  // One waiting element says there is no room for more: the next are made once it is placed.
  if (left <= 0 || unfinished.some((j) => j.state === 'QUEUED')) return 0;
  const room = spec.limit !== undefined ? spec.limit - unfinished.length : Infinity;
  return Math.max(0, Math.min(left, room, Math.max(FIRST_BATCH, Math.min(MAX_BATCH, unfinished.length))));
}

/**
 * One round's work on arrays: the new elements (to plan in this same round), the arrays ended,
 * and the unfinished arrays as read. `jobs` are the unfinished jobs the round read.
 */
export async function advanceArrays(store: ArrayStore, jobs: readonly Job[], now: number): Promise<{ made: Job[]; ended: number; arrays: Job[] }> {
  const arrays = await store.unfinishedArrays();
  if (arrays.length === 0) return { made: [], ended: 0, arrays };
  const byArray = new Map<string, Job[]>();
  for (const j of jobs) if (j.arrayId !== undefined) byArray.set(j.arrayId, [...(byArray.get(j.arrayId) ?? []), j]);
  const made: Job[] = [];
  let ended = 0;
  for (const array of arrays) {
    if (array.state !== 'QUEUED' && array.state !== 'RUNNING') continue;
    const spec = array.array!;
    const unfinished = byArray.get(array.id) ?? [];
    if (spec.materialised >= spec.size && unfinished.length === 0) {
      if (await endArray(store, array)) ended++;
      continue;
    }
    const n = batchSize(array, unfinished);
    if (n === 0) continue;
    const elements = Array.from({ length: n }, (_, i) => elementOf(array, spec.materialised + i, now));
    if (await store.materialise(array, elements)) made.push(...elements);
  }
  return { made, ended, arrays };
}

/** Every element made has ended (read again, strongly: the queue index may lag): the array ends with them. */
async function endArray(store: ArrayStore, array: Job): Promise<boolean> {
  const elements = await store.elements(array);
  if (elements.some((e) => e.state !== 'COMPLETED' && e.state !== 'FAILED' && e.state !== 'CANCELLED' && e.state !== 'EXPIRED')) return false;
  const bad = elements.filter((e) => !endedWell(e));
  const to = bad.length === 0 ? 'COMPLETED' : 'FAILED';
  const reason = bad.length === 0
    ? `all ${elements.length} elements ended well`
    : `${bad.length} of ${elements.length} elements did not end well (first: element ${bad[0]!.arrayIndex}, ${bad[0]!.state}${bad[0]!.reason ? `: ${bad[0]!.reason}` : ''})`;
  try {
    await store.finish(array.id, ['QUEUED', 'RUNNING'], to, reason);
  } catch (err) {
    // Cancelled meanwhile: it is ended already.
    if (err instanceof JobStateConflictError) return false;
    throw err;
  }
  return true;
}
