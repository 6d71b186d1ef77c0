/**
 * Crash points for the fault suite: SVMSCHED_CRASH_POINTS="after-allocate,after-deploy=0.3"
 * makes the tick die right after that step (always, or with that probability), as a Lambda
 * killed mid-way would. Off unless the variable is set.
 */
export const CRASH_POINTS = [
  'after-lease', 'after-dispatching', 'after-allocate', 'after-record-vm', 'after-deploy',
  'after-preempting', 'after-preempt-action', 'after-resuming', 'after-resume-action', 'after-final',
] as const;
export type CrashPoint = (typeof CRASH_POINTS)[number];

export class CrashInjected extends Error {
  constructor(readonly point: CrashPoint) {
    super(`crash injected at ${point}`);
    this.name = 'CrashInjected';
  }
}

export type Crasher = (point: CrashPoint) => void;

export function crasherFrom(spec: string | undefined, random: () => number = Math.random): Crasher {
  const odds = new Map<string, number>();
  for (const part of (spec ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
    const [name, p] = part.split('=');
    odds.set(name!, p === undefined ? 1 : Number(p));
  }
  if (odds.size === 0) return () => {};
  return (point) => {
    const p = odds.get(point) ?? odds.get('*');
    if (p !== undefined && random() < p) throw new CrashInjected(point);
  };
}
