import { randomUUID } from 'node:crypto';
import { isVector, parseTemplate, TemplateSyntaxError, templateGet, vectorGet, type TemplateAttr, type TemplatePair, type TemplateVector } from '../../lib/one/template';
import { Cloud, type SchedAction, type SimUser, type SimVm, vmState, lcmState } from './cloud';
import { allocateError, ONE_ERROR, OneRequestError } from './errors';
import { wantsToken } from './onegate';

/** Attributes oned keeps in the VM's TEMPLATE as single values (vm.xsd types them xs:string). */
const SYSTEM_SINGLES = new Set([
  'CPU', 'CPU_COST', 'DISK_COST', 'EMULATOR', 'MEMORY', 'MEMORY_COST', 'MEMORY_MAX', 'MEMORY_SLOTS',
  'MEMORY_RESIZE_MODE', 'SUBMIT_ON_HOLD', 'TEMPLATE_ID', 'VCPU', 'VCPU_MAX',
]);
/** Vector attributes oned keeps in TEMPLATE; the first set may repeat. */
const SYSTEM_REPEATED = new Set(['DISK', 'NIC', 'NIC_ALIAS', 'PCI', 'SECURITY_GROUP_RULE']);
const SYSTEM_ONCE = new Set(['CONTEXT', 'FEATURES', 'HYPERV_OPTIONS', 'GRAPHICS', 'INPUT', 'NIC_DEFAULT', 'NUMA_NODE', 'OS', 'RAW', 'SPICE_OPTIONS', 'TOPOLOGY', 'VMGROUP']);
/** Set by oned itself; a user's value is dropped. */
const SYSTEM_OWNED = new Set(['AUTOMATIC_REQUIREMENTS', 'AUTOMATIC_DS_REQUIREMENTS', 'AUTOMATIC_NIC_REQUIREMENTS', 'VMID', 'TM_MAD_SYSTEM']);

/** Actions a SCHED_ACTION may name (VMActions strings accepted by the scheduled-action manager). */
export const SCHED_ACTIONS = new Set([
  'terminate', 'terminate-hard', 'undeploy', 'undeploy-hard', 'hold', 'release', 'stop', 'suspend',
  'resume', 'reboot', 'reboot-hard', 'poweroff', 'poweroff-hard', 'resched', 'unresched',
]);

const INT = /^\s*[+-]?\d+$/;
const FLOAT = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** HostShareCapacity of a VM (VirtualMachine::get_capacity): CPU is a C float times 100, truncated. */
export function vmCapacity(cpu: string, memory: string): { cpu: number; mem: number } {
  return { cpu: Math.trunc(Math.fround(Math.fround(Number(cpu)) * 100)), mem: Math.trunc(Number(memory)) * 1024 };
}

function setPair(pairs: TemplatePair[], name: string, value: string, overwrite = false): void {
  const i = pairs.findIndex((p) => p.name === name);
  if (i === -1) pairs.push({ name, value });
  else if (overwrite) pairs[i] = { name, value };
}

function clustersRequirement(ids: number[], attr: 'CLUSTER_ID' | '"CLUSTERS/ID"'): string {
  const op = attr === 'CLUSTER_ID' ? '=' : '@>';
  return `(${ids.map((id) => `${attr} ${op} ${id}`).join(' | ')})`;
}

/**
 * VirtualMachine::automatic_requirements, run again at migrate, release and resume (of a stopped
 * or undeployed VM): once a VM has been deployed its system datastore must keep its TM_MAD.
 */
export function refreshAutomaticDsRequirements(vm: SimVm): void {
  if (vm.clusterIds.length === 0) return;
  const tm = templateGet(vm.template, 'TM_MAD_SYSTEM')?.trim() ?? '';
  const value = `${clustersRequirement(vm.clusterIds, '"CLUSTERS/ID"')}${tm ? ` & (TM_MAD = "${tm}")` : ''}`;
  const i = vm.template.findIndex((a) => a.name === 'AUTOMATIC_DS_REQUIREMENTS');
  if (i >= 0) vm.template[i] = { name: 'AUTOMATIC_DS_REQUIREMENTS', value };
}

/** Resolves one DISK as oned does at allocation (image lookup, clone to the system DS). */
/** ALLOW_ORPHANS of oned.conf's stock TM_MAD_CONF, by the image datastore's TM_MAD (unset: NO). */
const TM_ALLOW_ORPHANS: Record<string, string> = {
  ssh: 'YES', shared: 'FORMAT', qcow2: 'FORMAT', local: 'FORMAT', lvm: 'YES', fs_lvm_ssh: 'YES', ceph: 'mixed', netapp: 'LINEAR', purefa: 'YES',
};

