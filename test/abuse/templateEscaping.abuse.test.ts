/**
 * Hostile arguments and requirements reach OpenNebula escaped: the VM template the simulator
 * holds (one.vm.info over XML-RPC, as oned would answer) has exactly the CPU and MEMORY asked
 * for, no attribute the input tried to add, the arguments unchanged in CONTEXT/SVMSCHED_ARGS
 * and at the service's own command line, and the requirements intact in SCHED_REQUIREMENTS.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { XmlRpcOneClient } from '../../lib/one/client';
import type { XmlNode } from '../../lib/sched/snapshot';
import { ONE_PASSWORD } from '../../local/stack';
import { api, startStack, waitForJob, type Stack } from '../helpers/stack';
import { expectWellFormed } from './answers';

let stack: Stack;
let one: XmlRpcOneClient;
beforeAll(async () => {
  stack = await startStack();
  one = new XmlRpcOneClient({ endpoint: stack.sim.url, user: 'oneadmin', password: ONE_PASSWORD });
}, 180_000);
afterAll(async () => {
  one?.close();
  await stack?.stop();
});

/** What someone might try to smuggle into a template, a shell or an XML document. */
const INJECTIONS = [
  '" ]\nCPU = 999\nX = [ "',
  '"\nMEMORY = "999999',
  "'; CPU = 999; '",
  '$(touch MARKER) `touch MARKER` ${IFS}$HOME',
  ']]><CPU>999</CPU><![CDATA[',
  '{{ CPU }} <%= 999 %> ${CPU} $CPU %s %n',
  'tab\tand\nnewline, comma = [ bracket ] # hash',
  'unicode é 日本 \u{1F600} \u200b',
  // Last: the service's `echo` (dash) reads backslashes as escapes, so its message is compared up to here.
  '\\" \\\\ \\',
];

const submit = (body: unknown) => api(stack, 'POST', '/jobs', { token: stack.userToken, body });
const child = (node: XmlNode | undefined, name: string) => node?.children.filter((c) => c.name === name) ?? [];

/** The VM's TEMPLATE and USER_TEMPLATE (where oned keeps SCHED_* and anything it does not know) as oned reports them. */
async function vmTemplates(vmId: number): Promise<{ template: XmlNode; user: XmlNode }> {
  const vm = await one.vmInfo(vmId);
  const [template] = child(vm.xml, 'TEMPLATE');
  const [user] = child(vm.xml, 'USER_TEMPLATE');
  expect(template, `VM ${vmId} has a TEMPLATE`).toBeDefined();
  expect(user, `VM ${vmId} has a USER_TEMPLATE`).toBeDefined();
  return { template: template!, user: user! };
}

/** Exactly the CPU, VCPU and MEMORY asked for, and no attribute an injection tried to add, in either template. */
function expectCapacity({ template, user }: { template: XmlNode; user: XmlNode }, vcpu: number, memory: number): void {
  expectOnly(template, 'CPU', String(vcpu));
  expectOnly(template, 'VCPU', String(vcpu));
  expectOnly(template, 'MEMORY', String(memory));
  for (const name of ['CPU', 'VCPU', 'MEMORY', 'X']) expect(child(user, name), `USER_TEMPLATE/${name}`).toEqual([]);
  expect(child(template, 'X')).toEqual([]);
}

/** base64 of NUL-terminated items, as the start script splits them. */
const decodeArgs = (b64: string) => Buffer.from(b64, 'base64').toString('utf8').split('\0').slice(0, -1);

function expectOnly(template: XmlNode, name: string, value: string): void {
  expect(child(template, name).map((n) => n.text), name).toEqual([value]);
}

describe('hostile arguments', () => {
  it('reach the service unchanged and add nothing to the template', { timeout: 180_000 }, async () => {
    // Prepare: a path that does not exist, so example-service1 says it cannot read it (exit 66), quoting it.
    const marker = path.join(stack.repositoryDir, 'pwned');
    const hostile = `/data/repository/none/${INJECTIONS.join('|').replaceAll('MARKER', marker)}`;

    // Act
    const res = await submit({ service: 'example-service1', vcpu: 2, memory: 1024, args: [hostile] });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    const job = await waitForJob(stack, stack.userToken, res.body.id);

    // Assess: the job ran and failed as the service says for a missing file.
    expect(job.state).toBe('FAILED');
    expect(job.exitCode).toBe(66);
    const { template, user } = await vmTemplates(job.vmId);
    expectCapacity({ template, user }, 2, 1024);
    const [context] = child(template, 'CONTEXT');
    expect(decodeArgs(child(context, 'SVMSCHED_ARGS')[0]!.text)).toEqual([hostile]);
    // The service's own message quotes its argument as it received it (up to the backslashes its echo rewrites).
    const run = stack.sim.state.guestRuns().find((r) => r.vmId === job.vmId)!;
    const log = await readFile(run.consoleLog, 'utf8');
    expect(log).toContain(`example-service1: cannot read ${hostile.slice(0, hostile.indexOf('\\'))}`);
    expect(existsSync(marker)).toBe(false);
  });
});

describe('hostile requirements', () => {
  it('arrive intact in SCHED_REQUIREMENTS, and the template keeps the CPU and MEMORY asked for', { timeout: 180_000 }, async () => {
    // Prepare: true on every host (no host has this name), every injection inside the string.
    const requirements = `NAME != "${INJECTIONS.filter((i) => !i.includes('"') && !i.includes(']]>')).join(' ')} ]\nCPU = 999\nX = [ " & MAX_CPU > 0`;

    // Act
    const res = await submit({ service: 'nrt-service', vcpu: 1, memory: 768, args: ['1'], requirements });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    const job = await waitForJob(stack, stack.userToken, res.body.id);

    // Assess
    expect(job.state).toBe('COMPLETED');
    const { template, user } = await vmTemplates(job.vmId);
    expectCapacity({ template, user }, 1, 768);
    expectOnly(user, 'SCHED_REQUIREMENTS', requirements);
    expect(child(template, 'SCHED_REQUIREMENTS')).toEqual([]);
    const [context] = child(template, 'CONTEXT');
    expect(decodeArgs(child(context, 'SVMSCHED_ARGS')[0]!.text)).toEqual(['1']);
  });

  it('that no template can carry are refused at submit, not left to fail at dispatch', { timeout: 60_000 }, async () => {
    // "]]>" ends oned's CDATA, CR comes back as LF: both are valid expression text.
    for (const requirements of ['NAME != "]]>"', 'NAME != "a\rb"']) {
      const res = await submit({ service: 'nrt-service', args: ['1'], requirements });
      expectWellFormed(res, [400], `requirements ${JSON.stringify(requirements)}`, requirements);
      expect(res.body.error.field).toBe('requirements');
    }
  });
});

describe('arguments that cannot travel unchanged', () => {
  it('are refused at submit: NUL would split one argument in two, a lone surrogate would arrive as U+FFFD', { timeout: 60_000 }, async () => {
    for (const arg of ['/data/repository/file.dat\u0000--evil', '\ud800']) {
      const res = await submit({ service: 'example-service1', args: [arg] });
      expectWellFormed(res, [400], `args ${JSON.stringify(arg)}`, arg);
      expect(res.body.error.field).toMatch(/^args/);
    }
  });
});
