import { LCM_STATES, VM_STATES } from '../../lib/sched/snapshot';
import { isVector, parseTemplate, vectorGet, type TemplateVector } from '../../lib/one/template';
import { addNetworkContext, allocateVm, refreshAutomaticDsRequirements, resolveNic } from './allocate';
import { Cloud, vmState, lcmState, VM_ACTION, type SimHost, type SimUser, type SimVm } from './cloud';
import { actionError, noExists, ONE_ERROR, OneRequestError } from './errors';
import type { Lifecycle } from './lifecycle';
import { Params } from './params';
import { clusterXml, datastoreXml, hostXml, imageXml, poolXml, vmShortXml, vmXml, vnetXml } from './render';
import { escapeText, el } from './xml';
import type { XmlRpcValue } from '../../lib/one/xmlrpc';

export interface CallContext {
  readonly cloud: Cloud;
  readonly lifecycle: Lifecycle;
  readonly user: SimUser;
  readonly params: Params;
}

/** A method returns the success value, or throws OneRequestError. */
export type Method = (ctx: CallContext) => XmlRpcValue;

/** VirtualMachine::state_str: the LCM state's name for ACTIVE VMs, the VM state's otherwise. */
export function stateStr(vm: SimVm): string {
  return vm.state === vmState('ACTIVE') ? LCM_STATES[vm.lcm] : VM_STATES[vm.state];
}

/** Pool listing as PoolInfoFilter does: ownership filter, id range or page, API_LIST_ORDER. */
function listed<T extends { id: number; uid?: number; gid?: number }>(
  cloud: Cloud, items: Iterable<T>, user: SimUser, filter = -2, start = -1, end = -1,
): T[] {
  if (filter < -4) throw new OneRequestError(ONE_ERROR.XML_RPC_API, 'Incorrect filter_flag');
  let out = [...items].filter((o) => {
    if (o.uid === undefined) return true;
    if (filter === -3) return o.uid === user.id;
    if (filter === -4) return o.gid === user.gid;
    if (filter >= 0) return o.uid === filter;
    return true; // -2 all, -1 mine and my groups': all for users in the oneadmin group
  });
  if (end >= -1 && start !== -1) out = out.filter((o) => o.id >= start && (end === -1 || o.id <= end));
  out.sort((a, b) => (cloud.listOrder === 'DESC' ? b.id - a.id : a.id - b.id));
  if (end < -1) out = out.slice(Math.max(0, start), Math.max(0, start) + -end);
  return out;
}

export function getVm(cloud: Cloud, id: number): SimVm {
  const vm = cloud.vms.get(id);
  if (!vm) throw noExists('virtual machine', id);
  return vm;
}

/** RequestManagerVirtualMachine::get_host_information. */
function getHost(cloud: Cloud, id: number): SimHost {
  const host = cloud.hosts.get(id);
  if (!host) throw noExists('host', id);
  if (host.state === 8) throw actionError('Host is offline, cannot use it to deploy VM');
  return host;
}

function systemDs(cloud: Cloud, dsId: number) {
  const ds = cloud.datastores.get(dsId);
  if (!ds) throw noExists('datastore', dsId);
  if (ds.type !== 'SYSTEM') {
    throw new OneRequestError(ONE_ERROR.INTERNAL, `Trying to use datastore [${dsId}] to deploy the VM, but it is not of type system datastore.`);
  }
  return ds;
}

/** HostShare::test_compute, with check_host's wording. */
function checkCapacity(cloud: Cloud, vm: SimVm, host: SimHost): void {
  const { maxCpu, maxMem } = cloud.hostMax(host);
  const cpuFit = maxCpu - host.cpuUsage >= vm.cpu;
  const memFit = maxMem - host.memUsage >= vm.mem;
  if (cpuFit && memFit) return;
  const detail = !cpuFit ? `Not enough CPU: ${vm.cpu}/${maxCpu - host.cpuUsage}` : `Not enough memory: ${vm.mem}/${maxMem - host.memUsage}`;
  throw actionError(`virtual machine [${vm.id}] does not fit in host [${host.id}]. ${detail}`);
}

