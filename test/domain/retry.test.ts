import { describe, expect, it } from 'vitest';
import { badRule, decideRetry, matches } from '../../lib/domain/retry';

describe('retry rules', () => {
  it('match a failure by kind, or an exit code by number or glob', () => {
    expect(matches({ on: 'boot', action: 'stop' }, { kind: 'boot' })).toBe(true);
    expect(matches({ on: 'boot', action: 'stop' }, { kind: 'host' })).toBe(false);
    expect(matches({ on: 'exit:1*', action: 'stop' }, { kind: 'exit', exitCode: 137 })).toBe(true);
    expect(matches({ on: 'exit:1*', action: 'stop' }, { kind: 'exit', exitCode: 2 })).toBe(false);
    expect(matches({ on: 'exit:6?', action: 'stop' }, { kind: 'exit', exitCode: 66 })).toBe(true);
    expect(matches({ on: 'exit:*', action: 'stop' }, { kind: 'lifetime' })).toBe(false);
    expect(badRule('exit:abc')).toContain('exit:abc');
    expect(badRule('lifetime')).toBeUndefined();
  });

  it('without rules: the infrastructure is tried again up to the configured attempts, the service\'s own end is not', () => {
    expect(decideRetry({ kind: 'boot' }, 1, undefined, undefined, 3)).toMatchObject({ retry: true, attempts: 3 });
    expect(decideRetry({ kind: 'host' }, 3, undefined, undefined, 3)).toMatchObject({ retry: false, action: 'retry' });
    expect(decideRetry({ kind: 'exit', exitCode: 1 }, 1, undefined, undefined, 3)).toMatchObject({ retry: false, action: 'stop' });
    expect(decideRetry({ kind: 'lifetime' }, 1, undefined, undefined, 3)).toMatchObject({ retry: false });
  });

  it('the first matching rule of the service decides; a job may only stop more and try fewer times', () => {
    const service = { attempts: 4, rules: [{ on: 'exit:64', action: 'stop' as const }, { on: 'exit:*', action: 'retry' as const }, { on: 'lifetime', action: 'retry' as const }] };
    expect(decideRetry({ kind: 'exit', exitCode: 64 }, 1, service, undefined, 3)).toMatchObject({ retry: false, rule: { on: 'exit:64' } });
    expect(decideRetry({ kind: 'exit', exitCode: 2 }, 3, service, undefined, 3)).toMatchObject({ retry: true, attempts: 4 });
    expect(decideRetry({ kind: 'lifetime' }, 1, service, undefined, 3)).toMatchObject({ retry: true });
    // The job: fewer attempts, a stop of its own; its "retry" cannot undo the service's stop.
    expect(decideRetry({ kind: 'exit', exitCode: 2 }, 2, service, { attempts: 2 }, 3)).toMatchObject({ retry: false, attempts: 2 });
    expect(decideRetry({ kind: 'exit', exitCode: 2 }, 1, service, { rules: [{ on: 'exit:2', action: 'stop' }] }, 3)).toMatchObject({ retry: false, rule: { on: 'exit:2' } });
    expect(decideRetry({ kind: 'exit', exitCode: 64 }, 1, service, { rules: [{ on: 'exit:64', action: 'retry' }] }, 3)).toMatchObject({ retry: false });
    expect(decideRetry({ kind: 'exit', exitCode: 2 }, 1, service, { attempts: 9 }, 3)).toMatchObject({ attempts: 4 });
  });
});
