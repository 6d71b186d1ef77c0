import { describe, expect, it } from 'vitest';
import { cpuShare, hostCapacity, memoryKb, reservedMetric, systemDsNeedMb } from '../../lib/sched/capacity';
import { cluster, host } from './helpers';

describe('capacity arithmetic', () => {
  it('computes the CPU share in single precision as the rank placer does', () => {
    expect(cpuShare(0.29)).toBe(29);
    expect(cpuShare(0.1)).toBe(10);
    expect(cpuShare(1.5)).toBe(150);
    expect(memoryKb(1024)).toBe(1048576);
  });

  it('applies reserved capacity as oned does: absolute, percent, negative overcommits, garbage ignored', () => {
    expect(reservedMetric(800, '')).toBe(800);
    expect(reservedMetric(800, '100')).toBe(700);
    expect(reservedMetric(800, '25%')).toBe(600);
    expect(reservedMetric(800, '-50%')).toBe(1200);
    expect(reservedMetric(800, '-200')).toBe(1000);
    expect(reservedMetric(800, ' 100 ')).toBe(700);
    expect(reservedMetric(800, '10.5')).toBe(800);
    expect(reservedMetric(800, 'abc')).toBe(800);
  });

  it('lets the host reservation override the cluster one', () => {
    // Prepare
    const h = host({ id: 1, cpu: 8, memMb: 1024, reservedCpu: '200' });
    const c = cluster(0, [1], { reservedCpu: '50%', reservedMem: '50%' });
    // Act
    const cap = hostCapacity(h, c, true);
    // Assess
    expect(cap.maxCpu).toBe(600);
    expect(cap.maxMem).toBe(512 * 1024);
    expect(hostCapacity(h, c, false).maxCpu).toBe(800);
  });

  it('adds MEMORY_SYSTEM_DS_SCALE × memory to the system datastore need', () => {
    expect(systemDsNeedMb(100, 1024, 0)).toBe(100);
    expect(systemDsNeedMb(100, 1024, 1.5)).toBe(1636);
    expect(systemDsNeedMb(100, 1024, -1)).toBe(100);
  });
});
