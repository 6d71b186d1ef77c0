/**
 * The OpenNebula calls svmsched makes, typed. Each method is one XML-RPC call with oned's exact
 * signature (src/rm/RequestManager*.h); answers are `[true, value, 0]` or
 * `[false, message, code, ...]` and become domain objects or a OneError.
 */
import http from 'node:http';
import https from 'node:https';
import pRetry from 'p-retry';
import type { Cluster, Datastore, Host, Snapshot, Vm, VmStateName, Vnet, XmlNode } from '../sched/snapshot';
import { VM_STATES } from '../sched/snapshot';
import { OneError, OneProtocolError, OneRpcFaultError, OneUnavailableError, ONE_ERROR_CODES } from './errors';
import { clusterPoolFromXml, datastorePoolFromXml, hostFromXml, hostPoolFromXml, imagePoolFromXml, vmFromXml, vmPoolFromXml, vnetPoolFromXml, type OneImage } from './parse';
import { xmlRpcCall, type XmlRpcParam } from './transport';
import { parseXml } from './xml';

/** Actions of one.vm.action svmsched may ask for (the names oned accepts). */
export const VM_ACTIONS = [
  'terminate', 'terminate-hard', 'undeploy', 'undeploy-hard', 'poweroff', 'poweroff-hard',
  'reboot', 'reboot-hard', 'hold', 'release', 'stop', 'suspend', 'resume', 'resched', 'unresched',
] as const;
export type VmAction = (typeof VM_ACTIONS)[number];

/** Filter flag of the pool calls (RequestManagerPoolInfoFilter): or a user id (>= 0). */
export const POOL_FILTER = { PRIMARY_GROUP: -4, MINE: -3, ALL: -2, MINE_AND_GROUPS: -1 } as const;
/** State filter of one.vmpool.info: any state, any but DONE, or one VM_STATES name. */
export type VmPoolState = 'ANY' | 'NOT_DONE' | VmStateName;

export interface VmPoolQuery {
  /** POOL_FILTER value or a user id; default ALL. */
  readonly filter?: number;
  /** ID range; -1 for open ends (default). */
  readonly start?: number;
  readonly end?: number;
  /** Default NOT_DONE. */
  readonly state?: VmPoolState;
}

/** Migration type of one.vm.migrate for a cold migration: save, poweroff, poweroff-hard. */
export const MIGRATION_TYPES = { save: 0, poweroff: 1, 'poweroff-hard': 2 } as const;
export type MigrationType = keyof typeof MIGRATION_TYPES;

export interface OneClient {
  systemVersion(): Promise<string>;
  hostPoolInfo(): Promise<Host[]>;
  hostInfo(id: number): Promise<Host>;
  clusterPoolInfo(): Promise<Cluster[]>;
  datastorePoolInfo(): Promise<Datastore[]>;
  vnetPoolInfo(): Promise<Vnet[]>;
  /** Every image the user may see (the preflight: do the services' images exist). */
  imagePoolInfo(): Promise<OneImage[]>;
  /** oned.conf as XML (OPENNEBULA_CONFIGURATION); oneadmin's group only. */
  systemConfig(): Promise<XmlNode>;
  /** The short VM bodies (vm_pool.xsd). */
  vmPoolInfo(query?: VmPoolQuery): Promise<Vm[]>;
  /** The full VM bodies (vm_pool_extended.xsd). */
  vmPoolInfoExtended(query?: VmPoolQuery): Promise<Vm[]>;
  vmInfo(id: number): Promise<Vm>;
  /** Creates a VM from template text; `hold` keeps it in HOLD, away from oned's scheduler. Returns its ID. */
  vmAllocate(template: string, hold: boolean): Promise<number>;
  /** Deploys a PENDING/HOLD/STOPPED/UNDEPLOYED VM; `enforce` refuses to overcommit the host. */
  vmDeploy(id: number, hostId: number, enforce: boolean, datastoreId?: number, extraTemplate?: string): Promise<void>;
  vmAction(action: VmAction, id: number): Promise<void>;
  vmMigrate(id: number, hostId: number, live: boolean, enforce: boolean, datastoreId?: number, migrationType?: MigrationType): Promise<void>;
  /** Adds a scheduled action (`SCHED_ACTION = [ ... ]` template); returns its ID. */
  vmSchedAdd(id: number, template: string): Promise<number>;
  vmSchedDelete(id: number, schedId: number): Promise<void>;
  /** Hosts (each with its cluster's template), clusters, datastores, networks and every VM not DONE. */
  snapshot(): Promise<Snapshot>;
}

export interface OneLogger {
  debug(object: object, message: string): void;
  warn(object: object, message: string): void;
}

