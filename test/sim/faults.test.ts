import xmlrpc from 'xmlrpc';
import { afterEach, describe, expect, it } from 'vitest';
import { validateXml } from '../helpers/xsd';
import { BASIC_VM, SESSION, startTestSim, vmStates, waitFor, type TestSim } from './helpers';

const outcome = (p: Promise<unknown>) => p.then((v) => ({ ok: v }), (e: Error) => ({ error: e.message }));

describe('fault injection', () => {
  let t: TestSim | undefined;
  afterEach(async () => { await t?.close(); t = undefined; });

  it('fails calls at the configured rate, the same way for the same seed', async () => {
    const run = async () => {
      const sim = await startTestSim({ bootScripts: false, faults: { seed: 7, methodFailures: [{ method: 'one.system.*', rate: 0.5 }] } });
      const results: boolean[] = [];
      for (let i = 0; i < 40; i += 1) results.push((await sim.call('one.system.version', SESSION))[0] as boolean);
      expect((await sim.call('one.hostpool.info', SESSION))[0]).toBe(true); // other methods unaffected
      await sim.close();
      return results;
    };
    const first = await run();
    expect(first.filter((ok) => !ok).length).toBeGreaterThan(5);
    expect(first.filter((ok) => ok).length).toBeGreaterThan(5);
    expect(await run()).toEqual(first);
  });

  it('fails in each mode: OpenNebula error, XML-RPC fault, HTTP 500, dropped connection', async () => {
    t = await startTestSim({ bootScripts: false });
    const modes = ['error', 'fault', 'http-500', 'drop'] as const;
    const seen: Record<string, unknown> = {};
    for (const mode of modes) {
      t.sim.faults.set({ methodFailures: [{ rate: 1, mode }] });
      seen[mode] = await outcome(t.call('one.system.version', SESSION));
    }
    expect(seen.error).toEqual({ ok: [false, '[one.system.version] Simulated failure (fault injection)', 0x2000, -1, '0'] });
    expect(JSON.stringify(seen.fault)).toContain('Simulated failure');
    expect(JSON.stringify(seen['http-500'])).toContain('error');
    t.sim.faults.set({ methodFailures: [{ rate: 1, mode: 'http-500' }] });
    const raw = await fetch(t.sim.url, { method: 'POST', body: '<methodCall><methodName>one.system.version</methodName><params><param><value>x</value></param></params></methodCall>' });
    expect(raw.status).toBe(500);
    expect(JSON.stringify(seen.drop)).toMatch(/socket hang up|ECONNRESET/);
  });

  it('runs the call but loses the response in lost-response mode', async () => {
    t = await startTestSim({ bootScripts: false, faults: { methodFailures: [{ method: 'one.vm.allocate', rate: 1, mode: 'lost-response' }] } });
    const r = await outcome(t.call('one.vm.allocate', SESSION, BASIC_VM, true));
    expect('error' in r).toBe(true);
    expect(t.sim.state.vms()).toHaveLength(1);
  });

  it('adds latency', async () => {
    t = await startTestSim({ bootScripts: false, faults: { latency: [{ fixedMs: 30, randomMs: 10 }] } });
    expect((await t.call('one.system.version', SESSION))[0]).toBe(true);
  });

  it('refuses connections for a while, then serves again', async () => {
    t = await startTestSim({ bootScripts: false });
    t.sim.faults.refuseConnections(300);
    const refused = await outcome(t.call('one.system.version', SESSION));
    expect(JSON.stringify(refused)).toMatch(/ECONNREFUSED/);
    await waitFor(async () => ((await outcome(t!.call('one.system.version', SESSION))) as { ok?: unknown }).ok, 'server back');
  });

  it('puts a host into ERROR with its running VMs in UNKNOWN, and back', async () => {
    t = await startTestSim({ bootScripts: false });
    const id = await t.ok<number>('one.vm.allocate', SESSION, BASIC_VM, true);
    await t.ok('one.vm.deploy', SESSION, id, 2, true);
    await waitFor(async () => (await vmStates(t!, id))[1] === 3, 'RUNNING');
    t.sim.faults.hostError(2, true);
    expect(await vmStates(t, id)).toEqual([3, 16]);
    expect(t.sim.state.hosts().find((h) => h.id === 2)!.state).toBe(3);
    await validateXml(await t.ok('one.host.info', SESSION, 2), 'host.xsd');
    await validateXml(await t.ok('one.vm.info', SESSION, id), 'vm.xsd');
    t.sim.faults.hostError(2, false);
    expect(await vmStates(t, id)).toEqual([3, 3]);
  });

  it('is controlled over XML-RPC by oneadmin only (sim.* admin methods)', async () => {
    t = await startTestSim({ bootScripts: false, fixture: undefined });
    const client = xmlrpc.createClient(t.sim.url);
    const call = (m: string, ...p: unknown[]) => new Promise<unknown[]>((res, rej) => client.methodCall(m, p, (e, v) => (e ? rej(e) : res(v))));
    expect(await call('sim.fault.set', SESSION, JSON.stringify({ methodFailures: [{ method: 'one.hostpool.info', rate: 1 }], hostErrors: [1] })))
      .toEqual([true, expect.stringContaining('one.hostpool.info'), 0]);
    expect((await call('one.hostpool.info', SESSION))[0]).toBe(false);
    expect(t.sim.state.hosts().find((h) => h.id === 1)!.state).toBe(3);
    expect(await call('sim.boot.fail', SESSION, 2, 0)).toEqual([true, 2, 0]);
    expect(JSON.parse((await call('sim.fault.get', SESSION))[1] as string).bootFailures).toEqual([{ count: 2, hostId: 0 }]);
    expect(await call('sim.host.error', SESSION, 1, false)).toEqual([true, 1, 0]);
    expect((await call('sim.fault.clear', 'svmsched:svmsched')).slice(0, 3)).toEqual([false, '[sim.fault.clear] User [2] : only oneadmin may control the simulator.', 0x200]);
    expect(await call('sim.fault.clear', SESSION)).toEqual([true, true, 0]);
    expect((await call('one.hostpool.info', SESSION))[0]).toBe(true);
    expect((await call('sim.fault.set', SESSION, '{nope'))[2]).toBe(0x1000);
  });
});
