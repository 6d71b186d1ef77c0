/**
 * The calls svmsched's lifecycle makes, in the order its end-to-end cases make them, through its
 * own client (lib/one): the snapshot reads; a job's VM allocated on hold and deployed with
 * enforce; preemption by stop (resumed on the other host by deploy) and by suspend (resumed in
 * place); a lifetime as a scheduled terminate-hard; cancel (terminate-hard); a deploy the
 * hypervisor fails; and the refusals (wrong state, no such VM or host, no room).
 *
 * `record.ts` runs it through the recording proxy against a real oned with dummy drivers; the
 * conformance test replays what was recorded against the simulator. Before a call whose answer
 * depends on a transient phase having ended, the scenario waits (unrecorded) for the VM to settle
 * and notes the call `settled`, so the replay waits for the same state.
 */
import { XmlRpcOneClient } from '../../lib/one/client';
import { OneError } from '../../lib/one/errors';
import { buildVmTemplate } from '../../lib/lifecycle/vmTemplate';
import type { SvmschedConfig } from '../../lib/config/types';
import { job } from '../helpers/builders';
import type { Recorder } from '../../local/sim/recorder';

export interface ScenarioTarget {
  /** The recording proxy's client (every call recorded). */
  readonly client: XmlRpcOneClient;
  /** A client straight to oned, for waiting (not recorded). */
  readonly direct: XmlRpcOneClient;
  readonly recorder: Pick<Recorder, 'noteNext'>;
  readonly config: SvmschedConfig;
  /** The two hosts' ids. */
  readonly hosts: readonly [number, number];
  /** Makes the hypervisor fail the next deploy (the dummy driver's actions file). */
  failNextDeploy(): Promise<void>;
  /** Lets deploys succeed again. */
  clearFailures(): Promise<void>;
  readonly log: (line: string) => void;
}

const TRANSIENT_DONE = (state: string, lcm: string) =>
  (state === 'ACTIVE' && ['RUNNING', 'BOOT_FAILURE', 'PROLOG_FAILURE', 'EPILOG_FAILURE'].includes(lcm)) ||
  ['HOLD', 'PENDING', 'STOPPED', 'SUSPENDED', 'DONE', 'POWEROFF', 'UNDEPLOYED', 'FAILED'].includes(state);

async function settle(t: ScenarioTarget, id: number, want?: string, hostId?: number, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    const vm = await t.direct.vmInfo(id);
    last = `${vm.state}/${vm.lcmState} on ${vm.hostId}`;
    // A migration adds the new host's history record at once, while the VM still runs on the old one.
    const lastRecord = vm.xml?.children.find((c) => c.name === 'HISTORY_RECORDS')?.children.at(-1);
    const started = Number(lastRecord?.children.find((c) => c.name === 'RSTIME')?.text ?? '1') > 0;
    const onHost = (hostId === undefined || vm.hostId === hostId) && (vm.lcmState !== 'RUNNING' || started);
    if (onHost && (want ? `${vm.state}/${vm.lcmState}` === want || vm.state === want : TRANSIENT_DONE(vm.state, vm.lcmState))) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`VM ${id} did not settle${want ? ` in ${want}` : ''} within ${timeoutMs} ms (last ${last})`);
}

/** Runs a call and keeps a refusal as the answer it is (the recorder has it). */
async function refused(p: Promise<unknown>): Promise<void> {
  try { await p; } catch (e) { if (!(e instanceof OneError)) throw e; }
}

