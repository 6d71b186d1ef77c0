import type { Job } from '../../domain/job';
import { isFinal } from '../../domain/job';
import { hostOf } from '../view';
import { escapeTerminalDeep } from './escape';
import { renderTable } from './table';
import { elapsedSince, formatDuration, formatMb, formatTime, type Paint, paintState, truncate } from './text';

const plain: Paint = (_s, t) => t;

// Each format escapes the server's text (./escape.ts) before it adds its own colours.

export function jobsTable(jobs: readonly Job[], now: number, paint: Paint = plain): string {
  if (jobs.length === 0) return 'No jobs.\n';
  const rows = jobs.map(escapeTerminalDeep).map((job) => [
    job.id, paintState(paint, job.state), job.service, job.class, job.priority, job.vcpu, formatMb(job.memory),
    hostOf(job) ?? '-', formatDuration(elapsedSince(job.createdAt, now)),
    truncate(job.reason ?? '', 60),
  ]);
  return renderTable(['ID', 'STATE', 'SERVICE', 'CLASS', 'PRIO', 'VCPU', 'MEMORY', 'HOST', 'AGE', 'REASON'], rows,
    (s) => paint('bold', s));
}

/** `status`: everything about one job, one fact a line. */
export function jobDetail(raw: Job, now: number, paint: Paint = plain): string {
  const job = escapeTerminalDeep(raw);
  const host = hostOf(job);
  const fields: [string, string | undefined][] = [
    ['Job', job.id],
    ['State', paintState(paint, job.state)],
    ['Reason', job.reason],
    ['Service', job.service],
    ['Class', `${job.class} (priority ${job.priority})`],
    ['Resources', `${job.vcpu} vCPU, ${formatMb(job.memory)}`],
    ['Arguments', job.args.length ? job.args.map(quoteArg).join(' ') : undefined],
    ['Lifetime', job.lifetime !== undefined ? formatDuration(job.lifetime * 1000) : undefined],
    ['Estimate', job.runtimeEstimate !== undefined ? formatDuration(job.runtimeEstimate * 1000) : undefined],
    ['Requirements', job.requirements],
    ['Host', host !== undefined ? `${host}${job.hostId !== undefined && job.hostName ? ` (id ${job.hostId})` : ''}` : undefined],
    ['VM', job.vmId !== undefined ? String(job.vmId) : undefined],
    ['Addresses', job.addresses?.length ? job.addresses.join(', ') : undefined],
    ['Time left', timeLeft(job, now)],
    ['Ran', isFinal(job.state) && job.runSeconds ? formatDuration(job.runSeconds * 1000) : undefined],
    ['Owner', job.owner],
    ['Tenant', job.tenant],
    ['Created', `${formatTime(job.createdAt)} (${formatDuration(elapsedSince(job.createdAt, now))} ago)`],
    ['Updated', formatTime(job.updatedAt)],
    ['Attempts', job.attempts ? String(job.attempts) : undefined],
    ['Excluded hosts', job.excludedHosts?.length ? job.excludedHosts.join(', ') : undefined],
    ['Preemptions', String(job.preemptions ?? 0)],
    ['Preempt mode', job.preemptMode],
    ['Exit code', job.exitCode !== undefined ? String(job.exitCode) : undefined],
  ];
  const shown = fields.filter((f): f is [string, string] => f[1] !== undefined && f[1] !== '');
  const width = Math.max(...shown.map(([k]) => k.length)) + 1;
  return shown.map(([k, v]) => `${`${k}:`.padEnd(width)} ${v}\n`).join('');
}

/** One history event as a log line: time, transition, where, why, and who preempted it. */
export function eventLine(raw: Job['history'][number], paint: Paint = plain): string {
  const event = escapeTerminalDeep(raw);
  const where = event.hostName ?? (event.hostId !== undefined ? `host ${event.hostId}` : undefined);
  const parts = [
    formatTime(event.at),
    `${event.from ? `${event.from} → ` : ''}${paintState(paint, event.to)}`,
    where ? `on ${where}${event.vmId !== undefined ? ` (VM ${event.vmId})` : ''}` : undefined,
    event.reason ? `— ${event.reason}` : undefined,
    event.by ? `[for job ${event.by}]` : undefined,
  ];
  return parts.filter(Boolean).join('  ');
}

/** `logs`: the whole history and, while the job waits, why. */
export function historyText(raw: Job, paint: Paint = plain): string {
  const job = escapeTerminalDeep(raw);
  const lines = job.history.map((e) => eventLine(e, paint));
  if (lines.length === 0) lines.push('(no history yet)');
  if (!isFinal(job.state) && job.reason) lines.push(`Now ${job.state}: ${job.reason}`);
  if (isFinal(job.state) && job.exitCode !== undefined) lines.push(`Exit code ${job.exitCode}`);
  return `${lines.join('\n')}\n`;
}

/**
 * Running time left before the lifetime ends the VM: to lifetimeEndsAt while it runs; while it
 * waits to resume, what its earlier runs left (time preempted does not count).
 */
function timeLeft(job: Job, now: number): string | undefined {
  if (isFinal(job.state) || job.lifetime === undefined) return undefined;
  if (job.lifetimeEndsAt !== undefined) {
    const ends = Date.parse(job.lifetimeEndsAt);
    return `${formatDuration(Math.max(0, ends - now))} (until ${formatTime(job.lifetimeEndsAt)})`;
  }
  return `${formatDuration(Math.max(0, job.lifetime - (job.runSeconds ?? 0)) * 1000)} of running time`;
}

const quoteArg = (arg: string): string => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`);
