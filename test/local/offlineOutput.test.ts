import { describe, expect, it } from 'vitest';
import { offlineOutput } from '../../local/offline';

/** serverless-offline's output: to a log callback, to stderr with SVMSCHED_OFFLINE_LOG=1, or nowhere. */
describe('offlineOutput', () => {
  const sink = () => {
    const written: string[] = [];
    return { written, write: (text: string) => written.push(text) };
  };

  it('writes everything to stderr with SVMSCHED_OFFLINE_LOG=1 and no log callback', () => {
    // Prepare
    const stderr = sink();

    // Act
    const show = offlineOutput(undefined, { SVMSCHED_OFFLINE_LOG: '1' }, stderr);
    show('Server ready: http://localhost:3000\n');

    // Assess
    expect(stderr.written).toEqual(['Server ready: http://localhost:3000\n']);
  });

  it('gives a log callback each non-blank line, and stderr nothing', () => {
    // Prepare
    const stderr = sink();
    const lines: string[] = [];

    // Act
    const show = offlineOutput((l) => lines.push(l), { SVMSCHED_OFFLINE_LOG: '1' }, stderr);
    show('one\n\ntwo\n');

    // Assess
    expect(lines).toEqual(['one', 'two']);
    expect(stderr.written).toEqual([]);
  });

  it('gives a log callback whole lines when a line arrives in two chunks', () => {
    // Prepare
    const lines: string[] = [];

    // Act
    const show = offlineOutput((l) => lines.push(l), {}, sink());
    show('{"svc":"svmsched","ms');
    show('g":"tick"}\nnext');
    show('\n');

    // Assess
    expect(lines).toEqual(['{"svc":"svmsched","msg":"tick"}', 'next']);
  });

  it('discards the output by default', () => {
    // Prepare
    const stderr = sink();

    // Act
    offlineOutput(undefined, {}, stderr)('chatter\n');

    // Assess
    expect(stderr.written).toEqual([]);
  });
});
