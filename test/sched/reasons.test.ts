import { describe, expect, it } from 'vitest';
import { plan } from '../../lib/sched';
import { host, input, job, snapshot } from './helpers';

const twelve = () => snapshot(Array.from({ length: 12 }, (_, i) => host({ id: i, cpu: 2 })));

describe('waiting reasons', () => {
  it('names the term that rules every host out', () => {
    const p = plan(input(twelve(), [job({ id: 'j', requirements: 'CPU_USAGE < 1000 & HYPERVISOR = xen' })]));
    expect(p.waiting.get('j')).toMatchObject({ code: 'requirements.nomatch' });
    expect(p.waiting.get('j')!.message).toMatch(/^0 of 12 hosts match HYPERVISOR = xen/);
  });

  it('says what capacity is missing on the best matching host', () => {
    const p = plan(input(twelve(), [job({ id: 'j', cpu: 4 })]));
    expect(p.waiting.get('j')!.message).toMatch(/^needs 4 CPU, most free on a matching host is 2 CPU/);
  });

  it('reports a syntax error with its position', () => {
    const p = plan(input(twelve(), [job({ id: 'j', requirements: 'CPU > ' })]));
    expect(p.waiting.get('j')).toMatchObject({ code: 'requirements.syntax' });
    expect(p.waiting.get('j')!.message).toMatch(/column/);
  });

  it('says when every matching host is excluded', () => {
    const snap = snapshot([host({ id: 1 }), host({ id: 2 })]);
    const p = plan(input(snap, [job({ id: 'j', excludedHostIds: [1, 2] })]));
    expect(p.waiting.get('j')).toMatchObject({ code: 'hosts.excluded' });
  });

  it('reuses the reason of an identical shape that already failed', () => {
    const p = plan(input(twelve(), [job({ id: 'a', cpu: 4 }), job({ id: 'b', cpu: 8 })]));
    expect(p.waiting.get('b')).toBe(p.waiting.get('a'));
  });
});