function resolveDisk(cloud: Cloud, disk: TemplateVector, diskId: number, _user: SimUser, clusterSets: number[][]): { vector: TemplateVector; sizeMb: number } {
  const pairs = [...disk.vector];
  const imageId = vectorGet(disk, 'IMAGE_ID');
  const imageName = vectorGet(disk, 'IMAGE');
  setPair(pairs, 'DISK_ID', String(diskId), true);
  if (imageId === undefined && imageName === undefined) {
    const size = vectorGet(disk, 'SIZE');
    if (size === undefined || !INT.test(size)) throw allocateError('virtual machine', `DISK ${diskId}: volatile disk needs SIZE, or give IMAGE_ID or IMAGE.`);
    setPair(pairs, 'TYPE', 'fs');
    return { vector: { name: 'DISK', vector: pairs }, sizeMb: Number(size) };
  }
  const image = imageId !== undefined
    ? cloud.images.get(Number(imageId))
    : [...cloud.images.values()].find((i) => i.name === imageName);
  if (!image || (imageId !== undefined && !INT.test(imageId))) {
    throw allocateError('virtual machine', `Error getting image [${imageId ?? imageName}].`);
  }
  const ds = cloud.datastores.get(image.datastoreId)!;
  clusterSets.push(ds.clusterIds);
  const size = vectorGet(disk, 'SIZE') ?? String(image.sizeMb);
  // oned.conf's DEFAULT_DEVICE_PREFIX as shipped.
  const dev = templateGet(image.template, 'DEV_PREFIX') ?? DEFAULT_DEVICE_PREFIX;
  const defaults: [string, string][] = [
    ['ALLOW_ORPHANS', TM_ALLOW_ORPHANS[ds.tmMad] ?? 'NO'], ['CLONE', 'YES'], ['CLONE_TARGET', 'SYSTEM'], ['CLUSTER_ID', ds.clusterIds.join(',')],
    ['DATASTORE', ds.name], ['DATASTORE_ID', String(ds.id)], ['DEV_PREFIX', dev], ['DISK_SNAPSHOT_TOTAL_SIZE', '0'],
    ['DISK_TYPE', 'FILE'], ['DRIVER', templateGet(image.template, 'DRIVER') ?? 'raw'], ['IMAGE', image.name],
    ['IMAGE_ID', String(image.id)], ['IMAGE_STATE', '2'], ['LN_TARGET', 'NONE'],
    ['ORIGINAL_SIZE', String(image.sizeMb)], ['PERSISTENT_SNAPSHOTS', ds.tmMad === 'fs_lvm_ssh' ? 'NO' : 'YES'], ['READONLY', 'NO'], ['SAVE', 'NO'], ['SIZE', size],
    ['SOURCE', `/var/lib/one//datastores/${ds.id}/${image.id}`], ['TARGET', `${dev}${String.fromCharCode(97 + diskId)}`],
    ['TM_MAD', ds.tmMad], ['TYPE', 'FILE'],
  ];
  for (const [k, v] of defaults) setPair(pairs, k, v);
  return { vector: { name: 'DISK', vector: pairs }, sizeMb: INT.test(size) ? Number(size) : image.sizeMb };
}

export const DEFAULT_DEVICE_PREFIX = 'sd';

/** ETH<n>_ context variables and where oned takes them from: the NIC's attribute, else its network's (VirtualMachineContext.cc). */
const NETWORK_CONTEXT: readonly [string, string][] = [
  ['IP', 'IP'], ['MAC', 'MAC'], ['MASK', 'NETWORK_MASK'], ['NETWORK', 'NETWORK_ADDRESS'], ['GATEWAY', 'GATEWAY'], ['DNS', 'DNS'],
  ['SEARCH_DOMAIN', 'SEARCH_DOMAIN'], ['MTU', 'GUEST_MTU'], ['METRIC', 'METRIC'], ['METHOD', 'METHOD'], ['VLAN_ID', 'VLAN_ID'],
  ['VROUTER_IP', 'VROUTER_IP'], ['VROUTER_MANAGEMENT', 'VROUTER_MANAGEMENT'], ['EXTERNAL', 'EXTERNAL'], ['ROUTES', 'ROUTES'],
  ['IP6', 'IP6_GLOBAL'], ['IP6_ULA', 'IP6_ULA'], ['IP6_GATEWAY', 'IP6_GATEWAY'], ['IP6_PREFIX_LENGTH', 'PREFIX_LENGTH'],
  ['VROUTER_IP6', 'VROUTER_IP6_GLOBAL'], ['IP6_METHOD', 'IP6_METHOD'], ['IP6_METRIC', 'IP6_METRIC'],
];

