import { describe, expect, it } from 'vitest';
import type { Job } from '../../lib/domain/job';
import { clusterTable, servicesTable, usageBar } from '../../lib/cli/format/cluster';
import { historyText, jobDetail, jobsTable } from '../../lib/cli/format/jobs';
import { formatDuration } from '../../lib/cli/format/text';
import { LineProgress, progressSummary } from '../../lib/cli/progress';
import { jobView } from '../../lib/cli/view';

const T0 = Date.parse('2030-01-01T10:00:00Z');
const at = (s: number): string => new Date(T0 + s * 1000).toISOString();

const queued: Job = {
  id: 'J1', owner: 'alice', service: 'example-service1', class: 'beff', priority: 0, vcpu: 2, memory: 1024,
  args: ['/data/repository/file.dat'], preemptMode: 'stop', state: 'QUEUED', createdAt: at(0), updatedAt: at(0),
  attempts: 0, excludedHosts: [], preemptions: 0, reason: 'needs 2 CPU, most free on a matching host is 1',
  history: [{ at: at(0), to: 'QUEUED', reason: 'submitted' }],
};
const running: Job = {
  ...queued, state: 'RUNNING', hostId: 3, hostName: 'host03', vmId: 42, updatedAt: at(5), reason: undefined,
  history: [...queued.history,
    { at: at(4), from: 'QUEUED', to: 'DISPATCHING', reason: 'placed', hostId: 3, hostName: 'host03', vmId: 42 },
    { at: at(5), from: 'DISPATCHING', to: 'RUNNING', reason: 'VM running', hostId: 3, hostName: 'host03', vmId: 42 }],
};
const preemptedThenDone: Job = {
  ...running, state: 'COMPLETED', preemptions: 1, exitCode: 0, updatedAt: at(75),
  history: [...running.history,
    { at: at(30), from: 'RUNNING', to: 'PREEMPTING', reason: 'room for a prod job', by: 'J9', hostId: 3, hostName: 'host03' },
    { at: at(31), from: 'PREEMPTING', to: 'PREEMPTED', reason: 'stopped' },
    { at: at(40), from: 'PREEMPTED', to: 'RESUMING', reason: 'room again', hostId: 5, hostName: 'host05' },
    { at: at(41), from: 'RESUMING', to: 'RUNNING', reason: 'resumed', hostId: 5, hostName: 'host05' },
    { at: at(75), from: 'RUNNING', to: 'COMPLETED', reason: 'exit code 0', hostId: 5, hostName: 'host05' }],
  hostId: 5, hostName: 'host05',
};

describe('job views', () => {
  it('--json shows host once placed (null before), history, and never a callback token', () => {
    // Act
    const before = jobView(queued);
    const after = jobView({ ...running, callbackToken: 'secret' } as Job);

    // Assess
    expect(before).toMatchObject({ id: 'J1', state: 'QUEUED', service: 'example-service1', class: 'beff', host: null });
    expect(after).toMatchObject({ state: 'RUNNING', host: 'host03', hostId: 3 });
    expect(after.history).toHaveLength(3);
    expect(JSON.stringify(after)).not.toContain('secret');
  });

  it('list prints one row a job with state, host and the waiting reason', () => {
    // Act
    const text = jobsTable([queued, running], T0 + 65_000);

    // Assess
    const [head, first, second] = text.trimEnd().split('\n');
    expect(head).toMatch(/^ID\s+STATE\s+SERVICE\s+CLASS\s+PRIO\s+VCPU\s+MEMORY\s+HOST\s+AGE\s+REASON$/);
    expect(first).toMatch(/^J1\s+QUEUED\s+example-service1\s+beff\s+0\s+2\s+1 GB\s+-\s+1m05s\s+needs 2 CPU/);
    expect(second).toMatch(/RUNNING .* host03 /);
  });

  it('status shows the facts of a job a line each', () => {
    // Act
    const text = jobDetail(preemptedThenDone, T0 + 80_000);

    // Assess
    expect(text).toMatch(/^State:\s+COMPLETED$/m);
    expect(text).toMatch(/^Host:\s+host05 \(id 5\)$/m);
    expect(text).toMatch(/^Preemptions:\s+1$/m);
    expect(text).toMatch(/^Exit code:\s+0$/m);
    expect(text).toMatch(/^Arguments:\s+\/data\/repository\/file.dat$/m);
  });

  it('logs shows every transition, where, why and for whom, and why a waiting job waits', () => {
    // Act
    const done = historyText(preemptedThenDone);
    const waiting = historyText(queued);

    // Assess
    expect(done).toContain('RUNNING → PREEMPTING  on host03  — room for a prod job  [for job J9]');
    expect(done).toContain('RESUMING → RUNNING  on host05');
    expect(done.trimEnd().split('\n')).toHaveLength(9);
    expect(waiting).toContain('Now QUEUED: needs 2 CPU, most free on a matching host is 1');
  });

  it('formats spans for people', () => {
    // Assess
    expect([0, 42, 65, 3600, 5400, 3723].map((s) => formatDuration(s * 1000))).toEqual(['0s', '42s', '1m05s', '1h', '1h30m', '1h02m03s']);
  });
});

