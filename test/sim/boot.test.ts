import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeTemplate } from '../../lib/one/template';
import { SESSION, startTestSim, vmStates, waitFor, type TestSim } from './helpers';

const b64 = (s: string) => Buffer.from(s).toString('base64');

/** A VM template whose CONTEXT carries a start script, the way svmsched writes it. */
function vmWithScript(script: string, context: Record<string, string> = {}): string {
  return writeTemplate([
    { name: 'NAME', value: 'boot' }, { name: 'CPU', value: '1' }, { name: 'MEMORY', value: '256' },
    { name: 'CONTEXT', vector: [{ name: 'START_SCRIPT_BASE64', value: b64(script) }, ...Object.entries(context).map(([name, value]) => ({ name, value }))] },
  ]);
}

/** Process state letter from /proc (T = stopped by a signal). */
const procState = (pid: number) => readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0];

describe('boot: the CONTEXT start script runs as a local process', () => {
  let t: TestSim;
  let repo: string;
  beforeEach(async () => {
    repo = mkdtempSync(join(tmpdir(), 'sim-repo-'));
    writeFileSync(join(repo, 'input.dat'), 'hello repository\n');
    t = await startTestSim({ repositoryDir: repo });
  });
  afterEach(async () => {
    await t.close();
    rmSync(repo, { recursive: true, force: true });
  });

  async function deploy(text: string): Promise<number> {
    const id = await t.ok<number>('one.vm.allocate', SESSION, text, true);
    await t.ok('one.vm.deploy', SESSION, id, 0, true);
    return id;
  }

  it('sees CONTEXT variables, the repository under $SIM_ROOT, no-op mounts, and powers the VM off', async () => {
    // Prepare
    const script = [
      '#!/bin/bash',
      'set -e',
      'mount -t nfs nas:/export "$SIM_ROOT/data/repository"',
      'cat "$SIM_ROOT/data/repository/input.dat" > "$SIM_ROOT/data/repository/out-$JOB_ID.txt"',
      'echo "arg=$ARGS_B64 vm=$SIM_VM_ID" >> "$SIM_ROOT/data/repository/out-$JOB_ID.txt"',
      'poweroff',
      'echo never >> "$SIM_ROOT/data/repository/out-$JOB_ID.txt"',
    ].join('\n');

    // Act
    const id = await deploy(vmWithScript(script, { JOB_ID: 'j1', ARGS_B64: b64('a "b" $c') }));
    await waitFor(async () => (await vmStates(t, id))[0] === 8, 'POWEROFF');

    // Assess
    expect(readFileSync(join(repo, 'out-j1.txt'), 'utf8')).toBe(`hello repository\narg=${b64('a "b" $c')} vm=${id}\n`);
    expect(t.sim.state.vm(id)!.log.map((l) => l.lcmState).slice(-2)).toEqual(['RUNNING', 'LCM_INIT']);
    expect(readFileSync(t.sim.state.guestRuns()[0].consoleLog, 'utf8')).toContain('[sim] mount -t nfs nas:/export');
  });

  it('keeps the VM RUNNING when the script just ends, like a guest whose start script finished', async () => {
    const id = await deploy(vmWithScript('echo done'));
    const run = await waitFor(() => t.sim.state.guestRuns().find((r) => r.vmId === id && r.exitCode === 0), 'script exit');
    expect(run.exitCode).toBe(0);
    expect(await vmStates(t, id)).toEqual([3, 3]);
  });

  it('pauses the guest on suspend and stop, continues it on resume, kills it on terminate', async () => {
    // Prepare
    const id = await deploy(vmWithScript('while true; do sleep 0.05; done'));
    const run = await waitFor(() => t.sim.state.guestRuns().find((r) => r.vmId === id), 'script start');

    // Act & Assess
    await t.ok('one.vm.action', SESSION, 'suspend', id);
    await waitFor(() => procState(run.pid) === 'T', 'stopped process');
    await waitFor(async () => (await vmStates(t, id))[0] === 5, 'SUSPENDED');
    await t.ok('one.vm.action', SESSION, 'resume', id);
    await waitFor(async () => (await vmStates(t, id))[1] === 3, 'RUNNING');
    await waitFor(() => procState(run.pid) !== 'T', 'continued process');
    await t.ok('one.vm.action', SESSION, 'terminate', id);
    await waitFor(() => run.signal === 'SIGKILL', 'killed process');
    expect(t.sim.state.guestRuns().filter((r) => r.vmId === id)).toHaveLength(1);
  });

  it('boots afresh after undeploy (the script runs again), not after stop', async () => {
    const marker = join(repo, 'boots.txt');
    const id = await deploy(vmWithScript(`echo boot >> "$SIM_ROOT/data/repository/boots.txt"; sleep 30`));
    await waitFor(() => existsSync(marker) && readFileSync(marker, 'utf8').split('\n').length - 1 === 1, 'first boot');
    await t.ok('one.vm.action', SESSION, 'stop', id);
    await waitFor(async () => (await vmStates(t, id))[0] === 4, 'STOPPED');
    await t.ok('one.vm.action', SESSION, 'resume', id);
    await t.ok('one.vm.deploy', SESSION, id, 1, true);
    await waitFor(async () => (await vmStates(t, id))[1] === 3, 'RUNNING after stop');
    await t.ok('one.vm.action', SESSION, 'undeploy', id);
    await waitFor(async () => (await vmStates(t, id))[0] === 9, 'UNDEPLOYED');
    await t.ok('one.vm.deploy', SESSION, id, 0, true);
    await waitFor(() => readFileSync(marker, 'utf8').split('\n').length - 1 === 2, 'second boot');
    expect(t.sim.state.guestRuns().filter((r) => r.vmId === id)).toHaveLength(2);
  });

  it('does not boot a VM whose boot fails, and leaves it in BOOT_FAILURE holding the host', async () => {
    t.sim.faults.failBoots(1, 0);
    const id = await deploy(vmWithScript('echo should-not-run'));
    await waitFor(async () => (await vmStates(t, id))[1] === 36, 'BOOT_FAILURE');
    expect(t.sim.state.guestRuns()).toHaveLength(0);
    expect(t.sim.state.hosts().find((h) => h.id === 0)!.runningVms).toBe(1);
    await t.ok('one.vm.action', SESSION, 'terminate', id);
    await waitFor(async () => (await vmStates(t, id))[0] === 6, 'DONE');
    expect(t.sim.state.hosts().find((h) => h.id === 0)!.runningVms).toBe(0);
  });
});
