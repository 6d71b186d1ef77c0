/**
 * OneGate in the simulator, over real HTTP, as a guest uses it: the token only the guest gets,
 * `PUT /vm` landing in USER_TEMPLATE as one.vm.info and one.vmpool.infoextended show it, and
 * every wrong token or VM id refused.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeTemplate } from '../../lib/one/template';
import { escapeAttr } from '../../local/sim/onegate';
import { children, SESSION, startTestSim, waitFor, xml, xpath, type TestSim } from './helpers';

const b64 = (s: string) => Buffer.from(s).toString('base64');

function vmTemplate(name: string, script: string, context: Record<string, string> = { TOKEN: 'YES' }): string {
  return writeTemplate([
    { name: 'NAME', value: name }, { name: 'CPU', value: '1' }, { name: 'MEMORY', value: '256' },
    { name: 'SVMSCHED_JOB_ID', value: `job-${name}` },
    { name: 'CONTEXT', vector: [{ name: 'START_SCRIPT_BASE64', value: b64(script) }, ...Object.entries(context).map(([n, value]) => ({ name: n, value }))] },
  ]);
}

interface Gate { status: number; body: string }

describe('OneGate', () => {
  let t: TestSim;
  beforeEach(async () => { t = await startTestSim(); });
  afterEach(async () => { await t.close(); });

  const gate = async (method: string, path: string, headers: Record<string, string>, body?: string): Promise<Gate> => {
    const res = await fetch(`${t.sim.oneGate!.url}${path}`, { method, headers, body });
    return { status: res.status, body: await res.text() };
  };
  const info = async (id: number) => xml(await t.ok<string>('one.vm.info', SESSION, id));

  /** Allocates and deploys a VM whose guest sleeps; returns its id and the token its guest was given. */
  async function runningVm(name: string): Promise<{ id: number; token: string }> {
    const id = await t.ok<number>('one.vm.allocate', SESSION, vmTemplate(name, 'sleep 60'), true);
    await t.ok('one.vm.deploy', SESSION, id, 0, true);
    const run = await waitFor(() => t.sim.state.guestRuns().find((r) => r.vmId === id), 'guest start');
    const token = readFileSync(join(run.dir, 'root/run/one-context/token.txt'), 'utf8').trim();
    return { id, token };
  }

  it('gives a VM with CONTEXT/TOKEN = YES the endpoint and its id in CONTEXT, and the token to its guest only', async () => {
    // Prepare: the guest writes what it was given next to its console.
    const script = 'printf "%s|%s|%s" "$ONEGATE_ENDPOINT" "$VMID" "$ONEGATE_TOKEN" > "$SIM_VM_DIR/seen"';
    const id = await t.ok<number>('one.vm.allocate', SESSION, vmTemplate('seen', script), true);

    // Act
    await t.ok('one.vm.deploy', SESSION, id, 0, true);
    const run = await waitFor(() => t.sim.state.guestRuns().find((r) => r.vmId === id && r.exitCode === 0), 'guest exit');

    // Assess
    const vm = await info(id);
    expect(xpath(vm, 'TEMPLATE/CONTEXT/ONEGATE_ENDPOINT')).toBe(t.sim.oneGate!.url);
    expect(xpath(vm, 'TEMPLATE/CONTEXT/VMID')).toBe(String(id));
    const [endpoint, vmid, token] = readFileSync(join(run.dir, 'seen'), 'utf8').split('|');
    expect([endpoint, vmid]).toEqual([t.sim.oneGate!.url, String(id)]);
    expect(token).toMatch(/^[A-Za-z0-9+/=]{40,}$/);
    expect(readFileSync(join(run.dir, 'root/run/one-context/token.txt'), 'utf8').trim()).toBe(token);
    // As in oned, the token is in no template anyone can read over XML-RPC.
    expect(await t.ok<string>('one.vm.info', SESSION, id)).not.toContain(token);
    expect(await t.ok<string>('one.vmpool.infoextended', SESSION, -2, -1, -1, -1)).not.toContain(token);
  });

  it('merges PUT /vm into USER_TEMPLATE, seen by one.vm.info, one.vmpool.infoextended and GET /vm', async () => {
    // Prepare
    const { id, token } = await runningVm('put');
    const auth = { 'X-ONEGATE-TOKEN': token, 'X-ONEGATE-VMID': String(id) };

    // Act: as `onegate vm update --data` sends it, then a second update of one attribute.
    const first = await gate('PUT', '/vm', auth, 'SVMSCHED_EXIT_CODE=7\nNOTE=two words');
    const second = await gate('PUT', '/vm', auth, 'SVMSCHED_EXIT_CODE=0');

    // Assess
    expect([first.status, second.status]).toEqual([200, 200]);
    const vm = await info(id);
    expect(xpath(vm, 'USER_TEMPLATE/SVMSCHED_EXIT_CODE')).toBe('0');
    expect(children(vm, 'USER_TEMPLATE/SVMSCHED_EXIT_CODE')).toHaveLength(1);
    expect(xpath(vm, 'USER_TEMPLATE/NOTE')).toBe('two words');
    expect(xpath(vm, 'USER_TEMPLATE/SVMSCHED_JOB_ID')).toBe('job-put');
    const pool = xml(await t.ok<string>('one.vmpool.infoextended', SESSION, -2, id, id, -1));
    expect(xpath(pool, 'VM/USER_TEMPLATE/SVMSCHED_EXIT_CODE')).toBe('0');
    const shown = await gate('GET', '/vm', auth);
    expect(shown.status).toBe(200);
    expect(JSON.parse(shown.body)).toMatchObject({
      VM: { ID: String(id), NAME: 'put', STATE: '3', LCM_STATE: '3', USER_TEMPLATE: { SVMSCHED_EXIT_CODE: '0', NOTE: 'two words', SVMSCHED_JOB_ID: 'job-put' } },
    });
  });

  it('refuses a wrong token, another VM\'s id, and missing headers with 401, and changes nothing', async () => {
    // Prepare: two VMs, each with its own token.
    const a = await runningVm('a');
    const b = await runningVm('b');

    // Act
    const answers = await Promise.all([
      gate('PUT', '/vm', { 'X-ONEGATE-TOKEN': `${a.token.slice(0, -2)}AA`, 'X-ONEGATE-VMID': String(a.id) }, 'X=1'),
      gate('PUT', '/vm', { 'X-ONEGATE-TOKEN': a.token, 'X-ONEGATE-VMID': String(b.id) }, 'X=1'),
      gate('PUT', '/vm', { 'X-ONEGATE-TOKEN': a.token }, 'X=1'),
      gate('PUT', '/vm', { 'X-ONEGATE-VMID': String(a.id) }, 'X=1'),
      gate('GET', '/vm', { 'X-ONEGATE-TOKEN': a.token, 'X-ONEGATE-VMID': '999' }),
      gate('GET', '/vm', { 'X-ONEGATE-TOKEN': b.token, 'X-ONEGATE-VMID': String(a.id) }),
    ]);

    // Assess
    expect(answers.map((r) => r.status)).toEqual([401, 401, 401, 401, 401, 401]);
    expect(answers.every((r) => r.body === 'Not authorized')).toBe(true);
    for (const id of [a.id, b.id]) expect(xpath(await info(id), 'USER_TEMPLATE/X')).toBeUndefined();
    // The same call with the right pair goes through.
    expect((await gate('PUT', '/vm', { 'X-ONEGATE-TOKEN': b.token, 'X-ONEGATE-VMID': String(b.id) }, 'X=1')).status).toBe(200);
    expect(xpath(await info(b.id), 'USER_TEMPLATE/X')).toBe('1');
  });

  it('refuses OneGate\'s restricted attributes with 403 and a template oned cannot parse with 500', async () => {
    const { id, token } = await runningVm('restricted');
    const auth = { 'X-ONEGATE-TOKEN': token, 'X-ONEGATE-VMID': String(id) };
    const restricted = await gate('PUT', '/vm', auth, 'SCHED_REQUIREMENTS=ID=0');
    expect(restricted).toEqual({ status: 403, body: 'Attribute (SCHED_REQUIREMENTS) cannot be modified' });
    const unparsable = await gate('PUT', '/vm', auth, 'A=[B="1"');
    expect(unparsable.status).toBe(500);
    expect(unparsable.body).toMatch(/^\[one\.vm\.update\] Parse error/);
    expect(xpath(await info(id), 'USER_TEMPLATE/SCHED_REQUIREMENTS')).toBeUndefined();
  });

  it('fails with oned: an update oned refuses is a 500, a VM oned cannot show a 401, and nothing changes', async () => {
    const { id, token } = await runningVm('faults');
    const auth = { 'X-ONEGATE-TOKEN': token, 'X-ONEGATE-VMID': String(id) };
    t.sim.faults.set({ methodFailures: [{ method: 'one.vm.update', rate: 1, mode: 'error' }] });
    expect((await gate('PUT', '/vm', auth, 'X=1')).status).toBe(500);
    t.sim.faults.set({ methodFailures: [{ method: 'one.vm.info', rate: 1, mode: 'drop' }] });
    expect((await gate('PUT', '/vm', auth, 'X=1')).status).toBe(401);
    t.sim.faults.clear();
    expect(xpath(await info(id), 'USER_TEMPLATE/X')).toBeUndefined();
    expect((await gate('PUT', '/vm', auth, 'X=1')).status).toBe(200);
  });

  it('erases one attribute with type=2', async () => {
    const { id, token } = await runningVm('erase');
    const auth = { 'X-ONEGATE-TOKEN': token, 'X-ONEGATE-VMID': String(id) };
    await gate('PUT', '/vm', auth, 'GONE=soon');
    expect((await gate('PUT', '/vm?type=2', auth, 'GONE')).status).toBe(200);
    expect(xpath(await info(id), 'USER_TEMPLATE/GONE')).toBeUndefined();
    expect(await gate('PUT', '/vm?type=2', auth, 'GONE')).toEqual({ status: 500, body: 'attribute not found' });
  });

  it('quotes bare values as onegate-server\'s escape_attr does', () => {
    expect(escapeAttr('A=b c')).toBe('A="b c"');
    expect(escapeAttr('A=1\nB=2\n')).toBe('A="1"\nB="2"\n');
    expect(escapeAttr('A="quoted"')).toBe('A="quoted"');
    // Its quirk kept: a "," does not leave the escaped value, so the next "=" is not quoted.
    expect(escapeAttr('V=[X=1,Y=two words]')).toBe('V=[X="1",Y=two words"]');
  });
});

describe('OneGate: a simulator without it', () => {
  it('refuses CONTEXT/TOKEN = YES at allocate, as oned without ONEGATE_ENDPOINT', async () => {
    const t = await startTestSim({ oneGate: false });
    try {
      const r = await t.call('one.vm.allocate', SESSION, vmTemplate('no-gate', 'true'), true);
      expect(r[0]).toBe(false);
      expect(r[1]).toBe('[one.vm.allocate] Error allocating a new virtual machine. TOKEN set, but onegate endpoint was not defined in oned.conf.');
      expect(t.sim.oneGate).toBeUndefined();
    } finally {
      await t.close();
    }
  });
});
