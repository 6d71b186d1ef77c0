import { randomBytes } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import { readBody, send } from './http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Socket } from 'node:net';
import { armSchedActions, SCHED_METHODS } from './schedActions';
import { Cloud } from './cloud';
import { ONE_ERROR, OneRequestError } from './errors';
import { Faults, type FaultConfig } from './faults';
import { checkFixture, loadFixture, type Fixture } from './fixture';
import { NO_GUEST, ProcessGuest, type Guest } from './guest';
import { SimState } from './inspect';
import { DEFAULT_TIMING, Lifecycle, type Timing } from './lifecycle';
import type { Logger } from './logger';
import { METHODS } from './methods';
import { oneGateToken, startOneGate, type OneGate, type OneGateOptions } from './onegate';
import { Params } from './params';
import { encodeFault, encodeMethodResponse, I8, type XmlRpcValue } from '../../lib/one/xmlrpc';
import { decodeCall, FAULT, RpcFault } from './xmlrpc';

export interface SimulatorOptions {
  /** 0 (the default) picks a free port. */
  readonly port?: number;
  readonly host?: string;
  /** A fixture object, or the path of a JSON/YAML fixture file; default local/fixtures/default.json. */
  readonly fixture?: Fixture | string;
  readonly timing?: Partial<Timing>;
  readonly faults?: FaultConfig;
  /** Run CONTEXT start scripts when a VM reaches RUNNING (default true). */
  readonly bootScripts?: boolean;
  /** Local folder mapped to the guest path /data/repository. */
  readonly repositoryDir?: string;
  /** More guest path → local folder mappings. */
  readonly repositories?: Record<string, string>;
  /** Where boot runs keep their files (default: a new temporary folder, removed on close). */
  readonly workDir?: string;
  readonly logger?: Logger;
  /** OneGate (its own HTTP server, default on a free port), or false for none: CONTEXT/TOKEN = YES then fails as in oned without ONEGATE_ENDPOINT. */
  readonly oneGate?: OneGateOptions | false;
}

/** Run-time fault control (also reachable over XML-RPC, see local/sim/README.md). */
export interface FaultControl {
  set(config: FaultConfig): void;
  get(): FaultConfig;
  clear(): void;
  /** Close the listening socket and every connection; listen again after `ms`. */
  refuseConnections(ms: number): void;
  hostError(hostId: number, error: boolean): void;
  failBoots(count: number, hostId?: number): void;
}

export interface Simulator {
  readonly url: string;
  readonly port: number;
  /** OneGate's endpoint (ONEGATE_ENDPOINT) and control, unless started without it. */
  readonly oneGate?: Pick<OneGate, 'url' | 'port' | 'refuseConnections'>;
  readonly faults: FaultControl;
  readonly state: SimState;
  /** XML-RPC calls received so far, by method (whoever made them, answered or not). */
  calls(): Record<string, number>;
  close(): Promise<void>;
}

const SILENT: Logger = { info() {}, error() {} };

