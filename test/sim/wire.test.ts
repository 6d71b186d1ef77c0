import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION, startTestSim, type TestSim } from './helpers';

/** Posts a raw body to the simulator and returns the raw HTTP answer. */
async function post(url: string, body: string): Promise<{ status: number; text: string }> {
  const res = await fetch(url, { method: 'POST', body, headers: { 'Content-Type': 'text/xml' } });
  return { status: res.status, text: await res.text() };
}

const callXml = (method: string, params: string) =>
  `<?xml version="1.0"?><methodCall><methodName>${method}</methodName><params>${params}</params></methodCall>`;
const s = (v: string) => `<param><value><string>${v}</string></value></param>`;
const i = (v: number, tag = 'int') => `<param><value><${tag}>${v}</${tag}></value></param>`;

describe('XML-RPC wire format', () => {
  let t: TestSim;
  beforeAll(async () => { t = await startTestSim(); });
  afterAll(async () => { await t.close(); });

  it('answers success as [boolean true, value, i4 0] like xmlrpc-c', async () => {
    // Act
    const res = await post(t.sim.url, callXml('one.system.version', s(SESSION)));

    // Assess
    expect(res.status).toBe(200);
    expect(res.text).toContain('<array><data><value><boolean>1</boolean></value><value><string>7.0.0</string></value><value><i4>0</i4></value></data></array>');
  });

  it('answers failure as [false, "[method] msg", code, resp_id, i8 0]', async () => {
    // Act
    const res = await post(t.sim.url, callXml('one.vm.info', s(SESSION) + i(42, 'i4')));

    // Assess
    expect(res.text).toContain('<value><boolean>0</boolean></value><value><string>[one.vm.info] Error getting virtual machine [42].</string></value><value><i4>1024</i4></value><value><i4>42</i4></value><value><i8>0</i8></value>');
  });

  it('accepts untyped string values and entities', async () => {
    const res = await post(t.sim.url, callXml('one.system.version', '<param><value>oneadmin:opennebula</value></param>'));
    expect(res.text).toContain('<boolean>1</boolean>');
    const res2 = await post(t.sim.url, callXml('one.system.version', s('oneadmin&#58;opennebula')));
    expect(res2.text).toContain('<boolean>1</boolean>');
  });

  it('answers an XML-RPC fault for unknown methods, wrong types, missing parameters and bad XML', async () => {
    for (const [body, code] of [
      [callXml('one.nothing', s(SESSION)), -506],
      [callXml('one.vm.info', s(SESSION) + s('42')), -501],
      [callXml('one.vm.info', s(SESSION)), -501],
      [callXml('one.vm.info', s(SESSION) + i(1, 'i8')), -501],
      ['<methodCall><methodName>x</methodName', -503],
    ] as const) {
      const res = await post(t.sim.url, body);
      expect(res.text, body).toContain('<fault>');
      expect(res.text, body).toContain(`<name>faultCode</name><value><i4>${code}</i4></value>`);
    }
  });

  it('refuses a wrong session with AUTHENTICATION (0x100)', async () => {
    // Act
    const r = await t.call('one.hostpool.info', 'oneadmin:wrong');

    // Assess
    expect(r.slice(0, 3)).toEqual([false, "[one.hostpool.info] User couldn't be authenticated, aborting call.", 0x100]);
  });

  it('serves only POST /RPC2', async () => {
    expect((await fetch(t.sim.url.replace('/RPC2', '/other'), { method: 'POST', body: '' })).status).toBe(404);
    expect((await fetch(t.sim.url)).status).toBe(405);
  });

  it('escapes the returned XML document inside the <string>', async () => {
    const res = await post(t.sim.url, callXml('one.cluster.info', s(SESSION) + i(0)));
    expect(res.text).toContain('&lt;CLUSTER&gt;&lt;ID&gt;0&lt;/ID&gt;');
  });
});