/** VirtualMachine::get_auto_network_leases: the scheduler's choice of network for each NETWORK_MODE=auto NIC. */
function autoNics(cloud: Cloud, vm: SimVm, extra: TemplateVector[]): void {
  const chosen = new Map(extra.map((n) => [vectorGet(n, 'NIC_ID'), n]));
  const resolved: [number, TemplateVector][] = [];
  try {
    vm.template.forEach((a, i) => {
      if (a.name !== 'NIC' || !isVector(a) || (vectorGet(a, 'NETWORK_MODE') ?? '').toLowerCase() !== 'auto') return;
      if (vectorGet(a, 'NETWORK_ID') !== undefined) return; // already resolved by an earlier deploy
      const nicId = vectorGet(a, 'NIC_ID') ?? '';
      const pick = chosen.get(nicId);
      if (!pick) throw actionError(`Cannot get network for automatic NIC ${nicId}: the deploy template has no NIC with NIC_ID = ${nicId}.`);
      const merged: TemplateVector = { name: 'NIC', vector: [...a.vector.filter((p) => !['NETWORK', 'NETWORK_ID'].includes(p.name)), ...pick.vector.filter((p) => ['NETWORK', 'NETWORK_ID', 'NETWORK_UNAME'].includes(p.name))] };
      resolved.push([i, resolveNic(cloud, merged, Number(nicId), vm.id, undefined, (m) => actionError(m))]);
    });
  } catch (e) {
    for (const [, nic] of resolved) {
      const vnet = cloud.vnets.get(Number(vectorGet(nic, 'NETWORK_ID')));
      for (const [key, lease] of vnet?.leases ?? []) if (lease.vmId === vm.id && lease.mac === vectorGet(nic, 'MAC')) vnet!.leases.delete(key);
    }
    throw e;
  }
  for (const [i, nic] of resolved) vm.template[i] = nic;
  addNetworkContext(cloud, vm.template, true);
}

function deploy(ctx: CallContext): XmlRpcValue {
  const { cloud, params } = ctx;
  const id = params.int(1);
  const hid = params.int(2);
  const enforce = params.size > 3 ? params.bool(3) : false;
  let dsId = params.size > 4 ? params.int(4) : -1;
  let extra: TemplateVector[] = [];
  let checkNicAuto = false;
  if (params.size > 5) {
    const text = params.string(5);
    checkNicAuto = text !== '';
    try {
      extra = parseTemplate(text).filter((a): a is TemplateVector => isVector(a) && a.name === 'NIC');
    } catch (e) {
      throw new OneRequestError(ONE_ERROR.INTERNAL, `Parse error: ${(e as Error).message}`);
    }
  }
  const host = getHost(cloud, hid);
  const vm = getVm(cloud, id);
  const last = vm.history[vm.history.length - 1];
  if (last && [VM_ACTION.STOP, VM_ACTION.UNDEPLOY, VM_ACTION.UNDEPLOY_HARD].includes(vm.lastAction as 9)) {
    if (dsId === -1) dsId = last.dsId;
    checkNicAuto = false;
  }
  let ds;
  if (dsId === -1) {
    // Cluster::get_default_system_ds: the cluster's first system datastore.
    ds = [...cloud.datastores.values()].filter((d) => d.type === 'SYSTEM' && d.clusterIds.includes(host.clusterId)).sort((a, b) => a.id - b.id)[0];
    if (!ds) throw actionError(`cluster [${host.clusterId}] does not have any datastore of type SYSTEM_DS.`);
  } else {
    ds = systemDs(cloud, dsId);
    if (!ds.clusterIds.includes(host.clusterId)) {
      throw actionError(`datastore [${ds.id}] and host [${hid}] are not in the same cluster [${host.clusterId}].`);
    }
  }
  if (![vmState('PENDING'), vmState('HOLD'), vmState('STOPPED'), vmState('UNDEPLOYED')].includes(vm.state)) {
    throw actionError(`Deploy action is not available for state ${stateStr(vm)}`);
  }
  if (enforce) checkCapacity(cloud, vm, host);
  if (checkNicAuto) autoNics(cloud, vm, extra);
  if (vm.state === vmState('STOPPED') || vm.state === vmState('UNDEPLOYED')) vm.resumeFrom = VM_STATES[vm.state] as 'STOPPED';
  ctx.lifecycle.deploy(vm, host, ds.id, ds.tmMad, ctx.user.id, ctx.user.gid);
  return id;
}