export interface XmlRpcOneClientOptions {
  /** e.g. http://localhost:2633/RPC2 */
  readonly endpoint: string;
  readonly user?: string;
  readonly password?: string;
  /** `user:password` (or `user:token`) as oned expects it; instead of user and password. */
  readonly session?: string;
  /** Per call; default 30 s. */
  readonly timeoutMs?: number;
  /** Extra attempts for calls safe to repeat (reads); default 3. Changes are never retried. */
  readonly retries?: number;
  /** First retry delay; doubles each time (default 200 ms). */
  readonly retryDelayMs?: number;
  readonly logger?: OneLogger;
  /** Told of every call made (each retry too), and whether OpenNebula answered it with success: for metrics. */
  readonly onCall?: (method: string, ok: boolean) => void;
}

/** xmlrpc-c's INTERNAL_ERROR and LIMIT_EXCEEDED faults: the server's trouble, not the call's. */
const TRANSIENT_FAULTS = new Set([-500, -509]);

/**
 * oned's INTERNAL and REPLICATION failures are transient (database, raft leader change), as is
 * not reaching it at all; every other code is the answer and would be the same again.
 */
function isTransient(error: unknown): boolean {
  if (error instanceof OneUnavailableError) return true;
  if (error instanceof OneRpcFaultError) return error.faultCode !== undefined && TRANSIENT_FAULTS.has(error.faultCode);
  return error instanceof OneError && (error.code === ONE_ERROR_CODES.INTERNAL || error.code === ONE_ERROR_CODES.REPLICATION);
}

export class XmlRpcOneClient implements OneClient {
  readonly endpoint: string;
  private readonly session: string;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly retryDelayMs: number;
  private readonly logger: OneLogger | undefined;
  private readonly onCall: ((method: string, ok: boolean) => void) | undefined;
  private readonly agent: http.Agent;

  constructor(options: XmlRpcOneClientOptions) {
    this.endpoint = options.endpoint;
    const session = options.session ?? (options.user !== undefined ? `${options.user}:${options.password ?? ''}` : undefined);
    if (session === undefined) throw new TypeError('XmlRpcOneClient needs a session or a user and password');
    this.session = session;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.retries = options.retries ?? 3;
    this.retryDelayMs = options.retryDelayMs ?? 200;
    this.logger = options.logger;
    this.onCall = options.onCall;
    const secure = new URL(options.endpoint).protocol === 'https:';
    this.agent = secure ? new https.Agent({ keepAlive: true }) : new http.Agent({ keepAlive: true });
  }

  /** Closes kept-alive connections. */
  close(): void {
    this.agent.destroy();
  }

  async systemVersion(): Promise<string> {
    const value = await this.read('one.system.version', []);
    if (typeof value !== 'string') throw new OneProtocolError('one.system.version', `expected a version string, got ${typeof value}`);
    return value;
  }

  async hostPoolInfo(): Promise<Host[]> {
    return hostPoolFromXml(await this.readXml('one.hostpool.info', []));
  }

  async hostInfo(id: number): Promise<Host> {
    return hostFromXml(await this.readXml('one.host.info', [id]));
  }

  async clusterPoolInfo(): Promise<Cluster[]> {
    return clusterPoolFromXml(await this.readXml('one.clusterpool.info', []));
  }

  async datastorePoolInfo(): Promise<Datastore[]> {
    return datastorePoolFromXml(await this.readXml('one.datastorepool.info', []));
  }

  async vnetPoolInfo(): Promise<Vnet[]> {
    return vnetPoolFromXml(await this.readXml('one.vnpool.info', [POOL_FILTER.ALL, -1, -1]));
  }

  async imagePoolInfo(): Promise<OneImage[]> {
    return imagePoolFromXml(await this.readXml('one.imagepool.info', [POOL_FILTER.ALL, -1, -1]));
  }

  async systemConfig(): Promise<XmlNode> {
    return this.readXml('one.system.config', []);
  }

  async vmPoolInfo(query: VmPoolQuery = {}): Promise<Vm[]> {
    return vmPoolFromXml(await this.readXml('one.vmpool.info', vmPoolParams(query)));
  }

  async vmPoolInfoExtended(query: VmPoolQuery = {}): Promise<Vm[]> {
    return vmPoolFromXml(await this.readXml('one.vmpool.infoextended', vmPoolParams(query)));
  }

  async vmInfo(id: number): Promise<Vm> {
    return vmFromXml(await this.readXml('one.vm.info', [id]));
  }

  async vmAllocate(template: string, hold: boolean): Promise<number> {
    return toId('one.vm.allocate', await this.change('one.vm.allocate', [template, hold]));
  }

  async vmDeploy(id: number, hostId: number, enforce: boolean, datastoreId = -1, extraTemplate = ''): Promise<void> {
    await this.change('one.vm.deploy', [id, hostId, enforce, datastoreId, extraTemplate]);
  }

