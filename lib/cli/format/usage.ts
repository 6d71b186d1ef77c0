/**
 * GET /usage as a table (figures in the unit asked, as sreport's -t) or as CSV (seconds, for
 * spreadsheets: one header line, one line a row, RFC 4180 quoting).
 */
import type { JobOutput, UsageReport, UsageRow } from '../api';
import { escapeTerminal } from './escape';
import { renderTable } from './table';
import type { Paint } from './text';

export const USAGE_UNITS = { seconds: 1, minutes: 60, hours: 3600 } as const;
export type UsageUnit = keyof typeof USAGE_UNITS;

const FIGURES = [
  ['vcpuSeconds', 'VCPU'], ['memoryMbSeconds', 'MEMORY-MB'], ['wallSeconds', 'WALL'], ['waitSeconds', 'WAIT'],
  ['preemptedSeconds', 'PREEMPTED'], ['lostSeconds', 'LOST'],
] as const satisfies ReadonlyArray<readonly [keyof UsageRow, string]>;

const outcomesText = (row: UsageRow) => Object.entries(row.outcomes).map(([state, n]) => `${state} ${n}`).join(', ');

export function usageTable(report: UsageReport, unit: UsageUnit, paint: Paint): string {
  const per = USAGE_UNITS[unit];
  const title = `usage from ${report.from} to ${report.to} by ${report.by}, in ${unit} (VCPU: vCPU-${unit}, MEMORY-MB: MB-${unit})\n`;
  if (report.rows.length === 0) return `${title}no job ended in that time\n`;
  const head = [report.by.toUpperCase(), 'JOBS', ...FIGURES.map(([, h]) => h), 'OUTCOMES'];
  const rows = report.rows.map((r) => [
    escapeTerminal(r.key), r.jobs, ...FIGURES.map(([f]) => (r[f] / per).toFixed(unit === 'seconds' ? 0 : 2)), escapeTerminal(outcomesText(r)),
  ]);
  return title + renderTable(head, rows, (s) => paint('bold', s));
}

const csvField = (v: string | number) => (typeof v === 'number' || !/[",\r\n]/.test(v) ? String(v) : `"${v.replace(/"/g, '""')}"`);

export function usageCsv(report: UsageReport): string {
  const states = [...new Set(report.rows.flatMap((r) => Object.keys(r.outcomes)))].sort();
  const head = [report.by, 'from', 'to', 'jobs', ...FIGURES.map(([f]) => f), ...states];
  const lines = report.rows.map((r) => [
    r.key, report.from, report.to, r.jobs, ...FIGURES.map(([f]) => r[f]), ...states.map((s) => r.outcomes[s as keyof UsageRow['outcomes']] ?? 0),
  ]);
  return [head, ...lines].map((line) => line.map(csvField).join(',')).join('\r\n') + '\r\n';
}

/** A job's output for a terminal: its lines and tabs as they are, every other control character made visible. */
export function outputText(out: JobOutput): string {
  if (out.recordedAt === undefined) return `no output recorded for job ${out.jobId} (it comes with the job's completion)\n`;
  const text = out.output.split('\n').map((line) => line.split('\t').map(escapeTerminal).join('\t')).join('\n');
  const note = out.truncated ? `[output cut: the last 64 KB of job ${out.jobId}'s output follow]\n` : '';
  return `${note}${text}${text.endsWith('\n') || text === '' ? '' : '\n'}`;
}
