import { describe, expect, it } from 'vitest';
import type { Job } from '../../lib/domain/job';
import type { ClusterInfo, ServiceInfo } from '../../lib/cli/api';
import { clusterTable, servicesTable } from '../../lib/cli/format/cluster';
import { escapeJsonForTerminal, escapeTerminal } from '../../lib/cli/format/escape';
import { historyText, jobDetail, jobsTable } from '../../lib/cli/format/jobs';
import { LineProgress, progressSummary } from '../../lib/cli/progress';
import { toJson } from '../../lib/cli/view';
import { formatTokenTable } from '../../lib/admin/format';
import { formatOptimizeReport } from '../../lib/admin/optimize';
import { ACTIVE, HOSTILE, hostileJob, T0 } from '../fixtures/hostileText';

function expectInert(text: string, lines: number): void {
  expect(text).not.toMatch(ACTIVE);
  expect(text.trimEnd().split('\n')).toHaveLength(lines);
  expect(text).toContain('\\x1b[2J');
}

describe('escapeTerminal', () => {
  it('shows every control character as a visible escape and leaves other text alone', () => {
    expect(escapeTerminal('a\u001b[2Jb\u009b1m\r\n\t\u0000\u007f\u202e é 日本 ✓')).toBe('a\\x1b[2Jb\\x9b1m\\r\\n\\t\\x00\\x7f\\u202e é 日本 ✓');
    expect(escapeTerminal(escapeTerminal(HOSTILE))).toBe(escapeTerminal(HOSTILE));
  });

  it('--json keeps the data and escapes what JSON.stringify leaves raw (C1, DEL, bidi)', () => {
    const job = hostileJob();
    const text = toJson(job);
    expect(text).not.toMatch(ACTIVE);
    expect(JSON.parse(text)).toEqual(job);
    expect(escapeJsonForTerminal('"\u009b"')).toBe('"\\u009b"');
  });
});

describe('every human format escapes the server\'s text', () => {
  const job = hostileJob();

  it('list, status, logs and the progress line', () => {
    expectInert(jobsTable([job], T0), 2);
    const detail = jobDetail(job, T0);
    expectInert(detail, detail.trimEnd().split('\n').length);
    expect(detail).not.toMatch(/^State: COMPLETED/m);
    expect(detail.match(/^Owner:/gm)).toHaveLength(1);
    expectInert(historyText(job), 2);
    expect(progressSummary(job, T0)).not.toMatch(ACTIVE);
    const out: string[] = [];
    const progress = new LineProgress({ write: (s: string) => out.push(s) }, () => T0, (_s, t) => t);
    progress.update(job);
    progress.finish(job);
    expectInert(out.join(''), 3);
  });

  it('keeps its own colours and only those', () => {
    // A painter as a colour terminal gets (styleText leaves text plain when the test's stdout is not a terminal).
    const coloured = jobDetail({ ...job, state: 'COMPLETED' }, T0, (_style, text) => `\u001b[32m${text}\u001b[39m`);
    // The only escape sequences left are the format's own SGR colours around the state.
    const sequences = coloured.match(/\u001b\[[0-9;]*[A-Za-z]/g) ?? [];
    expect(sequences.length).toBeGreaterThan(0);
    expect(coloured.replace(/\u001b\[[0-9;]*m/g, '')).not.toMatch(ACTIVE);
    expect(coloured).toContain('\\x1b[32mCOMPLETED');
  });

  it('cluster and services', () => {
    const capacity = { total: 4, used: 1, free: 3 };
    const cluster: ClusterInfo = { hosts: [{ id: 1, name: `host${HOSTILE}`, state: `ON${HOSTILE}`, cpu: capacity, memory: capacity, runningVms: 1,
      jobs: [{ jobId: HOSTILE, service: HOSTILE, class: 'prod', state: 'RUNNING' }] }] };
    expectInert(clusterTable(cluster), 4);
    const services: ServiceInfo[] = [{ id: `svc${HOSTILE}`, description: `d${HOSTILE}`, repositories: [HOSTILE] }];
    expectInert(servicesTable(services), 2);
  });

  it('svmsched-admin token list and optimize', () => {
    expectInert(formatTokenTable([{ id: '0123456789abcdef', user: `u${HOSTILE}`, role: 'user', createdAt: '2030-01-01', description: `d${HOSTILE}` }]), 2);
    const report = formatOptimizeReport({
      applied: false,
      plan: { actions: [], objectiveBefore: 1, objectiveAfter: 1, clusters: [], reasons: [`host${HOSTILE} is full`] },
      migrations: [{ action: { vmId: 1, jobId: HOSTILE, fromHostId: 1, hostId: 2 } as never, outcome: 'failed', error: HOSTILE }],
    });
    expect(report).not.toMatch(ACTIVE);
    expect(report).toContain('\\x1b[2J');
  });
});
