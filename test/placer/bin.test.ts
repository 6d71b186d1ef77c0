import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeRequest, requestXml } from './requestFixture';
import { validate, xmllintAvailable } from './xsd';

const BIN = join(import.meta.dirname, '../../bin/place.js');

describe('bin/place.js', () => {
  it('reads base64 on stdin, a rank.conf from --config, and prints a valid PLAN', () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'svmsched-place-'));
    const conf = join(dir, 'rank.conf');
    writeFileSync(conf, 'DEFAULT_SCHED = [ POLICY = 0 ]\n');
    const request = requestXml({
      hosts: [{ id: 0, cpu: 800, memMb: 8192, runningVms: 3 }, { id: 1, cpu: 800, memMb: 8192, runningVms: 1 }],
      datastores: [{ id: 0, freeMb: 100_000 }], vnets: [],
      vms: [{ id: 11, cpu: 1, memMb: 1024, hosts: [0, 1], datastores: [0] }],
    });
    // Act
    const r = spawnSync(process.execPath, [BIN, '--config', conf], { input: encodeRequest(request), encoding: 'utf8', env: { ...process.env, ONE_LOCATION: dir } });
    // Assess
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('<VM_ID>11</VM_ID>\n    <OPERATION>deploy</OPERATION>\n    <HOST_ID>0</HOST_ID>');
    if (xmllintAvailable()) expect(validate(r.stdout, 'plan.xsd')).toMatchObject({ ok: true });
  });

  it('fails with a message on input that is not a request', () => {
    const r = spawnSync(process.execPath, [BIN], { input: '%%%', encoding: 'utf8', env: { ...process.env, ONE_LOCATION: '/nonexistent' } });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/neither XML nor base64/);
  });
});
