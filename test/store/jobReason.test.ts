import { describe, it, expect } from 'vitest';
import { reasonPatch } from '../../lib/store/jobReason';

describe('reasonPatch', () => {
  it('keeps the final reason, the waiting reason, and clears it while the job runs', () => {
    expect(reasonPatch('FAILED', 'boom', {})).toEqual({ reason: 'boom' });
    expect(reasonPatch('QUEUED', 'retrying elsewhere', { attempts: 1 })).toEqual({ attempts: 1, reason: 'retrying elsewhere' });
    expect(reasonPatch('RUNNING', 'running on host h', { clear: ['vmId'] })).toEqual({ clear: ['vmId', 'reason'] });
  });

  it('leaves a patch that says its own reason alone', () => {
    expect(reasonPatch('RUNNING', 'x', { reason: 'y' })).toEqual({ reason: 'y' });
  });
});
