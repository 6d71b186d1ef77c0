import xmlrpc from 'xmlrpc';
import { FAST_TIMING, startSimulator, type Simulator, type SimulatorOptions } from '../../local/sim';
import { parseXml, type XmlElement } from '../../local/sim/xml';

export const SESSION = 'oneadmin:opennebula';

export type OneResponse = [boolean, unknown, number, ...unknown[]];

export interface TestSim {
  readonly sim: Simulator;
  /** One XML-RPC call over HTTP with the `xmlrpc` client; resolves with oned's response array. */
  call(method: string, ...params: unknown[]): Promise<OneResponse>;
  /** Like call, but expects success and returns the value. */
  ok<T = unknown>(method: string, ...params: unknown[]): Promise<T>;
  close(): Promise<void>;
}

/** A simulator on an ephemeral loopback port, with near-zero transition times. */
export async function startTestSim(options: SimulatorOptions = {}): Promise<TestSim> {
  const sim = await startSimulator({ timing: FAST_TIMING, ...options });
  const client = xmlrpc.createClient(sim.url);
  const call = (method: string, ...params: unknown[]) => new Promise<OneResponse>((resolve, reject) => {
    client.methodCall(method, params, (error, value) => (error ? reject(error) : resolve(value as OneResponse)));
  });
  return {
    sim,
    call,
    async ok<T>(method: string, ...params: unknown[]): Promise<T> {
      const r = await call(method, ...params);
      if (r[0] !== true) throw new Error(`${method} failed: ${JSON.stringify(r)}`);
      return r[1] as T;
    },
    close: () => sim.close(),
  };
}

/** Polls until `check` returns a value other than undefined/false (tests never assert on timing). */
export async function waitFor<T>(check: () => T | undefined | false | Promise<T | undefined | false>, what = 'condition', timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

export function xml(text: string): XmlElement {
  return parseXml(text);
}

/** Text of the first descendant at a path of element names ("TEMPLATE/CPU"). */
export function xpath(root: XmlElement, path: string): string | undefined {
  let node: XmlElement | undefined = root;
  for (const part of path.split('/')) node = node?.children.find((c) => c.name === part);
  return node?.text;
}

export function children(root: XmlElement, path: string): XmlElement[] {
  const parts = path.split('/');
  const last = parts.pop()!;
  let node: XmlElement | undefined = root;
  for (const part of parts) node = node?.children.find((c) => c.name === part);
  return node?.children.filter((c) => c.name === last) ?? [];
}

/** STATE and LCM_STATE of a VM through one.vm.info. */
export async function vmStates(t: TestSim, id: number): Promise<[number, number]> {
  const doc = xml(await t.ok<string>('one.vm.info', SESSION, id));
  return [Number(xpath(doc, 'STATE')), Number(xpath(doc, 'LCM_STATE'))];
}

export const BASIC_VM = 'NAME = "t"\nCPU = 1\nMEMORY = 1024\n';