function migrate(ctx: CallContext): XmlRpcValue {
  const { cloud, params } = ctx;
  const id = params.int(1);
  const hid = params.int(2);
  const live = params.bool(3);
  const enforce = params.size > 4 ? params.bool(4) : false;
  let dsId = params.size > 5 ? params.int(5) : -1;
  if (params.size > 6) params.int(6);
  const host = getHost(cloud, hid);
  if (dsId !== -1 && !cloud.datastores.has(dsId)) throw noExists('datastore', dsId);
  const vm = getVm(cloud, id);
  const running = vm.state === vmState('ACTIVE') && (vm.lcm === lcmState('RUNNING') || vm.lcm === lcmState('UNKNOWN'));
  if (!(vm.state === vmState('POWEROFF') || vm.state === vmState('SUSPENDED') || running)) {
    throw actionError(`Migrate action is not available for state ${stateStr(vm)}`);
  }
  const current = vm.history[vm.history.length - 1];
  if (current.hid === hid && (dsId === -1 || dsId === current.dsId)) throw actionError(`VM is already running on host [${current.hid}]`);
  if (enforce) checkCapacity(cloud, vm, host);
  if (vm.clusterIds.length > 0 && !vm.clusterIds.includes(host.clusterId)) {
    throw actionError(`Cannot migrate  VM [${id}] to host [${hid}]. Host is in cluster [${host.clusterId}], and VM requires to be placed on cluster [${vm.clusterIds.join(',')}]`);
  }
  let ds;
  if (dsId !== -1) {
    ds = systemDs(cloud, dsId);
    if (ds.tmMad !== current.tmMad) throw actionError('Cannot migrate to a system datastore with a different TM driver');
  } else {
    dsId = current.dsId;
    ds = systemDs(cloud, dsId);
  }
  if (ds.clusterIds.length > 0 && !ds.clusterIds.includes(host.clusterId)) {
    throw actionError(`Cannot migrate VM [${id}] to host [${hid}] and system datastore [${dsId}]. Host is in cluster [${host.clusterId}], and the datastore is in cluster [${ds.clusterIds.join(',')}]`);
  }
  refreshAutomaticDsRequirements(vm);
  ctx.lifecycle.migrate(vm, host, ds.id, ds.tmMad, live, ctx.user.id, ctx.user.gid);
  return id;
}

/** DispatchManager's allowed-state rules for one.vm.action; returns the error text, or undefined when done. */
export function performAction(cloud: Cloud, lifecycle: Lifecycle, vm: SimVm, action: string): string | undefined {
  const s = (name: (typeof VM_STATES)[number]) => vm.state === vmState(name);
  const l = (name: (typeof LCM_STATES)[number]) => vm.state === vmState('ACTIVE') && vm.lcm === lcmState(name);
  const notAvailable = `This action is not available for state ${stateStr(vm)}`;
  switch (action) {
    case 'terminate':
    case 'terminate-hard': {
      const hard = action === 'terminate-hard';
      const failure = vm.state === vmState('ACTIVE') && LCM_STATES[vm.lcm].endsWith('_FAILURE');
      if (s('DONE')) return undefined;
      if (s('ACTIVE') && !(l('RUNNING') || l('UNKNOWN') || failure || (hard && l('SHUTDOWN')))) {
        return `Could not terminate VM ${vm.id}, wrong state ${stateStr(vm)}.`;
      }
      lifecycle.terminate(vm, hard);
      return undefined;
    }
    case 'hold':
      if (!s('PENDING')) return notAvailable;
      cloud.setState(vm, 'HOLD');
      return undefined;
    case 'release':
      if (!s('HOLD')) return notAvailable;
      refreshAutomaticDsRequirements(vm);
      cloud.setState(vm, 'PENDING');
      return undefined;
    case 'stop':
      if (!(s('SUSPENDED') || l('RUNNING'))) return notAvailable;
      lifecycle.stop(vm);
      return undefined;
    case 'suspend':
      if (!l('RUNNING')) return notAvailable;
      lifecycle.suspend(vm);
      return undefined;
    case 'resume':
      if (!(s('STOPPED') || s('UNDEPLOYED') || s('SUSPENDED') || s('POWEROFF') || l('UNKNOWN'))) return notAvailable;
      if (s('STOPPED') || s('UNDEPLOYED')) refreshAutomaticDsRequirements(vm);
      lifecycle.resume(vm);
      return undefined;
    case 'poweroff':
    case 'poweroff-hard':
      if (!(l('RUNNING') || l('UNKNOWN') || (action === 'poweroff-hard' && l('SHUTDOWN_POWEROFF')))) return notAvailable;
      lifecycle.poweroff(vm);
      return undefined;
    case 'undeploy':
    case 'undeploy-hard':
      if (!(s('POWEROFF') || l('RUNNING') || l('UNKNOWN') || (action === 'undeploy-hard' && l('SHUTDOWN_UNDEPLOY')))) return notAvailable;
      lifecycle.undeploy(vm, action === 'undeploy-hard');
      return undefined;
    case 'reboot':
    case 'reboot-hard':
      if (!l('RUNNING')) return notAvailable;
      vm.resched = false; // rebooting cancels re-scheduling
      lifecycle.reboot(vm);
      return undefined;
    case 'resched':
    case 'unresched':
      if (!(s('POWEROFF') || l('RUNNING') || l('UNKNOWN'))) return notAvailable;
      vm.resched = action === 'resched';
      return undefined;
    default:
      return `Action "${action}" is not supported`;
  }
}

function vmAction(ctx: CallContext): XmlRpcValue {
  const action = ctx.params.string(1);
  const id = ctx.params.int(2);
  const vm = getVm(ctx.cloud, id);
  const error = performAction(ctx.cloud, ctx.lifecycle, vm, action);
  if (error === undefined) return id;
  throw actionError(error.startsWith('Action "') ? error : `Error performing action "${action}": ${error}`);
}