/**
 * What oned writes once a VM's NICs are known (at allocate for NICs that name their network, at
 * deploy for all): with CONTEXT/NETWORK = YES, every ETH<n>_ variable of each NIC, empty when
 * neither the NIC nor its network has it; and the rules of the NICs' security groups (only the
 * default group, 0, exists here: everything allowed both ways).
 */
export function addNetworkContext(cloud: Cloud, template: TemplateAttr[], allNics: boolean): void {
  const nics = template.filter((a): a is TemplateVector => a.name === 'NIC' && isVector(a))
    .filter((n) => allNics || (vectorGet(n, 'NETWORK_MODE') ?? '').toLowerCase() !== 'auto');
  const i = template.findIndex((a) => a.name === 'CONTEXT' && isVector(a));
  const context = i >= 0 ? template[i] as TemplateVector : undefined;
  if (context && (vectorGet(context, 'NETWORK') ?? '').toUpperCase() === 'YES') {
    const pairs = [...context.vector];
    for (const nic of nics) {
      const vnet = cloud.vnets.get(Number(vectorGet(nic, 'NETWORK_ID') ?? -1));
      for (const [name, from] of NETWORK_CONTEXT) {
        setPair(pairs, `ETH${vectorGet(nic, 'NIC_ID') ?? '0'}_${name}`, vectorGet(nic, from) ?? (vnet ? templateGet(vnet.template, from) : undefined) ?? '', true);
      }
    }
    template[i] = { name: 'CONTEXT', vector: pairs };
  }
  const groups = new Set(nics.flatMap((n) => (vectorGet(n, 'SECURITY_GROUPS') ?? '').split(',').filter((g) => g.trim() === '0')));
  if (groups.size > 0 && !template.some((a) => a.name === 'SECURITY_GROUP_RULE')) {
    for (const type of ['OUTBOUND', 'INBOUND']) {
      template.push({ name: 'SECURITY_GROUP_RULE', vector: [
        { name: 'PROTOCOL', value: 'ALL' }, { name: 'RULE_TYPE', value: type }, { name: 'SECURITY_GROUP_ID', value: '0' }, { name: 'SECURITY_GROUP_NAME', value: 'default' },
      ] });
    }
  }
}

/** Takes a lease for a NIC on its network and fills in what oned adds (VirtualMachineNic). */
export function resolveNic(cloud: Cloud, nic: TemplateVector, nicId: number, vmId: number, clusterSets: number[][] | undefined, fail: (m: string) => OneRequestError): TemplateVector {
  const pairs = [...nic.vector];
  const networkId = vectorGet(nic, 'NETWORK_ID');
  const networkName = vectorGet(nic, 'NETWORK');
  const vnet = networkId !== undefined
    ? (INT.test(networkId) ? cloud.vnets.get(Number(networkId)) : undefined)
    : networkName !== undefined ? [...cloud.vnets.values()].find((v) => v.name === networkName) : undefined;
  if (networkId === undefined && networkName === undefined) throw fail(`NIC ${nicId}: give NETWORK_ID or NETWORK, or NETWORK_MODE = "auto".`);
  if (!vnet) throw fail(`Error getting virtual network [${networkId ?? networkName}].`);
  const lease = cloud.takeLease(vnet, vmId);
  if (!lease) throw fail(`Cannot get IP/MAC lease from virtual network [${vnet.id}].`);
  clusterSets?.push(vnet.clusterIds);
  const values: [string, string][] = [
    ['AR_ID', String(lease.arId)], ['BRIDGE', vnet.bridge], ['BRIDGE_TYPE', 'linux'], ['CLUSTER_ID', vnet.clusterIds.join(',')],
    ...(lease.ip ? [['IP', lease.ip] as [string, string]] : []), ['MAC', lease.mac], ['NAME', `NIC${nicId}`],
    ['NETWORK', vnet.name], ['NETWORK_ID', String(vnet.id)], ['NIC_ID', String(nicId)], ['SECURITY_GROUPS', '0'],
    ['TARGET', `one-${vmId}-${nicId}`], ['VN_MAD', vnet.vnMad],
  ];
  for (const [k, v] of values) setPair(pairs, k, v, ['NETWORK', 'NETWORK_ID', 'NIC_ID', 'IP', 'MAC', 'AR_ID'].includes(k));
  return { name: 'NIC', vector: pairs };
}