describe('--wait progress', () => {
  it('summarises state, host, elapsed time and preemptions on one line', () => {
    // Act
    const line = progressSummary(preemptedThenDone, T0 + 75_000);

    // Assess
    expect(line).toBe('job J1 · COMPLETED on host05 · 1m15s · 1 preemption');
  });

  it('without a terminal prints each event once and the waiting reason when it changes', () => {
    // Prepare
    const out: string[] = [];
    const progress = new LineProgress({ write: (s) => out.push(s) }, () => T0 + 75_000, (_s, t) => t);

    // Act
    for (const job of [queued, queued, { ...queued, reason: 'behind 3 jobs of higher priority' }, running, preemptedThenDone]) {
      progress.update(job);
    }
    progress.finish(preemptedThenDone);

    // Assess
    const lines = out.join('').trimEnd().split('\n');
    expect(lines.filter((l) => l.includes('QUEUED → DISPATCHING'))).toHaveLength(1);
    expect(lines.filter((l) => l.startsWith('waiting: '))).toEqual([
      'waiting: needs 2 CPU, most free on a matching host is 1', 'waiting: behind 3 jobs of higher priority']);
    expect(lines).toHaveLength(preemptedThenDone.history.length + 3);
    expect(lines.at(-1)).toBe('job J1 · COMPLETED on host05 · 1m15s · 1 preemption');
  });
});

describe('cluster and services', () => {
  const info = {
    hosts: [
      { id: 0, name: 'host00', state: 'MONITORED', cpu: { total: 8, used: 2, free: 6 }, memory: { total: 16384, used: 4096, free: 12288 },
        runningVms: 1, jobs: [{ jobId: 'J1', service: 's', class: 'prod' as const, state: 'RUNNING' as const }] },
      { id: 1, name: 'host01', state: 'MONITORED', cpu: { total: 4, used: 4, free: 0 }, memory: { total: 8192, used: 8192, free: 0 },
        runningVms: 2, jobs: [] },
    ],
  };

  it('shows used and free capacity per host with bars, then the totals', () => {
    // Act
    const text = clusterTable(info);

    // Assess
    expect(text).toMatch(/^host00\s+0\s+MONITORED\s+\[###\.{7}\] 2\/8\s+6\s+\[###\.{7}\] 4 GB\/16 GB\s+12 GB\s+1\s+1 \(1 prod, 0 beff\)$/m);
    expect(text).toMatch(/^host01 .*\[##########\] 4\/4\s+0 /m);
    expect(text).toContain('2 hosts: CPU [#####.....] 6/12 used, 6 free');
    expect(usageBar({ total: 0, used: 0, free: 0 })).toBe('[..........]');
  });

  it('lists services with defaults and limits', () => {
    // Act
    const text = servicesTable([{ id: 'example-service1', defaultVcpu: 1, maxVcpu: 4, defaultMemory: 512, maxMemory: 4096,
      defaultLifetime: 600, maxLifetime: 3600, preemptMode: 'requeue', repositories: ['data'], description: 'checksums' }]);

    // Assess
    expect(text).toMatch(/^example-service1\s+1 \(max 4\)\s+512 MB \(max 4 GB\)\s+10m \(max 1h\)\s+requeue\s+data\s+checksums$/m);
  });
});
