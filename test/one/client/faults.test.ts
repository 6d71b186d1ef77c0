import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../../../local/sim';
import { OneTimeoutError, OneUnavailableError } from '../../../lib/one/errors';
import { clientOf, simulator, vmTemplate } from './sim';

let sim: Simulator;

beforeAll(async () => {
  sim = await simulator();
});
afterEach(() => sim.faults.clear());
afterAll(async () => {
  await sim.close();
});

describe('XmlRpcOneClient under injected faults', () => {
  it('a call slower than the timeout fails as OneTimeoutError, the next call still works', async () => {
    // Prepare
    sim.faults.set({ latency: [{ method: 'one.hostpool.info', fixedMs: 400 }] });
    const one = clientOf(sim, { timeoutMs: 100, retries: 0 });

    try {
      // Act
      const error = await one.hostPoolInfo().catch((e: unknown) => e);

      // Assess
      expect(error).toBeInstanceOf(OneTimeoutError);
      expect(error).toMatchObject({ method: 'one.hostpool.info', timeoutMs: 100 });
      expect((await one.clusterPoolInfo()).length).toBeGreaterThan(0);
    } finally {
      one.close();
    }
  });

  it.each(['error', 'http-500', 'drop', 'fault'] as const)('reads are retried through failures (mode %s)', async (mode) => {
    // Prepare: half the calls fail, with a fixed seed
    const reads = ['one.hostpool.info', 'one.clusterpool.info', 'one.datastorepool.info', 'one.vnpool.info', 'one.vmpool.infoextended'];
    sim.faults.set({ seed: 7, methodFailures: reads.map((method) => ({ method, rate: 0.5, mode })) });
    let retried = 0;
    const one = clientOf(sim, { retries: 10, logger: { debug() {}, warn() { retried += 1; } } });

    try {
      // Act
      const results = await Promise.all(Array.from({ length: 8 }, () => one.snapshot()));

      // Assess
      for (const snapshot of results) expect(snapshot.hosts.length).toBe(6);
      expect(retried).toBeGreaterThan(5);
    } finally {
      one.close();
    }
  });

  it('a change is not retried: with every call failing, allocate fails once', async () => {
    sim.faults.set({ methodFailures: [{ method: 'one.vm.allocate', rate: 1, mode: 'lost-response' }] });
    const one = clientOf(sim, { retries: 10 });
    const before = sim.state.vms().length;

    try {
      await expect(one.vmAllocate(vmTemplate('lost'), true)).rejects.toBeInstanceOf(OneUnavailableError);

      // The call did run: the caller must reconcile, and there is exactly one VM more.
      expect(sim.state.vms().length).toBe(before + 1);
    } finally {
      one.close();
    }
  });

  it('refused connections: unavailable without retries, recovered by a read\'s backoff', async () => {
    const impatient = clientOf(sim, { retries: 0 });
    const patient = clientOf(sim, { retries: 8, retryDelayMs: 50 });

    try {
      sim.faults.refuseConnections(300);
      const refused = await impatient.systemVersion().catch((e: unknown) => e);
      const version = await patient.systemVersion();

      expect(refused).toBeInstanceOf(OneUnavailableError);
      expect((refused as Error).message).toMatch(/ECONNREFUSED|ECONNRESET|socket hang up/);
      expect(version).toMatch(/^\d/);
    } finally {
      impatient.close();
      patient.close();
    }
  });
});