export function parseSchedAction(cloud: Cloud, v: TemplateVector, vmId: number, stime: number): SchedAction {
  const action = vectorGet(v, 'ACTION') ?? '';
  const time = vectorGet(v, 'TIME') ?? '';
  if (!SCHED_ACTIONS.has(action)) throw allocateError('virtual machine', `Error parsing SCHED_ACTION: unknown ACTION "${action}".`);
  const rel = /^\s*\+\s*(\d+)\s*$/.exec(time);
  if (!rel && !INT.test(time)) throw allocateError('virtual machine', `Error parsing SCHED_ACTION: TIME "${time}" is not epoch seconds nor +seconds.`);
  const at = rel ? stime + Number(rel[1]) : Number(time);
  return { id: cloud.nextSchedActionId++, action, args: vectorGet(v, 'ARGS') ?? '', time: String(at), at, done: -1, message: '' };
  void vmId;
}

/**
 * one.vm.allocate as VirtualMachine::insert does it: parse, validate CPU/MEMORY/VCPU, resolve
 * images and networks (taking leases), compute AUTOMATIC_*_REQUIREMENTS from their clusters,
 * split TEMPLATE from USER_TEMPLATE, create scheduled actions.
 */
export function allocateVm(cloud: Cloud, text: string, hold: boolean, user: SimUser): SimVm {
  let attrs: TemplateAttr[];
  if (text.startsWith('<')) throw new OneRequestError(ONE_ERROR.INTERNAL, 'Parse error: XML Template malformed.');
  try {
    attrs = parseTemplate(text);
  } catch (e) {
    if (!(e instanceof TemplateSyntaxError)) throw e;
    // A "]]>" aborts oned's parser without a message (YYABORT), hence the bare "Parse error.".
    throw new OneRequestError(ONE_ERROR.INTERNAL, e.reason.startsWith('syntax error') ? `Parse error: ${e.message}` : 'Parse error.');
  }
  const id = cloud.nextVmId;
  const stime = cloud.now();

  const memory = templateGet(attrs, 'MEMORY');
  const cpu = templateGet(attrs, 'CPU');
  const vcpu = templateGet(attrs, 'VCPU');
  if (memory === undefined || !INT.test(memory) || Number(memory) <= 0) throw allocateError('virtual machine', 'MEMORY attribute must be a positive integer value.');
  if (cpu === undefined || !FLOAT.test(cpu) || Number(cpu) <= 0) throw allocateError('virtual machine', 'CPU attribute must be a positive float or integer value.');
  if (vcpu !== undefined && (!INT.test(vcpu) || Number(vcpu) <= 0)) throw allocateError('virtual machine', 'VCPU attribute must be a positive integer value.');

  const template: TemplateAttr[] = [];
  const userTemplate: TemplateAttr[] = [];
  const schedVectors: TemplateVector[] = [];
  let name = '';
  for (const attr of attrs) {
    const n = attr.name;
    if (n === 'NAME' && !isVector(attr)) name = attr.value.trim(); // Template::trim_name
    else if (SYSTEM_OWNED.has(n)) continue;
    else if (n === 'SCHED_ACTION' && isVector(attr)) schedVectors.push(attr);
    else if (SYSTEM_SINGLES.has(n) && !isVector(attr) && !template.some((a) => a.name === n)) template.push(attr);
    else if (SYSTEM_REPEATED.has(n) && isVector(attr)) template.push(attr);
    else if (SYSTEM_ONCE.has(n) && isVector(attr) && !template.some((a) => a.name === n)) template.push(attr);
    else userTemplate.push(attr);
  }

  // Disks, then NICs (leases are released again if anything after them fails).
  const clusterSets: number[][] = [];
  let systemDiskMb = 0;
  let diskId = 0;
  let nicId = 0;
  let autoNics = false;
  try {
    for (let i = 0; i < template.length; i += 1) {
      const a = template[i];
      if (a.name === 'DISK' && isVector(a)) {
        const r = resolveDisk(cloud, a, diskId++, user, clusterSets);
        template[i] = r.vector;
        systemDiskMb += r.sizeMb;
      } else if (a.name === 'NIC' && isVector(a)) {
        const thisNic = nicId++;
        if ((vectorGet(a, 'NETWORK_MODE') ?? '').toLowerCase() === 'auto') {
          autoNics = true;
          const pairs = [...a.vector];
          setPair(pairs, 'NIC_ID', String(thisNic), true);
          setPair(pairs, 'NAME', `NIC${thisNic}`);
          template[i] = { name: 'NIC', vector: pairs };
        } else {
          template[i] = resolveNic(cloud, a, thisNic, id, clusterSets, (m) => allocateError('virtual machine', m));
        }
      }
    }
    let clusters: number[] = [];
    if (clusterSets.length > 0) {
      clusters = [...new Set(clusterSets[0])].filter((c) => clusterSets.every((s) => s.includes(c))).sort((a, b) => a - b);
      if (clusters.length === 0) throw allocateError('virtual machine', 'Incompatible clusters in DISK and NIC: no cluster holds all their datastores and networks.');
    }
    const automatic = '!(PIN_POLICY = PINNED)';
    template.push({ name: 'AUTOMATIC_REQUIREMENTS', value: clusters.length ? `${clustersRequirement(clusters, 'CLUSTER_ID')} & ${automatic}` : automatic });
    if (clusters.length) template.push({ name: 'AUTOMATIC_DS_REQUIREMENTS', value: clustersRequirement(clusters, '"CLUSTERS/ID"') });
    if (clusters.length && autoNics) template.push({ name: 'AUTOMATIC_NIC_REQUIREMENTS', value: clustersRequirement(clusters, '"CLUSTERS/ID"') });
    const context = template.find((a) => a.name === 'CONTEXT');
    if (context && isVector(context)) {
      const pairs = [...context.vector];
      setPair(pairs, 'DISK_ID', String(diskId));
      // The context CD takes the first free target of the CD-ROM prefix (oned.conf's default: the device prefix).
      const taken = new Set(template.filter((a) => a.name === 'DISK' && isVector(a)).map((a) => vectorGet(a as TemplateVector, 'TARGET')));
      const letter = [...'abcdefghijklmnopqrstuvwxyz'].find((c) => !taken.has(`${DEFAULT_DEVICE_PREFIX}${c}`)) ?? 'z';
      setPair(pairs, 'TARGET', `${DEFAULT_DEVICE_PREFIX}${letter}`);
      // VirtualMachine::generate_token_context: TOKEN = YES adds OneGate's endpoint and the VM's
      // id (the token itself only reaches the guest, never the template).
      if (wantsToken(context)) {
        if (!cloud.oneGateEndpoint) throw allocateError('virtual machine', 'TOKEN set, but onegate endpoint was not defined in oned.conf.');
        setPair(pairs, 'ONEGATE_ENDPOINT', cloud.oneGateEndpoint, true);
        setPair(pairs, 'VMID', String(id), true);
      }
      template[template.indexOf(context)] = { name: 'CONTEXT', vector: pairs };
    }
    addNetworkContext(cloud, template, false);
    // VirtualMachine::parse_os: a UUID for every VM, and the kvm driver's default MACHINE (vmm_exec_kvm.conf: q35).
    const osAt = template.findIndex((a) => a.name === 'OS' && isVector(a));
    const os = [...(osAt >= 0 ? (template[osAt] as TemplateVector).vector : [])];
    setPair(os, 'UUID', randomUUID());
    setPair(os, 'MACHINE', 'q35');
    if (osAt >= 0) template[osAt] = { name: 'OS', vector: os }; else template.push({ name: 'OS', vector: os });
    // oned adds TM_MAD_SYSTEM at the first deploy only, but vm.xsd requires it: kept empty until then.
    template.push({ name: 'VMID', value: String(id) }, { name: 'TM_MAD_SYSTEM', value: '' });

    const schedActions = schedVectors.map((v) => parseSchedAction(cloud, v, id, stime));
    const capacity = vmCapacity(cpu, memory);
    const submitOnHold = (templateGet(template, 'SUBMIT_ON_HOLD') ?? '').toUpperCase() === 'YES';
    // VirtualMachinePool::allocate records a hold in the template.
    if (hold && !submitOnHold) template.push({ name: 'SUBMIT_ON_HOLD', value: 'YES' });
    const vm: SimVm = {
      id, name: name || `one-${id}`, uid: user.id, gid: user.gid, uname: user.name, gname: user.group,
      state: vmState('INIT'), lcm: lcmState('LCM_INIT'), prevState: 0, prevLcm: 0, resched: false,
      stime, etime: 0, deployId: '', template, userTemplate, history: [], schedActions,
      cpu: capacity.cpu, mem: capacity.mem, systemDiskMb, accountedOn: new Set(), lastAction: 0,
      jobId: templateGet(userTemplate, 'SVMSCHED_JOB_ID') ?? templateGet(template, 'SVMSCHED_JOB_ID'),
      clusterIds: clusters, log: [], placements: [],
    };
    cloud.nextVmId += 1;
    cloud.vms.set(id, vm);
    cloud.setState(vm, hold || submitOnHold ? 'HOLD' : 'PENDING');
    return vm;
  } catch (e) {
    cloud.releaseLeases(id);
    throw e;
  }
}
