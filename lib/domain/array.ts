/**
 * Job arrays: one request for many jobs that differ only by their index (AWS Batch's array
 * jobs, Slurm's --array). The array is one stored item; its elements are made as the
 * scheduler needs them (lib/lifecycle/arrays.ts), each a job of its own with its index.
 */
import type { ArraySpec } from './job';

/** Most elements an array may have (as AWS Batch). */
export const MAX_ARRAY_SIZE = 10_000;

/** Shape of an array id: as a job id, with "a" for "j". */
export const ARRAY_ID_PATTERN = /^a[0-9a-z]{10}[0-9a-f]{16}$/;

/** An element's id: its array's id, "_" and its index (as Slurm writes ARRAYID_INDEX). */
export const elementId = (arrayId: string, index: number): string => `${arrayId}_${index}`;

/** The index of the k-th element (0-based) of an array. */
export const indexAt = (spec: Pick<ArraySpec, 'start' | 'step'>, k: number): number => spec.start + k * spec.step;

/** A request's array, as it was given wrong: the field and why. */
export class ArraySpecError extends Error {
  constructor(readonly field: string, message: string) {
    super(message);
    this.name = 'ArraySpecError';
  }
}

/**
 * Slurm's index range: `START-END[:STEP][%LIMIT]`, or a single `N` (indexes 0 to N-1 is `count`).
 * Returns the spec with nothing materialised yet.
 */
export function parseArraySpec(text: string): ArraySpec {
  const m = /^([0-9]{1,6})(?:-([0-9]{1,6})(?::([0-9]{1,6}))?)?(?:%([0-9]{1,6}))?$/.exec(text.trim());
  if (!m) throw new ArraySpecError('array', `array "${text}" is not START-END[:STEP][%LIMIT] (e.g. 0-24%5)`);
  const start = Number(m[1]);
  const end = m[2] === undefined ? start : Number(m[2]);
  const step = m[3] === undefined ? 1 : Number(m[3]);
  if (end < start) throw new ArraySpecError('array', `array "${text}": the range ends (${end}) before it starts (${start})`);
  if (step < 1) throw new ArraySpecError('array', `array "${text}": the step must be at least 1`);
  return arraySpec(start, end, step, m[4] === undefined ? undefined : Number(m[4]), 'array');
}

/** `count` elements, indexes 0 to count-1. */
export function countSpec(count: number, limit?: number): ArraySpec {
  if (!Number.isInteger(count) || count < 1) throw new ArraySpecError('count', `count must be a whole number from 1 to ${MAX_ARRAY_SIZE}`);
  return arraySpec(0, count - 1, 1, limit, 'count');
}

function arraySpec(start: number, end: number, step: number, limit: number | undefined, field: string): ArraySpec {
  const size = Math.floor((end - start) / step) + 1;
  if (size > MAX_ARRAY_SIZE) throw new ArraySpecError(field, `an array has at most ${MAX_ARRAY_SIZE} elements (this one ${size})`);
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) throw new ArraySpecError('concurrency', 'the concurrency limit must be at least 1');
  return { start, end, step, size, ...(limit !== undefined ? { limit } : {}), materialised: 0 };
}

/** The spec as Slurm writes it (0-24%5). */
export const formatArraySpec = (s: ArraySpec): string =>
  `${s.start}-${s.end}${s.step !== 1 ? `:${s.step}` : ''}${s.limit !== undefined ? `%${s.limit}` : ''}`;
