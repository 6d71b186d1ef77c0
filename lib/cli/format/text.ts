import { styleText } from 'node:util';
import type { JobState } from '../../domain/job';

/** 42 s → "42s", 3723 s → "1h02m03s", 7200 s → "2h": short enough for a table, exact enough to compare. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const pad = (n: number): string => String(n).padStart(2, '0');
  // Round spans (a lifetime of 2h) read better without their zero tail.
  if (h > 0) return `${h}h${m || s ? `${pad(m)}m` : ''}${s ? `${pad(s)}s` : ''}`;
  if (m > 0) return `${m}m${s ? `${pad(s)}s` : ''}`;
  return `${s}s`;
}

export const elapsedSince = (iso: string | undefined, now: number): number =>
  iso ? Math.max(0, now - Date.parse(iso)) : 0;

export const truncate = (text: string, width: number): string =>
  text.length <= width ? text : `${text.slice(0, Math.max(0, width - 1))}…`;

/** "2025-01-02T03:04:05.678Z" → "2025-01-02 03:04:05Z": what a person reads in a log. */
export const formatTime = (iso: string): string => iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z');

export function formatMb(mb: number): string {
  return mb >= 1024 ? `${(mb / 1024).toFixed(mb % 1024 === 0 ? 0 : 1)} GB` : `${Math.round(mb)} MB`;
}

const STATE_STYLE: Partial<Record<JobState, Parameters<typeof styleText>[0]>> = {
  COMPLETED: 'green', RUNNING: 'cyan', FAILED: 'red', EXPIRED: 'red', CANCELLED: 'yellow',
  PREEMPTED: 'magenta', PREEMPTING: 'magenta', QUEUED: 'gray',
};

export type Paint = (style: Parameters<typeof styleText>[0], text: string) => string;

/** Colours only for a terminal, and never when NO_COLOR is set. */
export const painter = (enabled: boolean): Paint =>
  enabled ? (style, text) => styleText(style, text) : (_style, text) => text;

export const paintState = (paint: Paint, state: JobState): string => {
  const style = STATE_STYLE[state];
  return style ? paint(style, state) : state;
};