function vmPool(extended: boolean): Method {
  return ({ cloud, params, user }) => {
    const filter = params.int(1);
    const start = params.int(2);
    const end = params.int(3);
    const state = params.int(4);
    if (params.size > 5 && params.string(5) !== '') {
      throw new OneRequestError(ONE_ERROR.INTERNAL, 'Full text search is not supported by the SQL backend');
    }
    if (state < -2 || state > vmState('CLONING_FAILURE')) throw new OneRequestError(ONE_ERROR.XML_RPC_API, 'Incorrect filter_flag, state');
    const vms = [...cloud.vms.values()].filter((vm) => state === -2 || (state === -1 ? vm.state !== vmState('DONE') : vm.state === state));
    const render = extended ? (c: Cloud, vm: SimVm) => vmXml(c, vm, 'last') : vmShortXml;
    return poolXml('VM_POOL', listed(cloud, vms, user, filter, start, end).map((vm) => render(cloud, vm)));
  };
}

function byId<T>(map: Map<number, T>, object: Parameters<typeof noExists>[0], id: number): T {
  const found = map.get(id);
  if (!found) throw noExists(object, id);
  return found;
}

/** Every OpenNebula method the simulator answers, with oned's signatures. */
export const METHODS: Record<string, Method> = {
  'one.system.version': ({ cloud }) => cloud.version,
  'one.hostpool.info': ({ cloud, user }) => poolXml('HOST_POOL', listed(cloud, cloud.hosts.values(), user).map((h) => hostXml(cloud, h))),
  'one.host.info': ({ cloud, params }) => hostXml(cloud, byId(cloud.hosts, 'host', params.int(1))),
  'one.clusterpool.info': ({ cloud, user }) => poolXml('CLUSTER_POOL', listed(cloud, cloud.clusters.values(), user).map((c) => clusterXml(cloud, c))),
  'one.cluster.info': ({ cloud, params }) => clusterXml(cloud, byId(cloud.clusters, 'cluster', params.int(1))),
  'one.datastorepool.info': ({ cloud, user }) => poolXml('DATASTORE_POOL', listed(cloud, cloud.datastores.values(), user).map((d) => datastoreXml(cloud, d))),
  'one.datastore.info': ({ cloud, params }) => datastoreXml(cloud, byId(cloud.datastores, 'datastore', params.int(1))),
  'one.vnpool.info': ({ cloud, params, user }) => poolXml('VNET_POOL', listed(cloud, cloud.vnets.values(), user, params.int(1), params.int(2), params.int(3)).map((v) => vnetXml(v, false))),
  'one.vnpool.infoextended': ({ cloud, params, user }) => poolXml('VNET_POOL', listed(cloud, cloud.vnets.values(), user, params.int(1), params.int(2), params.int(3)).map((v) => vnetXml(v, true))),
  'one.vn.info': ({ cloud, params }) => vnetXml(byId(cloud.vnets, 'virtual network', params.int(1)), true),
  'one.imagepool.info': ({ cloud, params, user }) => poolXml('IMAGE_POOL', listed(cloud, cloud.images.values(), user, params.int(1), params.int(2), params.int(3)).map((i) => imageXml(cloud, i))),
  'one.image.info': ({ cloud, params }) => imageXml(cloud, byId(cloud.images, 'image', params.int(1))),
  // oned.conf, as RequestManagerSystem's SystemConfig answers it: for the oneadmin group only.
  'one.system.config': ({ cloud, user }) => {
    if (user.gid !== 0) throw new OneRequestError(ONE_ERROR.AUTHORIZATION, `User [${user.id}] : Not authorized to perform MANAGE SYSTEM.`);
    const gate = cloud.oneGateEndpoint ? el('ONEGATE_ENDPOINT', escapeText(cloud.oneGateEndpoint)) : '';
    return el('OPENNEBULA_CONFIGURATION', el('API_LIST_ORDER', cloud.listOrder) + gate + el('PORT', 2633));
  },
  'one.vmpool.info': vmPool(false),
  'one.vmpool.infoextended': vmPool(true),
  'one.vm.info': ({ cloud, params }) => vmXml(cloud, getVm(cloud, params.int(1))),
  'one.vm.allocate': (ctx) => {
    const text = ctx.params.string(1);
    const hold = ctx.params.size > 2 ? ctx.params.bool(2) : false;
    const vm = allocateVm(ctx.cloud, text, hold, ctx.user);
    return vm.id;
  },
  'one.vm.deploy': deploy,
  'one.vm.action': vmAction,
  'one.vm.migrate': migrate,
};
