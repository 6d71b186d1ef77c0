/** The simulator on an ephemeral loopback port, and a client for it. */
import { afterAll, beforeAll } from 'vitest';
import { FAST_TIMING, startSimulator, type Simulator, type SimulatorOptions } from '../../../local/sim';
import { XmlRpcOneClient, type XmlRpcOneClientOptions } from '../../../lib/one/client';
import type { Vm } from '../../../lib/sched/snapshot';
import { xmlRpcCall } from '../../../lib/one/transport';

export const ADMIN = 'oneadmin:opennebula';

export async function simulator(options: SimulatorOptions = {}): Promise<Simulator> {
  return startSimulator({ timing: FAST_TIMING, bootScripts: false, ...options });
}

/** A simulator and a client for the tests of one file, started before them and closed after. */
export function useSimulator(options: SimulatorOptions = {}): { readonly sim: Simulator; readonly one: XmlRpcOneClient } {
  const context = {} as { sim: Simulator; one: XmlRpcOneClient };
  beforeAll(async () => {
    context.sim = await simulator(options);
    context.one = clientOf(context.sim);
  });
  afterAll(async () => {
    context.one.close();
    await context.sim.close();
  });
  return context;
}

export function clientOf(sim: Simulator, options: Partial<XmlRpcOneClientOptions> = {}): XmlRpcOneClient {
  return new XmlRpcOneClient({ endpoint: sim.url, session: ADMIN, timeoutMs: 5_000, retries: 3, retryDelayMs: 5, ...options });
}

/** A VM template with the given extra lines, on hold so that nothing places it but the test. */
export function vmTemplate(name: string, extra = ''): string {
  return `NAME = "${name}"\nCPU = "1"\nVCPU = "1"\nMEMORY = "512"\n${extra}`;
}

/** Polls vmInfo until `done` holds (the simulator walks PROLOG/BOOT... in a few ms). */
export async function waitVm(client: XmlRpcOneClient, id: number, done: (vm: Vm) => boolean): Promise<Vm> {
  for (let attempt = 0; attempt < 400; attempt++) {
    const vm = await client.vmInfo(id);
    if (done(vm)) return vm;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`VM ${id} never reached the expected state`);
}

/** The raw XML document a read method answers, for XSD validation. */
export async function rawDocument(sim: Simulator, method: string, ...params: (number | string | boolean)[]): Promise<string> {
  const answer = await xmlRpcCall(method, [ADMIN, ...params], { endpoint: sim.url, timeoutMs: 5_000 });
  if (!Array.isArray(answer) || answer[0] !== true || typeof answer[1] !== 'string') throw new Error(`${method} failed: ${JSON.stringify(answer)}`);
  return answer[1];
}
