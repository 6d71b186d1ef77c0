/**
 * The OpenNebula 7 optimiser driver action (bin/optimize.js <cluster_id>): an OPTIMIZE request
 * on stdin, a PLAN of migrations for that cluster on stdout, policy from one_drs.conf.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DRS_DEFAULTS, drsOptionsFromConf, optimizeRequest } from '../../lib/placer/optimize';
import { encodeRequest, requestXml, type VmSpec } from './requestFixture';
import { validate, xmllintAvailable } from './xsd';

const BIN = join(import.meta.dirname, '../../bin/optimize.js');
const running = (id: number, hid: number, hosts: number[]): VmSpec => ({ id, cpu: 1, memMb: 1024, state: 3, lcmState: 3, history: { hid, dsId: 0, action: 0 }, hosts, datastores: [0] });

/** Four VMs on host 0 of three; VM 13 may only stay there. */
const request = requestXml({
  hosts: [{ id: 0, cpu: 800, memMb: 16384, cpuUsage: 400, memUsageMb: 4096, runningVms: 4 }, { id: 1, cpu: 800, memMb: 16384 }, { id: 2, cpu: 800, memMb: 16384 }],
  datastores: [{ id: 0, freeMb: 100_000 }], vnets: [],
  vms: [running(10, 0, [0, 1, 2]), running(11, 0, [0, 1, 2]), running(12, 0, [0, 1, 2]), running(13, 0, [0])],
});

describe('optimize driver action', () => {
  it('reads one_drs.conf\'s OPTIMIZE section, keeping its defaults for what it leaves out', () => {
    expect(drsOptionsFromConf('OPTIMIZE:\n  POLICY: "PACK"\n  HOST_MIGRATION_THRESHOLD: 5\n  WEIGHTS:\n    CPU: 1\n    MEMORY: 0.5\nPREDICTIVE: 0.3\n')).toEqual({
      ...DRS_DEFAULTS, policy: 'pack', thresholds: { migration: -1, hostMigration: 5, dsMigration: 0 }, weights: { cpu: 1, memory: 0.5 }, predictive: 0.3,
    });
    expect(() => drsOptionsFromConf('OPTIMIZE:\n  POLICY: SPREAD\n', 'x.conf')).toThrow(/x.conf: OPTIMIZE\/POLICY must be BALANCE or PACK/);
  });

  it('moves only the VMs of the REQUIREMENTS section, to the hosts it lists', () => {
    const plan = optimizeRequest(encodeRequest(request), 0, drsOptionsFromConf('OPTIMIZE:\n  WEIGHTS:\n    CPU: 1\n'));
    expect(plan.actions.map((a) => [a.vmId, a.fromHostId, a.hostId])).toEqual([[10, 0, 1], [11, 0, 2]]);
    expect(plan.objectiveAfter).toBeLessThan(plan.objectiveBefore);
  });

  it('runs as one_sched.rb runs it and prints a PLAN for the cluster', () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'svmsched-optimize-'));
    mkdirSync(join(dir, 'etc/schedulers'), { recursive: true });
    writeFileSync(join(dir, 'etc/schedulers/one_drs.conf'), 'OPTIMIZE:\n  POLICY: "BALANCE"\n  WEIGHTS:\n    CPU: 1\n');
    // Act: the conf found under $ONE_LOCATION, as one_drs finds it.
    const r = spawnSync(process.execPath, [BIN, '0'], { input: encodeRequest(request), encoding: 'utf8', env: { ...process.env, ONE_LOCATION: dir } });
    // Assess
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^<\?xml[^>]*>\n<PLAN>\n {2}<ID>0<\/ID>\n {2}<ACTION>\n {4}<VM_ID>10<\/VM_ID>\n {4}<OPERATION>migrate<\/OPERATION>\n {4}<HOST_ID>1<\/HOST_ID>\n {4}<DS_ID>0<\/DS_ID>/);
    expect(r.stderr).toMatch(/^INFO: cluster 0 \(c0\): balance objective/);
    if (xmllintAvailable()) expect(validate(r.stdout, 'plan.xsd')).toMatchObject({ ok: true });
  });
});
