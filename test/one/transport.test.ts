import { afterEach, describe, expect, it } from 'vitest';
import xmlrpc from 'xmlrpc';
import type { AddressInfo } from 'node:net';
import { XmlRpcOneClient } from '../../lib/one/client';
import { OneError, OneProtocolError, OneTimeoutError, OneUnavailableError } from '../../lib/one/errors';
import { answer, startRawServer, xmlRpcArray, type RawServer } from './rawServer';

const OK = '<value><boolean>1</boolean></value>';
const FAIL = '<value><boolean>0</boolean></value>';

let server: RawServer | undefined;
let client: XmlRpcOneClient | undefined;

afterEach(async () => {
  client?.close();
  await server?.close();
  server = undefined;
  client = undefined;
});

function clientFor(url: string, extra: Partial<ConstructorParameters<typeof XmlRpcOneClient>[0]> = {}): XmlRpcOneClient {
  client = new XmlRpcOneClient({ endpoint: url, session: 'oneadmin:opennebula', timeoutMs: 2000, retries: 2, retryDelayMs: 5, ...extra });
  return client;
}

describe('XML-RPC quirks', () => {
  it('reads an ID sent as <i8> (a string in the xmlrpc package) or without a type tag', async () => {
    // Prepare
    const ids = ['<value><i8>42</i8></value>', '<value>43</value>', '<value><i4>44</i4></value>'];
    server = await startRawServer((_body, res) => answer(res, xmlRpcArray(OK, ids.shift()!, '<value><i4>0</i4></value>')));
    const one = clientFor(server.url);

    // Act
    const got = [await one.vmAllocate('CPU=1', true), await one.vmAllocate('CPU=1', true), await one.vmAllocate('CPU=1', true)];

    // Assess
    expect(got).toEqual([42, 43, 44]);
  });

  it('reads a failure whose code comes as <i8>, and names the code', async () => {
    server = await startRawServer((_body, res) => answer(res, xmlRpcArray(FAIL, '<value><string>[one.vm.info] Error getting virtual machine [7].</string></value>', '<value><i8>1024</i8></value>', '<value><i4>7</i4></value>')));

    const error = await clientFor(server.url).vmInfo(7).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(OneError);
    expect(error).toMatchObject({ code: 0x400, codeName: 'NO_EXISTS', method: 'one.vm.info', oneMessage: '[one.vm.info] Error getting virtual machine [7].' });
  });

  it('turns an XML-RPC fault into a OneError of type XML_RPC_API', async () => {
    server = await startRawServer((_body, res) => answer(res, '<?xml version="1.0"?><methodResponse><fault><value><struct><member><name>faultCode</name><value><int>-506</int></value></member><member><name>faultString</name><value><string>Method one.x not defined</string></value></member></struct></value></fault></methodResponse>'));

    const error = await clientFor(server.url).systemVersion().catch((e: unknown) => e);

    expect(error).toMatchObject({ name: 'OneRpcFaultError', codeName: 'XML_RPC_API', faultCode: -506 });
    expect((error as Error).message).toContain('Method one.x not defined');
  });

  it('refuses an answer that is not [success, value, code]', async () => {
    server = await startRawServer((_body, res) => answer(res, '<?xml version="1.0"?><methodResponse><params><param><value><string>hello</string></value></param></params></methodResponse>'));

    await expect(clientFor(server.url, { retries: 0 }).systemVersion()).rejects.toBeInstanceOf(OneProtocolError);
  });

  it('sends strings as escaped text, so \\r, "]]>" and markup arrive unchanged', async () => {
    // Prepare: the xmlrpc package's own server decodes what we send
    const received: unknown[][] = [];
    const rpc = xmlrpc.createServer({ host: '127.0.0.1', port: 0 });
    rpc.on('one.vm.allocate', (_err: unknown, params: unknown[], reply: (e: unknown, v: unknown) => void) => {
      received.push(params);
      reply(null, [true, 5, 0]);
    });
    await new Promise<void>((resolve) => rpc.httpServer.once('listening', resolve));
    const { port } = rpc.httpServer.address() as AddressInfo;
    const template = 'A = "x]]>y]]>z <b> & c\r\nd"\rE = "é𝄞"';

    // Act
    const id = await clientFor(`http://127.0.0.1:${port}/RPC2`).vmAllocate(template, true);

    // Assess
    client!.close();
    await new Promise<void>((resolve) => rpc.httpServer.close(() => resolve()));
    expect(id).toBe(5);
    expect(received).toEqual([['oneadmin:opennebula', template, true]]);
  });
});

describe('transport failures', () => {
  it('a read that gets a proxy error page is retried, then fails as unavailable', async () => {
    server = await startRawServer((_body, res) => answer(res, '<html>Bad Gateway</html>', 502));

    const error = await clientFor(server.url).hostPoolInfo().catch((e: unknown) => e);

    expect(error).toBeInstanceOf(OneUnavailableError);
    expect((error as Error).message).toContain('HTTP 502');
    expect(server.bodies).toHaveLength(3);
  });

  it('a read cut short is unavailable and retried until it succeeds', async () => {
    // Prepare: the first answer is cut mid-document
    const pool = '<HOST_POOL></HOST_POOL>';
    server = await startRawServer((_body, res) => {
      const full = xmlRpcArray(OK, `<value><string>${pool.replace(/</g, '&lt;')}</string></value>`, '<value><i4>0</i4></value>');
      if (server!.bodies.length === 1) {
        res.writeHead(200, { 'Content-Type': 'text/xml', 'Content-Length': String(full.length) });
        res.write(full.slice(0, 40));
        setTimeout(() => res.destroy(), 10);
        return;
      }
      answer(res, full);
    });

    // Act
    const hosts = await clientFor(server.url).hostPoolInfo();

    // Assess
    expect(hosts).toEqual([]);
    expect(server.bodies).toHaveLength(2);
  });

  it('a call with no answer times out, and its socket is destroyed', async () => {
    server = await startRawServer(() => { /* never answers */ });

    const error = await clientFor(server.url, { timeoutMs: 150, retries: 0 }).vmDeploy(1, 2, true).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(OneTimeoutError);
    expect(error).toBeInstanceOf(OneUnavailableError);
    await expect.poll(() => server!.closedSockets()).toBe(1);
  });

  it('a change is never repeated, even when the failure is transient', async () => {
    server = await startRawServer((_body, res) => answer(res, '', 503));

    await expect(clientFor(server.url).vmAction('terminate', 3)).rejects.toBeInstanceOf(OneUnavailableError);
    await expect(clientFor(server.url).vmDeploy(3, 0, true, 0)).rejects.toBeInstanceOf(OneUnavailableError);
    await expect(clientFor(server.url).vmMigrate(3, 1, true, true)).rejects.toBeInstanceOf(OneUnavailableError);
    await expect(clientFor(server.url).vmAllocate('CPU=1', true)).rejects.toBeInstanceOf(OneUnavailableError);

    expect(server.bodies).toHaveLength(4);
  });

  it('nobody listening: ECONNREFUSED is unavailable, after the retries of a read', async () => {
    // Prepare: a port that was just freed
    const gone = await startRawServer(() => {});
    await gone.close();

    const error = await clientFor(gone.url).systemVersion().catch((e: unknown) => e);

    expect(error).toBeInstanceOf(OneUnavailableError);
    expect((error as Error).message).toContain('ECONNREFUSED');
  });
});