export async function runScenario(t: ScenarioTarget): Promise<void> {
  const { client: one, recorder } = t;
  const [h0, h1] = t.hosts;
  const template = (id: string, service: string, vcpu: number, memory: number) => {
    const s = t.config.services.find((x) => x.id === service)!;
    return buildVmTemplate({ job: job({ id, service, class: s.defaultClass, vcpu, memory, args: ['60'] }), service: s, config: t.config, callbackToken: 'token-of-the-callback', callbackUrl: 'http://127.0.0.1:3000' });
  };
  const settled = async (id: number, want?: string, hostId?: number) => { await settle(t, id, want, hostId); recorder.noteNext('settled'); await one.vmInfo(id); };

  t.log('snapshot reads');
  await one.systemVersion();
  const net = (await one.snapshot()).vnets[0]!.id;
  // A first deploy names the network the planner chose for the auto NIC, as execute.ts does.
  const nic = `NIC = [ NIC_ID = "0", NETWORK_ID = "${net}" ]`;
  await one.hostInfo(h0);

  t.log('use case 1: a job allocated on hold, deployed with enforce, cancelled');
  const a = await one.vmAllocate(template('job-a', 'nrt-service', 2, 1024), true);
  await one.vmInfo(a);
  await one.vmDeploy(a, h0, true, 0, nic);
  await settled(a, 'ACTIVE/RUNNING');
  await one.hostInfo(h0);
  await one.vmPoolInfoExtended({ state: 'NOT_DONE' });
  await one.vmPoolInfo({ state: 'NOT_DONE' });

  t.log('refusals on a running VM');
  await refused(one.vmDeploy(a, h1, true, 0));
  await refused(one.vmAction('resume', a));
  await refused(one.vmAction('release', a));

  t.log('preemption by stop, resumed on the other host');
  await one.vmAction('stop', a);
  await settled(a, 'STOPPED');
  await one.hostInfo(h0);
  await refused(one.vmAction('suspend', a));
  await one.vmDeploy(a, h1, true, 0);
  await settled(a, 'ACTIVE/RUNNING');
  await one.hostInfo(h0);
  await one.hostInfo(h1);

  t.log('preemption by suspend, resumed in place');
  await one.vmAction('suspend', a);
  await settled(a, 'SUSPENDED');
  await one.hostInfo(h1);
  await refused(one.vmDeploy(a, h0, true, 0));
  await one.vmAction('resume', a);
  await settled(a, 'ACTIVE/RUNNING');

  t.log('preemption by undeploy, redeployed');
  await one.vmAction('undeploy', a);
  await settled(a, 'UNDEPLOYED');
  await one.hostInfo(h1);
  await one.vmDeploy(a, h0, true, 0);
  await settled(a, 'ACTIVE/RUNNING');

  t.log('migration (cold, enforce)');
  await one.vmMigrate(a, h1, false, true);
  await settled(a, 'ACTIVE/RUNNING', h1);
  await one.hostInfo(h0);
  await one.hostInfo(h1);

  t.log('cancel: terminate-hard');
  await one.vmAction('terminate-hard', a);
  await settled(a, 'DONE');
  await one.hostInfo(h1);
  await refused(one.vmAction('terminate-hard', a));

  t.log('use case 2: a session whose lifetime is a scheduled terminate-hard');
  const b = await one.vmAllocate(template('job-b', 'training-session', 1, 1024), true);
  await one.vmDeploy(b, h0, true, 0, nic);
  await settled(b, 'ACTIVE/RUNNING');
  const far = Math.ceil(Date.now() / 1000) + 86_400;
  const farId = await one.vmSchedAdd(b, `SCHED_ACTION = [ ACTION = "terminate-hard", TIME = "${far}" ]`);
  await one.vmInfo(b);
  await one.vmSchedDelete(b, farId);
  await refused(one.vmSchedDelete(b, farId));
  await one.vmSchedAdd(b, `SCHED_ACTION = [ ACTION = "terminate-hard", TIME = "${Math.ceil(Date.now() / 1000) + 2}" ]`);
  await settled(b, 'DONE');

  t.log('use case 3: no room (enforce), no such host, no such VM');
  const c = await one.vmAllocate(template('job-c', 'prod-service', 8, 2048), true);
  const big = await one.vmAllocate(template('job-big', 'prod-service', 8, 2048), true);
  await one.vmDeploy(c, h0, true, 0, nic);
  await settled(c, 'ACTIVE/RUNNING');
  await one.hostInfo(h0);
  await refused(one.vmDeploy(big, h0, true, 0, nic));
  await refused(one.vmDeploy(big, 9999, true, 0));
  await refused(one.vmInfo(99_999));
  await refused(one.vmAction('terminate-hard', 99_999));
  await one.vmAction('terminate-hard', c);
  await settled(c, 'DONE');

  t.log('a deploy the hypervisor fails');
  await t.failNextDeploy();
  try {
    recorder.noteNext('fail-next-deploy');
    await one.vmDeploy(big, h1, true, 0, nic);
    await settled(big, 'ACTIVE/BOOT_FAILURE');
  } finally {
    await t.clearFailures();
  }
  await one.hostInfo(h1);
  await one.vmAction('terminate-hard', big);
  await settled(big, 'DONE');
  await one.hostInfo(h1);
  await one.vmPoolInfoExtended({ state: 'ANY' });
}
