import ora, { type Ora } from 'ora';
import { endedWell, type Job } from '../domain/job';
import { escapeTerminal, escapeTerminalDeep } from './format/escape';
import { eventLine } from './format/jobs';
import { elapsedSince, formatDuration, type Paint, paintState } from './format/text';
import type { OutStream } from './io';
import { hostOf } from './view';
import { countsText, isArray } from './format/arrays';

/** Shows a followed job: a live line on a terminal, plain lines when stdout is a file or a pipe. */
export interface Progress {
  update(job: Job): void;
  /** Called once with the final view (or the last one seen, when interrupted). */
  finish(job: Job | undefined): void;
}

/** "RUNNING on host02 · 1m04s · 1 preemption · why": what the live line shows. */
export function progressSummary(raw: Job, now: number, paint: Paint = (_s, t) => t): string {
  const job = escapeTerminalDeep(raw);
  // An array is followed as one: its elements counted by state.
  if (isArray(job)) return [`array ${job.id}`, paintState(paint, job.state), countsText(job, paint), formatDuration(elapsedSince(job.createdAt, now))].join(' · ');
  const host = hostOf(job);
  const preemptions = job.preemptions ?? 0;
  return [
    `job ${job.id}`,
    `${paintState(paint, job.state)}${host ? ` on ${host}` : ''}`,
    formatDuration(elapsedSince(job.createdAt, now)),
    `${preemptions} preemption${preemptions === 1 ? '' : 's'}`,
    ...(job.reason ? [job.reason] : []),
  ].join(' · ');
}

/** Prints each new history event once, and the planner's reason whenever it changes. */
class EventPrinter {
  private seen = 0;
  private lastReason: string | undefined;

  constructor(private readonly paint: Paint) {}

  newLines(job: Job): string[] {
    const lines = job.history.slice(this.seen).map((e) => eventLine(e, this.paint));
    this.seen = Math.max(this.seen, job.history.length);
    const lastEventReason = job.history.at(-1)?.reason;
    if (job.reason && job.reason !== this.lastReason && job.reason !== lastEventReason) {
      lines.push(`waiting: ${escapeTerminal(job.reason)}`);
    }
    this.lastReason = job.reason;
    return lines;
  }
}

export class LineProgress implements Progress {
  private readonly events: EventPrinter;

  constructor(private readonly out: OutStream, private readonly now: () => number, private readonly paint: Paint) {
    this.events = new EventPrinter(paint);
  }

  update(job: Job): void {
    for (const line of this.events.newLines(job)) this.out.write(`${line}\n`);
  }

  finish(job: Job | undefined): void {
    if (job) this.out.write(`${progressSummary(job, this.now(), this.paint)}\n`);
  }
}

export class SpinnerProgress implements Progress {
  private readonly events: EventPrinter;
  private readonly spinner: Ora;
  private readonly ticker: NodeJS.Timeout;
  private last: Job | undefined;

  constructor(private readonly out: OutStream, private readonly now: () => number, private readonly paint: Paint) {
    this.events = new EventPrinter(paint);
    this.spinner = ora({
      stream: out as NodeJS.WritableStream, isEnabled: true, discardStdin: false, text: 'looking at the job…',
    }).start();
    // The elapsed time moves between two looks at the job.
    this.ticker = setInterval(() => this.last && (this.spinner.text = progressSummary(this.last, this.now(), this.paint)), 1000);
  }

  update(job: Job): void {
    this.last = job;
    const lines = this.events.newLines(job);
    if (lines.length > 0) {
      this.spinner.clear();
      for (const line of lines) this.out.write(`${line}\n`);
    }
    this.spinner.text = progressSummary(job, this.now(), this.paint);
    this.spinner.render();
  }

  finish(job: Job | undefined): void {
    clearInterval(this.ticker);
    if (!job) return void this.spinner.stop();
    const text = progressSummary(job, this.now(), this.paint);
    if (endedWell(job)) this.spinner.succeed(text);
    else if (['FAILED', 'CANCELLED', 'EXPIRED'].includes(job.state)) this.spinner.fail(text);
    else this.spinner.stopAndPersist({ symbol: '…', text });
  }
}

/** A terminal that reports no width (some pseudo-terminals) gets plain lines: the spinner could not erase itself. */
export const createProgress = (out: OutStream, now: () => number, paint: Paint): Progress =>
  out.isTTY && (out.columns ?? 0) > 0 ? new SpinnerProgress(out, now, paint) : new LineProgress(out, now, paint);
