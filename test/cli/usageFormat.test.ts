/**
 * How `svmschedclient usage` and `output` print what the server sent: CSV quoted as RFC 4180
 * wants, a table in the unit asked, and output whose control characters cannot drive the terminal.
 */
import { describe, expect, it } from 'vitest';
import { outputText, usageCsv, usageTable } from '../../lib/cli/format/usage';
import type { UsageReport } from '../../lib/cli/api';

const report: UsageReport = {
  from: '2026-11-01', to: '2026-11-30', by: 'user',
  rows: [
    { key: 'alice', jobs: 3, vcpuSeconds: 7200, memoryMbSeconds: 3_686_400, wallSeconds: 3900, preemptedSeconds: 300, lostSeconds: 60, waitSeconds: 45, outcomes: { COMPLETED: 2, FAILED: 1 } },
    { key: 'o"brien, jr', jobs: 1, vcpuSeconds: 0, memoryMbSeconds: 0, wallSeconds: 0, preemptedSeconds: 0, lostSeconds: 0, waitSeconds: 12.5, outcomes: { CANCELLED: 1 } },
  ],
};

describe('usage and output formats', () => {
  it('writes CSV in seconds, one column per outcome seen, quoting what needs it', () => {
    const lines = usageCsv(report).split('\r\n');

    expect(lines[0]).toBe('user,from,to,jobs,vcpuSeconds,memoryMbSeconds,wallSeconds,waitSeconds,preemptedSeconds,lostSeconds,CANCELLED,COMPLETED,FAILED');
    expect(lines[1]).toBe('alice,2026-11-01,2026-11-30,3,7200,3686400,3900,45,300,60,0,2,1');
    expect(lines[2]).toBe('"o""brien, jr",2026-11-01,2026-11-30,1,0,0,0,12.5,0,0,1,0,0');
  });

  it('prints a table in hours by default, or in the unit asked', () => {
    const plain = (_: unknown, s: string) => s;

    expect(usageTable(report, 'hours', plain)).toMatch(/alice\s+3\s+2\.00\s+1024\.00\s+1\.08\s+0\.01\s+0\.08\s+0\.02\s+COMPLETED 2, FAILED 1/);
    expect(usageTable(report, 'minutes', plain)).toMatch(/alice\s+3\s+120\.00\s/);
    expect(usageTable({ ...report, rows: [] }, 'hours', plain)).toContain('no job ended in that time');
  });

  it('prints output with its lines and tabs, and escape sequences made visible', () => {
    const text = outputText({ jobId: 'j1', output: 'a\tb\n\u001b[2Jcleared?\n', truncated: true, recordedAt: '2026-11-02T00:00:00Z' });

    expect(text).toBe('[output cut: the last 64 KB of job j1\'s output follow]\na\tb\n\\x1b[2Jcleared?\n');
    expect(outputText({ jobId: 'j1', output: '', truncated: false })).toContain('no output recorded');
  });
});
