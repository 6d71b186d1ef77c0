/**
 * svmsched-admin optimize, run as a real process against the simulator (ports 2690-2699) and
 * DynamoDB Local: the plan as a table and as JSON, then --apply makes the migrations.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { XmlRpcOneClient } from '../../lib/one/client';
import type { TableNames } from '../../lib/store';
import type { Simulator } from '../../local/sim';
import { useDynamoLocal } from '../helpers/dynamo';
import { startThreeHostSim } from '../helpers/threeHostSim';
import { runAdmin } from './adminProcess';

const dynamo = useDynamoLocal();
let sim: Simulator;
let vms: number[];

beforeAll(async () => {
  sim = await startThreeHostSim();
  // Three VMs (not svmsched's) crowded on host 0.
  const one = new XmlRpcOneClient({ endpoint: sim.url, session: 'oneadmin:opennebula' });
  vms = [];
  for (let i = 0; i < 3; i++) {
    const id = await one.vmAllocate(`NAME = "crowd-${i}"\nCPU = "1"\nMEMORY = "512"\n`, true);
    await one.vmDeploy(id, 0, true, -1, '');
    vms.push(id);
  }
  for (let i = 0; i < 100 && !vms.every((id) => sim.state.vm(id)!.lcmState === 'RUNNING'); i++) await new Promise((r) => setTimeout(r, 50));
});
afterAll(async () => { await sim?.close(); });

const prefixOf = (names: TableNames) => names.jobs.replace(/-jobs$/, '');
const admin = (names: TableNames, args: string[]) => runAdmin(
  ['--table-prefix', prefixOf(names), '--endpoint', dynamo.endpoint, 'optimize', '--config', 'local/svmsched.xml', ...args],
  { ONE_XMLRPC: sim.url, SVMSCHED_ONE_PASSWORD: 'opennebula' },
);

describe('svmsched-admin optimize', () => {
  it('prints the recommended migrations and the objective, moving nothing', async () => {
    const names = await dynamo.freshTables();
    // Act
    const res = await admin(names, []);
    // Assess
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toMatch(/^cluster 0 \(default\): balance objective [\d.]+ → [\d.]+ with 2 migrations\nVM +JOB +FROM +TO +RESULT\n/);
    expect(res.stdout.match(/ planned\n/g)).toHaveLength(2);
    expect(res.stdout).toMatch(/objective [\d.]+ → [\d.]+ \(recommendations: --apply makes these migrations\)\n$/);
    expect(vms.map((id) => sim.state.vm(id)!.hostId)).toEqual([0, 0, 0]);
  });

  it('gives the same plan as JSON, and refuses a cluster id that is not one', async () => {
    const names = await dynamo.freshTables();
    const res = await admin(names, ['--cluster', '0']);
    const json = await runAdmin(['--json', '--table-prefix', prefixOf(names), '--endpoint', dynamo.endpoint, 'optimize', '--config', 'local/svmsched.xml', '--cluster', '0'], { ONE_XMLRPC: sim.url, SVMSCHED_ONE_PASSWORD: 'opennebula' });
    expect(json.code, json.stderr).toBe(0);
    const report = JSON.parse(json.stdout);
    expect(report).toMatchObject({ applied: false, plan: { clusters: [{ clusterId: 0, policy: 'balance', migrations: 2 }] } });
    expect(report.migrations.map((m: { action: { vmId: number } }) => m.action.vmId)).toEqual(res.stdout.split('\n').slice(2, 4).map((l) => Number(l.split(/\s+/)[0])));
    const bad = await admin(names, ['--cluster', 'default']);
    expect(bad).toMatchObject({ code: 2, stderr: 'svmsched-admin: --cluster: "default" is not a cluster id\n' });
  });

  it('--apply makes the migrations, and OpenNebula moves the VMs within capacity', async () => {
    const names = await dynamo.freshTables();
    const res = await admin(names, ['--apply']);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout.match(/ done\n/g)).toHaveLength(2);
    for (let i = 0; i < 100 && !vms.every((id) => sim.state.vm(id)!.lcmState === 'RUNNING'); i++) await new Promise((r) => setTimeout(r, 50));
    expect(new Set(vms.map((id) => sim.state.vm(id)!.hostId))).toEqual(new Set([0, 1, 2]));
    expect(sim.state.capacityViolations()).toEqual([]);
  });
});