  async vmAction(action: VmAction, id: number): Promise<void> {
    if (!(VM_ACTIONS as readonly string[]).includes(action)) throw new TypeError(`unknown VM action ${action}`);
    await this.change('one.vm.action', [action, id]);
  }

  async vmMigrate(id: number, hostId: number, live: boolean, enforce: boolean, datastoreId = -1, migrationType: MigrationType = 'save'): Promise<void> {
    await this.change('one.vm.migrate', [id, hostId, live, enforce, datastoreId, MIGRATION_TYPES[migrationType]]);
  }

  async vmSchedAdd(id: number, template: string): Promise<number> {
    return toId('one.vm.schedadd', await this.change('one.vm.schedadd', [id, template]));
  }

  async vmSchedDelete(id: number, schedId: number): Promise<void> {
    await this.change('one.vm.scheddelete', [id, schedId]);
  }

  async snapshot(): Promise<Snapshot> {
    // Clusters first: each host's XML carries its cluster's template for requirements.
    const [clusters, hostPool, datastores, vnets, vms] = await Promise.all([
      this.clusterPoolInfo(),
      this.readXml('one.hostpool.info', []),
      this.datastorePoolInfo(),
      this.vnetPoolInfo(),
      this.vmPoolInfoExtended({ filter: POOL_FILTER.ALL, state: 'NOT_DONE' }),
    ]);
    return { hosts: hostPoolFromXml(hostPool, clusters), clusters, datastores, vnets, vms };
  }

  /** A read: safe to repeat, so transient failures are retried with backoff. */
  private read(method: string, params: readonly XmlRpcParam[]): Promise<unknown> {
    return pRetry(() => this.call(method, params), {
      retries: this.retries,
      minTimeout: this.retryDelayMs,
      factor: 2,
      maxTimeout: this.retryDelayMs * 16,
      randomize: true,
      shouldRetry: ({ error }) => isTransient(error),
      onFailedAttempt: ({ error, attemptNumber, retriesLeft }) => {
        if (retriesLeft > 0 && isTransient(error)) this.logger?.warn({ method, attemptNumber, retriesLeft, err: error.message }, 'OpenNebula read failed, retrying');
      },
    });
  }

  private async readXml(method: string, params: readonly XmlRpcParam[]): Promise<XmlNode> {
    const value = await this.read(method, params);
    if (typeof value !== 'string') throw new OneProtocolError(method, `expected an XML document, got ${typeof value}`);
    return parseXml(value);
  }

  /**
   * A change (allocate, deploy, action, migrate): never repeated here. After a timeout or a
   * lost connection oned may have done it; the caller reconciles against the next snapshot.
   */
  private change(method: string, params: readonly XmlRpcParam[]): Promise<unknown> {
    return this.call(method, params);
  }

  private async call(method: string, params: readonly XmlRpcParam[]): Promise<unknown> {
    const started = performance.now();
    try {
      const answer = await xmlRpcCall(method, [this.session, ...params], { endpoint: this.endpoint, timeoutMs: this.timeoutMs, agent: this.agent });
      this.logger?.debug({ method, ms: Math.round(performance.now() - started) }, 'OpenNebula call');
      const value = unwrap(method, answer);
      this.onCall?.(method, true);
      return value;
    } catch (err) {
      this.onCall?.(method, false);
      throw err;
    }
  }
}

/** `[true, value, ...]` → value; `[false, message, code, ...]` → OneError. */
function unwrap(method: string, answer: unknown): unknown {
  if (!Array.isArray(answer) || answer.length < 2 || typeof answer[0] !== 'boolean') {
    throw new OneProtocolError(method, `expected [success, value, code], got ${JSON.stringify(answer)?.slice(0, 200)}`);
  }
  if (answer[0]) return answer[1];
  const code = answer.length > 2 ? toNumber(answer[2]) : undefined;
  throw new OneError(method, code ?? 0, String(answer[1]));
}

/** xmlrpc-c sends 64-bit values as <i8>, which the package leaves as strings; a missing type tag is a string too. */
function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && /^\s*[-+]?\d+\s*$/.test(value)) {
    const n = Number(value);
    return Number.isSafeInteger(n) ? n : undefined;
  }
  return undefined;
}

function toId(method: string, value: unknown): number {
  const id = toNumber(value);
  if (id === undefined) throw new OneProtocolError(method, `expected an object ID, got ${JSON.stringify(value)}`);
  return id;
}

function vmPoolParams(query: VmPoolQuery): XmlRpcParam[] {
  const state = query.state ?? 'NOT_DONE';
  const stateNumber = state === 'ANY' ? -2 : state === 'NOT_DONE' ? -1 : VM_STATES.indexOf(state);
  if (stateNumber < -2) throw new RangeError(`unknown VM state ${state}`);
  return [query.filter ?? POOL_FILTER.ALL, query.start ?? -1, query.end ?? -1, stateNumber];
}
