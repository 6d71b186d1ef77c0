import { describe, expect, it } from 'vitest';
import { tenantsTable } from '../../lib/cli/format/tenants';

describe('svmschedclient tenants (table)', () => {
  it('shows each tenant\'s share, guarantee, use, borrowing, lending, waiting work and limits', () => {
    const text = tenantsTable({
      observedAt: '2030-01-01T00:00:00.000Z',
      tenants: [
        {
          id: 'acme', share: 3, fraction: 0.75, guaranteed: { vcpu: 6, memoryMb: 12288 }, used: { vcpu: 8, memoryMb: 4096, runningJobs: 2 },
          borrowed: { vcpu: 2, memoryMb: 0 }, lent: { vcpu: 0, memoryMb: 0 }, waiting: { jobs: 0, vcpu: 0, memoryMb: 0 },
        },
        {
          id: 'beta', share: 1, fraction: 0.25, guaranteed: { vcpu: 2, memoryMb: 4096 }, used: { vcpu: 0, memoryMb: 0, runningJobs: 0 },
          borrowed: { vcpu: 0, memoryMb: 0 }, lent: { vcpu: 2, memoryMb: 0 }, waiting: { jobs: 1, vcpu: 4, memoryMb: 1024 },
          limits: { vcpu: 64 }, borrowLimit: { vcpu: 8 },
        },
      ],
    });
    const [head, acme, beta] = text.split('\n');
    expect(head).toMatch(/^TENANT\s+SHARE\s+GUARANTEED\s+USED\s+BORROWED\s+LENT\s+WAITING\s+LIMITS$/);
    expect(acme).toMatch(/^acme\s+3 \(75%\)\s+6 vCPU, 12 GB\s+8 vCPU, 4 GB \(2 jobs\)\s+2 vCPU, 0 MB\s+0 vCPU, 0 MB\s+0 \(0 vCPU, 0 MB\)\s+-$/);
    expect(beta).toMatch(/^beta\s+1 \(25%\)\s+.*2 vCPU, 0 MB\s+1 \(4 vCPU, 1 GB\)\s+64 vCPU, borrow ≤ 8 vCPU$/);
    expect(text).toContain('at 2030-01-01T00:00:00.000Z');
  });

  it('before any tick: shares and limits only, and says so', () => {
    const text = tenantsTable({ tenants: [{ id: 'default', share: 1 }] });
    expect(text).toMatch(/^default\s+1\s+-\s+-\s+-\s+-\s+-\s+-$/m);
    expect(text).toContain('no tick has seen the cloud yet');
  });
});
