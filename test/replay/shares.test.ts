/**
 * The replay with tenants: `--tenants user` makes the trace's users tenants with equal shares,
 * adds the policy `shares`, and `--json` gives each policy its tenants' used share against
 * their entitlement and time to guarantee, with a plot of used against configured shares. On a
 * small slice of a real trace; full runs are `npm run simulate`.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { PassThrough } from 'node:stream';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runSimulate } from '../../lib/replay/program';

const TRACE = path.resolve(__dirname, '../../../shared/traces/KTH-SP2-1996-2.1-cln.swf.gz');
const dir = mkdtempSync(path.join(os.tmpdir(), 'shares-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function simulateJson(extra: string[]): Promise<Record<string, unknown>[]> {
  let out = '';
  const code = await runSimulate(['--trace', TRACE, '--from', '10000', '--count', '200', '--hosts', '2', '--host-cpus', '25', '--policies', 'stop', '--no-machine-check', '--out', dir, '--json', ...extra],
    { stdout: { write: (c: string) => (out += c) }, stderr: Object.assign(new PassThrough(), { isTTY: false }) });
  expect(code).toBe(0);
  return JSON.parse(out) as Record<string, unknown>[];
}

describe('replay with tenants', () => {
  it('adds the policy shares and gives each policy its tenants\' figures', async () => {
    const all = await simulateJson(['--tenants', 'user']);
    expect(all.map((p) => p.policy)).toEqual(['stop', 'shares']);
    for (const p of all) {
      const tenants = p.tenants as { id: string; share: number; usedShareMean: number; deviationMean: number; guaranteeEpisodes: number; guaranteeUnreached: number; timeToGuaranteeMean: number }[];
      expect(tenants.length).toBeGreaterThan(1);
      expect(tenants.reduce((s, t) => s + t.share, 0)).toBeCloseTo(1);
      for (const t of tenants) {
        expect(t.usedShareMean).toBeGreaterThanOrEqual(0);
        expect(t.usedShareMean).toBeLessThanOrEqual(1 + 1e-9);
        expect(t.deviationMean).toBeGreaterThanOrEqual(0);
        expect(t.guaranteeUnreached).toBeLessThanOrEqual(t.guaranteeEpisodes);
        expect(t.timeToGuaranteeMean).toBeGreaterThanOrEqual(0);
      }
      // Some tenant waited below its guarantee on a cloud this small and busy.
      expect(tenants.some((t) => t.guaranteeEpisodes > 0)).toBe(true);
    }
    // The plot of used against configured shares, one line per policy.
    const svg = path.join(dir, 'KTH-SP2-1996-2.1-cln-shares.svg');
    expect(existsSync(svg)).toBe(true);
    expect(readFileSync(svg, 'utf8')).toMatch(/shares/);
  }, 120_000);

  it('gives a synthetic workload\'s tenants equal shares when the policy shares is asked for', async () => {
    let out = '';
    const code = await runSimulate(['--synthetic', '--jobs', '300', '--tenants', '3', '--beff-fraction', '1', '--load', '2', '--policies', 'stop,shares', '--out', dir, '--json'],
      { stdout: { write: (c: string) => (out += c) }, stderr: Object.assign(new PassThrough(), { isTTY: false }) });
    expect(code).toBe(0);
    const all = JSON.parse(out) as { policy: string; preemptions: number; tenants: { id: string; share: number }[] }[];
    expect(all.map((p) => p.policy)).toEqual(['stop', 'shares']);
    for (const p of all) expect(p.tenants.map((t) => [t.id, t.share])).toEqual([['t0', 1 / 3], ['t1', 1 / 3], ['t2', 1 / 3]]);
    // Best-effort only: stop never preempts (prod preempts), sharing reclaims.
    expect(all[0].preemptions).toBe(0);
    expect(all[1].preemptions).toBeGreaterThan(0);
  }, 120_000);

  it('reads shares from a file and names a bad one', async () => {
    const bad = path.join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ u1: -2 }));
    let err = '';
    const code = await runSimulate(['--trace', TRACE, '--count', '20', '--tenants', 'user', '--tenant-shares', bad, '--out', dir],
      { stdout: { write: () => true }, stderr: Object.assign(new PassThrough(), { isTTY: false, write: (c: string) => ((err += c), true) }) });
    expect(code).toBe(1);
    expect(err).toMatch(/share of tenant u1 must be a number above 0/);
  }, 60_000);
});
