/**
 * A simulator with three equal hosts in one cluster (test/fixtures/stack/two-hosts.json plus
 * one), on the first free port of the optimiser tests' range 2690-2699.
 */
import path from 'node:path';
import { FAST_TIMING, loadFixture, startSimulator, type Simulator } from '../../local/sim';

const PORTS = { first: 2690, last: 2699 };

export async function startThreeHostSim(): Promise<Simulator> {
  const two = loadFixture(path.resolve(import.meta.dirname, '../fixtures/stack/two-hosts.json'));
  const fixture = { ...two, hosts: [...two.hosts, { ...two.hosts[1]!, id: 2, name: 'small-c' }] };
  let lastError: unknown;
  for (let port = PORTS.first; port <= PORTS.last; port++) {
    try {
      return await startSimulator({ port, timing: FAST_TIMING, bootScripts: false, fixture });
    } catch (err) {
      lastError = err;
    }
  }
  throw lastError;
}