/** XML-RPC answers XML. */
const respond = (res: ServerResponse, status: number, body: string): void => send(res, status, 'text/xml; charset=utf-8', body);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const logger = options.logger ?? SILENT;
  const fixture = typeof options.fixture === 'string' || options.fixture === undefined
    ? loadFixture(options.fixture)
    : checkFixture(options.fixture);
  const cloud = new Cloud(fixture);
  const faults = new Faults(options.faults);
  const ownWorkDir = options.workDir === undefined;
  const workDir = options.workDir ?? mkdtempSync(join(tmpdir(), 'one-sim-'));
  const repositories = { ...(options.repositoryDir ? { '/data/repository': options.repositoryDir } : {}), ...options.repositories };
  // oned's side of OneGate tokens (the owner's TOKEN_PASSWORD): one secret per simulator.
  const tokenSecret = randomBytes(32);
  const oneGate = options.oneGate === false ? undefined : await startOneGate({ cloud, secret: tokenSecret, logger, faults }, { host: options.host, ...options.oneGate });
  if (oneGate) cloud.oneGateEndpoint = oneGate.url;
  let lifecycle: Lifecycle;
  const guest: Guest & { runs?: ProcessGuest['runs'] } = options.bootScripts === false
    ? NO_GUEST
    : new ProcessGuest(workDir, repositories, (id) => { const vm = cloud.vms.get(id); if (vm) lifecycle.guestPoweroff(vm); }, logger,
      oneGate ? (vm) => oneGateToken(tokenSecret, vm) : undefined);
  lifecycle = new Lifecycle(cloud, { ...DEFAULT_TIMING, ...options.timing }, guest, (_vm, host) => faults.bootFails(host.id), logger);
  for (const id of options.faults?.hostErrors ?? []) {
    const h = cloud.hosts.get(id);
    if (h) lifecycle.setHostError(h, true);
  }

  const admin = adminMethods(cloud, lifecycle, faults, () => control);

  async function call(method: string, params: XmlRpcValue[]): Promise<XmlRpcValue> {
    const session = params[0];
    const [name, ...rest] = typeof session === 'string' ? session.split(':') : [''];
    const user = cloud.user(name);
    const handler = METHODS[method] ?? SCHED_METHODS[method] ?? admin[method];
    if (!handler) throw new RpcFault(FAULT.NO_SUCH_METHOD, `Requested method '${method}' not defined`);
    if (typeof session !== 'string') throw new RpcFault(FAULT.TYPE, 'Type mismatch: parameter 0 (session) is not a string');
    try {
      if (!user || user.password !== rest.join(':')) {
        throw new OneRequestError(ONE_ERROR.AUTHENTICATION, "User couldn't be authenticated, aborting call.");
      }
      const value = handler({ cloud, lifecycle, user, params: new Params(params) });
      if (method === 'one.vm.allocate') armSchedActions(cloud, lifecycle, cloud.vms.get(value as number)!);
      return [true, value, 0];
    } catch (e) {
      if (!(e instanceof OneRequestError)) throw e;
      return [false, `[${method}] ${e.message}`, e.code, e.respId, new I8(0n)];
    }
  }

  const received = new Map<string, number>();
  const sockets = new Set<Socket>();
  const server = createServer(async (req, res) => {
    if (req.url !== '/RPC2') return respond(res, 404, '');
    if (req.method !== 'POST') return respond(res, 405, '');
    const body = await readBody(req);
    let method = '';
    try {
      const parsed = decodeCall(body);
      method = parsed.method;
      received.set(method, (received.get(method) ?? 0) + 1);
      const wait = faults.latencyMs(method);
      if (wait > 0) await sleep(wait);
      const failure = faults.failure(method);
      if (failure === 'drop') return req.socket.destroy();
      if (failure === 'http-500') return respond(res, 500, '');
      if (failure === 'fault') return respond(res, 200, encodeFault(FAULT.INTERNAL, 'Simulated failure (fault injection)'));
      if (failure === 'error') {
        return respond(res, 200, encodeMethodResponse([false, `[${method}] Simulated failure (fault injection)`, ONE_ERROR.INTERNAL, -1, new I8(0n)]));
      }
      const result = await call(method, parsed.params);
      if (failure === 'lost-response') return req.socket.destroy();
      respond(res, 200, encodeMethodResponse(result));
    } catch (e) {
      if (e instanceof RpcFault) return respond(res, 200, encodeFault(e.faultCode, e.faultString));
      logger.error(`${method || 'request'}: ${(e as Error).stack ?? e}`);
      respond(res, 200, encodeFault(FAULT.INTERNAL, `Internal error: ${(e as Error).message}`));
    }
  });
  server.keepAliveTimeout = 5000;
  server.on('connection', (s: Socket) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });

  const listen = (port: number) => new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, options.host ?? '127.0.0.1', () => { server.off('error', reject); resolve(); });
  });
  try {
    await listen(options.port ?? 0);
  } catch (e) {
    await oneGate?.close();
    throw e;
  }
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 0);
  let refusedUntil: NodeJS.Timeout | undefined;
  let closed = false;

  const control: FaultControl = {
    set: (config) => faults.set(config),
    get: () => faults.get(),
    clear: () => faults.set({}),
    refuseConnections(ms) {
      if (closed) return;
      server.close();
      for (const s of sockets) s.destroy();
      clearTimeout(refusedUntil);
      refusedUntil = setTimeout(() => { if (!closed) listen(port).catch((e) => logger.error(`re-listen failed: ${e}`)); }, ms);
    },
    hostError(hostId, error) {
      const host = cloud.hosts.get(hostId);
      if (host) lifecycle.setHostError(host, error);
    },
    failBoots: (count, hostId) => faults.failBoots(count, hostId),
  };

  const state = new SimState(cloud, () => (guest instanceof ProcessGuest ? guest.runs : []));
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}/RPC2`,
    port,
    ...(oneGate ? { oneGate } : {}),
    faults: control,
    state,
    calls: () => Object.fromEntries(received),
    async close() {
      if (closed) return;
      closed = true;
      clearTimeout(refusedUntil);
      lifecycle.close();
      guest.closeAll();
      await oneGate?.close();
      await new Promise<void>((resolve) => {
        if (!server.listening) return resolve();
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
      if (ownWorkDir) rmSync(workDir, { recursive: true, force: true });
    },
  };
}

/** Admin methods (not OpenNebula's): fault control and the simulator's records, for oneadmin only. */
function adminMethods(cloud: Cloud, lifecycle: Lifecycle, faults: Faults, control: () => FaultControl): typeof METHODS {
  const adminOnly = (uid: number) => {
    if (uid !== 0) throw new OneRequestError(ONE_ERROR.AUTHORIZATION, 'User [' + uid + '] : only oneadmin may control the simulator.');
  };
  return {
    'sim.fault.get': ({ user }) => { adminOnly(user.id); return JSON.stringify(faults.get()); },
    'sim.fault.set': ({ user, params }) => {
      adminOnly(user.id);
      let config: FaultConfig;
      try { config = JSON.parse(params.string(1)) as FaultConfig; } catch (e) {
        throw new OneRequestError(ONE_ERROR.XML_RPC_API, `fault configuration is not JSON: ${(e as Error).message}`);
      }
      faults.set(config);
      for (const h of cloud.hosts.values()) lifecycle.setHostError(h, (config.hostErrors ?? []).includes(h.id));
      return JSON.stringify(faults.get());
    },
    'sim.fault.clear': ({ user }) => {
      adminOnly(user.id);
      faults.set({});
      for (const h of cloud.hosts.values()) lifecycle.setHostError(h, false);
      return true;
    },
    'sim.host.error': ({ user, params }) => { adminOnly(user.id); control().hostError(params.int(1), params.bool(2)); return params.int(1); },
    'sim.boot.fail': ({ user, params }) => {
      adminOnly(user.id);
      control().failBoots(params.int(1), params.size > 2 && params.int(2) >= 0 ? params.int(2) : undefined);
      return params.int(1);
    },
    'sim.refuse': ({ user, params }) => { adminOnly(user.id); const ms = params.int(1); setTimeout(() => control().refuseConnections(ms), 10); return ms; },
  };
}
