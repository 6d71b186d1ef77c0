import { isVector, templateGet, type TemplateAttr } from '../../lib/one/template';
import type { Cloud, HistoryRecord, SimCluster, SimDatastore, SimHost, SimImage, SimVm, SimVnet } from './cloud';
import { cdata, el, escapeText } from './xml';

/** oned keeps template attributes in a std::multimap: sorted by name, repeated ones in insertion order. */
function sorted(attrs: readonly TemplateAttr[]): TemplateAttr[] {
  return attrs.map((a, i) => ({ a, i })).sort((x, y) => (x.a.name < y.a.name ? -1 : x.a.name > y.a.name ? 1 : x.i - y.i)).map((x) => x.a);
}

export function attrXml(a: TemplateAttr): string {
  if (!isVector(a)) return el(a.name, cdata(a.value));
  // VectorAttribute values live in a std::map: sorted by key.
  const pairs = [...a.vector].sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
  return el(a.name, pairs.map((p) => el(p.name, cdata(p.value))).join(''));
}

export function templateXml(tag: string, attrs: readonly TemplateAttr[]): string {
  return el(tag, sorted(attrs).map(attrXml).join(''));
}

const ids = (tag: string, list: Iterable<number>): string => el(tag, [...list].sort((a, b) => a - b).map((id) => el('ID', id)).join(''));

const permissions = (bits: number[]) => el('PERMISSIONS', bits
  .map((v, i) => el(['OWNER_U', 'OWNER_M', 'OWNER_A', 'GROUP_U', 'GROUP_M', 'GROUP_A', 'OTHER_U', 'OTHER_M', 'OTHER_A'][i], v)).join(''));
const PERMISSIONS = permissions([1, 1, 0, 0, 0, 0, 0, 0, 0]);
/** oned's bootstrap datastores (system, default, files) are created usable by the group. */
const DS_PERMISSIONS = permissions([1, 1, 0, 1, 0, 0, 0, 0, 0]);

/**
 * HOST_SHARE/DATASTORES: the host-local (non-shared) system datastores of its cluster, as the
 * host's monitoring reports them; the scheduler checks a VM's disks against these, not the
 * datastore's own FREE_MB. The simulator's hosts see the datastore's accounted free space.
 */
function hostDatastoresXml(cloud: Cloud, h: SimHost): string {
  const local = [...cloud.datastores.values()].filter((d) =>
    d.type === 'SYSTEM' && d.clusterIds.includes(h.clusterId) && templateGet(d.template, 'SHARED') !== 'YES');
  let total = 0;
  let used = 0;
  const entries = local.map((d) => {
    const u = cloud.dsUsedMb(d);
    total += d.totalMb;
    used += u;
    return el('DS', el('FREE_MB', Math.max(0, d.totalMb - u)) + el('ID', d.id) + el('TOTAL_MB', d.totalMb) + el('USED_MB', u));
  }).join('');
  return el('DATASTORES', el('DISK_USAGE', 0) + entries + el('FREE_DISK', Math.max(0, total - used)) + el('MAX_DISK', total) + el('USED_DISK', used));
}

export function hostXml(cloud: Cloud, h: SimHost): string {
  const cluster = cloud.clusters.get(h.clusterId);
  const { maxCpu, maxMem } = cloud.hostMax(h);
  // Monitoring as the probes would see it: only RUNNING guests burn CPU and memory.
  let usedCpu = 0;
  let usedMem = 0;
  for (const id of h.vmIds) {
    const vm = cloud.vms.get(id);
    if (vm && vm.state === 3 && vm.lcm === 3) { usedCpu += vm.cpu; usedMem += vm.mem; }
  }
  const share = [
    el('MEM_USAGE', h.memUsage), el('CPU_USAGE', h.cpuUsage), el('TOTAL_MEM', h.totalMem), el('TOTAL_CPU', h.totalCpu),
    el('MAX_MEM', maxMem), el('MAX_CPU', maxCpu), el('RUNNING_VMS', h.runningVms), el('VMS_THREAD', 1),
    hostDatastoresXml(cloud, h),
    '<PCI_DEVICES></PCI_DEVICES>', '<NUMA_NODES></NUMA_NODES>',
  ].join('');
  const monitoring = h.state === 3 ? '<MONITORING></MONITORING>' : el('MONITORING', [
    el('TIMESTAMP', cloud.now()), el('ID', h.id),
    el('CAPACITY', el('FREE_CPU', Math.max(0, h.totalCpu - usedCpu)) + el('FREE_MEMORY', Math.max(0, h.totalMem - usedMem))
      + el('USED_CPU', usedCpu) + el('USED_MEMORY', usedMem)),
    el('SYSTEM', el('NETRX', 0) + el('NETTX', 0)),
  ].join(''));
  return el('HOST', [
    el('ID', h.id), el('NAME', escapeText(h.name)), el('STATE', h.state), el('PREV_STATE', h.prevState),
    el('IM_MAD', cdata(h.imMad)), el('VM_MAD', cdata(h.vmMad)), el('CLUSTER_ID', h.clusterId),
    el('CLUSTER', escapeText(cluster?.name ?? '')), el('HOST_SHARE', share), ids('VMS', h.vmIds),
    templateXml('TEMPLATE', h.template), monitoring,
  ].join(''));
}

export function clusterXml(cloud: Cloud, c: SimCluster): string {
  const hosts = [...cloud.hosts.values()].filter((h) => h.clusterId === c.id).map((h) => h.id);
  const dss = [...cloud.datastores.values()].filter((d) => d.clusterIds.includes(c.id)).map((d) => d.id);
  const vnets = [...cloud.vnets.values()].filter((v) => v.clusterIds.includes(c.id)).map((v) => v.id);
  return el('CLUSTER', el('ID', c.id) + el('NAME', escapeText(c.name)) + ids('HOSTS', hosts) + ids('DATASTORES', dss)
    + ids('VNETS', vnets) + templateXml('TEMPLATE', c.template));
}

const DS_TYPE = { IMAGE: 0, SYSTEM: 1, FILE: 2 } as const;

export function datastoreXml(cloud: Cloud, d: SimDatastore): string {
  const used = cloud.dsUsedMb(d);
  return el('DATASTORE', [
    el('ID', d.id), el('UID', 0), el('GID', 0), el('UNAME', 'oneadmin'), el('GNAME', 'oneadmin'), el('NAME', escapeText(d.name)),
    DS_PERMISSIONS, el('DS_MAD', cdata(d.dsMad)), el('TM_MAD', cdata(d.tmMad)), el('BASE_PATH', cdata(`/var/lib/one//datastores/${d.id}`)),
    el('TYPE', DS_TYPE[d.type]), el('DISK_TYPE', 0), el('STATE', 0), ids('CLUSTERS', d.clusterIds),
    el('TOTAL_MB', d.totalMb), el('FREE_MB', Math.max(0, d.totalMb - used)), el('USED_MB', used), ids('IMAGES', d.imageIds),
    templateXml('TEMPLATE', d.template),
  ].join(''));
}

const IMAGE_TYPE: Record<string, number> = { OS: 0, CDROM: 1, DATABLOCK: 2, KERNEL: 3, RAMDISK: 4, CONTEXT: 5 };

/** An IMAGE (image.xsd), always READY (STATE 1), or USED (2) while VMs have it. */
export function imageXml(cloud: Cloud, i: SimImage): string {
  const usesIt = (vm: SimVm) => vm.template.some((a) => a.name === 'DISK' && isVector(a) && a.vector.some((p) => p.name === 'IMAGE_ID' && p.value === String(i.id)));
  const vms = [...cloud.vms.values()].filter((vm) => vm.state !== 6 && usesIt(vm)).map((vm) => vm.id);
  const ds = cloud.datastores.get(i.datastoreId);
  return el('IMAGE', [
    el('ID', i.id), el('UID', 0), el('GID', 0), el('UNAME', 'oneadmin'), el('GNAME', 'oneadmin'), el('NAME', escapeText(i.name)),
    PERMISSIONS, el('TYPE', IMAGE_TYPE[i.type] ?? 0), el('DISK_TYPE', 0), el('PERSISTENT', 0), el('REGTIME', 0),
    el('SOURCE', cdata(`/var/lib/one//datastores/${i.datastoreId}/${i.id}`)), el('PATH', cdata('')), el('FORMAT', cdata('raw')), el('FS', cdata('')),
    el('SIZE', i.sizeMb), el('STATE', vms.length > 0 ? 2 : 1), el('PREV_STATE', 1), el('RUNNING_VMS', vms.length),
    el('CLONING_OPS', 0), el('CLONING_ID', -1), el('TARGET_SNAPSHOT', -1), el('DATASTORE_ID', i.datastoreId),
    el('DATASTORE', escapeText(ds?.name ?? '')), ids('VMS', vms), ids('CLONES', []), ids('APP_CLONES', []),
    templateXml('TEMPLATE', i.template), el('SNAPSHOTS', el('ALLOW_ORPHANS', cdata('NO')) + el('CURRENT_BASE', -1) + el('NEXT_SNAPSHOT', 0)),
  ].join(''));
}

/** A VNET; `extended` adds each range's USED_LEASES and LEASES (vnet.xsd); the pool form omits them (vnet_pool.xsd). */
export function vnetXml(v: SimVnet, extended: boolean): string {
  const ars = v.ars.map((ar) => {
    const leases = [...v.leases.values()].filter((l) => l.arId === ar.id);
    const parts = [
      el('AR_ID', cdata(String(ar.id))), ...(ar.ip ? [el('IP', cdata(ar.ip))] : []), el('MAC', cdata(ar.mac)),
      el('NEXT_INDEX', ar.nextIndex ?? 0), el('SHARED', cdata('NO')), el('SIZE', ar.size), el('TYPE', cdata(ar.type)),
    ];
    if (extended) {
      parts.push(el('USED_LEASES', leases.length));
      parts.push(el('LEASES', leases.map((l) => el('LEASE', (l.ip ? el('IP', l.ip) : '') + el('MAC', l.mac) + (l.vmId >= 0 ? el('VM', l.vmId) : ''))).join('')));
    }
    return el('AR', parts.join(''));
  });
  const empty = '<VROUTERS></VROUTERS><UPDATED_VMS></UPDATED_VMS><OUTDATED_VMS></OUTDATED_VMS><UPDATING_VMS></UPDATING_VMS><ERROR_VMS></ERROR_VMS>';
  return el('VNET', [
    el('ID', v.id), el('UID', 0), el('GID', 0), el('UNAME', 'oneadmin'), el('GNAME', 'oneadmin'), el('NAME', escapeText(v.name)),
    PERMISSIONS, ids('CLUSTERS', v.clusterIds), el('BRIDGE', cdata(v.bridge)), el('BRIDGE_TYPE', cdata('linux')),
    el('STATE', 1), el('PREV_STATE', 1), el('PARENT_NETWORK_ID', cdata('')), el('TEMPLATE_ID', cdata('-1')),
    el('VN_MAD', cdata(v.vnMad)), el('PHYDEV', cdata('')), el('VLAN_ID', cdata('')), el('OUTER_VLAN_ID', cdata('')),
    el('VLAN_ID_AUTOMATIC', 0), el('OUTER_VLAN_ID_AUTOMATIC', 0), el('USED_LEASES', v.leases.size),
    empty, templateXml('TEMPLATE', v.template), el('AR_POOL', ars.join('')),
  ].join(''));
}

/** vm.xsd's TEMPLATE is a sequence: oned's alphabetical order, except where the schema says otherwise. */
const VM_TEMPLATE_ORDER = [
  'AUTOMATIC_DS_REQUIREMENTS', 'AUTOMATIC_NIC_REQUIREMENTS', 'AUTOMATIC_REQUIREMENTS', 'CLONING_TEMPLATE_ID', 'CONTEXT',
  'CPU', 'CPU_COST', 'DISK', 'DISK_COST', 'EMULATOR', 'FEATURES', 'HYPERV_OPTIONS', 'GRAPHICS', 'VIDEO', 'IMPORTED',
  'INPUT', 'MEMORY', 'MEMORY_COST', 'MEMORY_MAX', 'MEMORY_SLOTS', 'MEMORY_RESIZE_MODE', 'NIC', 'NIC_ALIAS',
  'NIC_DEFAULT', 'NUMA_NODE', 'OS', 'PCI', 'QEMU_GA_EXEC', 'RAW', 'SECURITY_GROUP_RULE', 'SNAPSHOT', 'SPICE_OPTIONS',
  'SUBMIT_ON_HOLD', 'TEMPLATE_ID', 'TM_MAD_SYSTEM', 'TOPOLOGY', 'TPM', 'MEMORY_ENCRYPTION', 'VCPU', 'VCPU_MAX',
  'VMGROUP', 'VMID', 'VROUTER_ID', 'VROUTER_KEEPALIVED_ID', 'VROUTER_KEEPALIVED_PASSWORD',
];

function vmTemplateBody(vm: SimVm, order: string[]): string {
  const rank = new Map(order.map((n, i) => [n, i]));
  return vm.template
    .filter((a) => rank.has(a.name))
    .map((a, i) => ({ a, i }))
    .sort((x, y) => (rank.get(x.a.name) ?? 999) - (rank.get(y.a.name) ?? 999) || x.i - y.i)
    .map((x) => attrXml(x.a))
    .join('');
}

function schedActionsXml(vm: SimVm): string {
  return vm.schedActions.map((s) => el('SCHED_ACTION', [
    el('ID', s.id), el('PARENT_ID', vm.id), el('TYPE', 'VM'), el('ACTION', escapeText(s.action)), el('ARGS', escapeText(s.args)),
    el('TIME', s.time), el('REPEAT', -1), el('DAYS', ''), el('END_TYPE', -1), el('END_VALUE', -1), el('DONE', s.done),
    el('MESSAGE', escapeText(s.message)), el('WARNING', 0),
  ].join(''))).join('');
}

function historyXml(h: HistoryRecord, vmId: number): string {
  return el('HISTORY', [
    el('OID', vmId), el('SEQ', h.seq), el('HOSTNAME', escapeText(h.hostname)), el('HID', h.hid), el('CID', h.cid),
    el('STIME', h.stime), el('ETIME', h.etime), el('VM_MAD', cdata(h.vmMad)), el('TM_MAD', cdata(h.tmMad)),
    el('DS_ID', h.dsId), el('PLAN_ID', -1), el('ACTION_ID', -1), el('PSTIME', h.pstime), el('PETIME', h.petime),
    el('RSTIME', h.rstime), el('RETIME', h.retime), el('ESTIME', h.estime), el('EETIME', h.eetime),
    el('ACTION', h.action), el('UID', h.uid), el('GID', h.gid), el('REQUEST_ID', h.reqId),
  ].join(''));
}

function vmMonitoring(cloud: Cloud, vm: SimVm): string {
  if (!(vm.state === 3 && vm.lcm === 3)) return '<MONITORING></MONITORING>';
  return el('MONITORING', el('CPU', (vm.cpu / 100).toFixed(2)) + el('ID', vm.id) + el('MEMORY', vm.mem) + el('TIMESTAMP', cloud.now()));
}

/**
 * The full VM (one.vm.info, one.vmpool.infoextended): vm.xsd. one.vm.info shows every history
 * record; a pool lists the body oned stores, which holds the last one only.
 */
export function vmXml(cloud: Cloud, vm: SimVm, history: 'all' | 'last' = 'all'): string {
  return el('VM', [
    el('ID', vm.id), el('UID', vm.uid), el('GID', vm.gid), el('UNAME', escapeText(vm.uname)), el('GNAME', escapeText(vm.gname)),
    el('NAME', escapeText(vm.name)), PERMISSIONS, el('LAST_POLL', vm.state === 3 ? cloud.now() : 0),
    // VirtualMachinePool::update sets the previous state to the current one before every write:
    // what one.vm.info shows is the state as stored, and the two are the same.
    el('STATE', vm.state), el('LCM_STATE', vm.lcm), el('PREV_STATE', vm.state), el('PREV_LCM_STATE', vm.lcm),
    el('RESCHED', vm.resched ? 1 : 0), el('STIME', vm.stime), el('ETIME', vm.etime), el('DEPLOY_ID', escapeText(vm.deployId)),
    vmMonitoring(cloud, vm), ids('SCHED_ACTIONS', vm.schedActions.map((s) => s.id)),
    // A VM that is DONE keeps its actions' ids, but oned drops the actions themselves.
    el('TEMPLATE', vmTemplateBody(vm, VM_TEMPLATE_ORDER) + (vm.state === 6 ? '' : schedActionsXml(vm))), templateXml('USER_TEMPLATE', vm.userTemplate),
    el('HISTORY_RECORDS', (history === 'all' ? vm.history : vm.history.slice(-1)).map((h) => historyXml(h, vm.id)).join('')),
    el('BACKUPS', '<BACKUP_CONFIG></BACKUP_CONFIG><BACKUP_IDS></BACKUP_IDS>'),
  ].join(''));
}

/** VirtualMachine::to_xml_short: CPU, MEMORY, VCPU, then each DISK and NIC reduced to these attributes, and GRAPHICS. */
const SHORT_DISK = ['DISK_ID', 'DATASTORE', 'DATASTORE_ID', 'IMAGE', 'IMAGE_ID', 'SIZE', 'TYPE', 'CLONE', 'CLONE_TARGET', 'LN_TARGET', 'DISK_SNAPSHOT_TOTAL_SIZE'];
const SHORT_NIC = ['IP', 'IP6', 'IP6_GLOBAL', 'IP6_ULA', 'VROUTER_IP', 'VROUTER_IP6_GLOBAL', 'VROUTER_IP6_ULA', 'MAC', 'NETWORK', 'NETWORK_ID', 'NIC_ID', 'SECURITY_GROUPS'];

function shortTemplateBody(vm: SimVm): string {
  const value = (name: string) => templateGet(vm.template, name) ?? '';
  const reduced = (a: TemplateAttr, keys: readonly string[], always: readonly string[]) => {
    if (!isVector(a)) return '';
    const has = new Map(a.vector.map((p) => [p.name, p.value]));
    const mode = has.get('NETWORK_MODE');
    return el(a.name, (mode !== undefined ? el('NETWORK_MODE', cdata(mode)) : '')
      + keys.filter((k) => has.has(k) || always.includes(k)).map((k) => el(k, cdata(has.get(k) ?? ''))).join(''));
  };
  return [
    el('CPU', value('CPU')), el('MEMORY', value('MEMORY')), el('VCPU', value('VCPU')),
    ...vm.template.filter((a) => a.name === 'DISK').map((a) => reduced(a, SHORT_DISK, [])),
    ...vm.template.filter((a) => a.name === 'NIC').map((a) => reduced(a, SHORT_NIC, ['MAC', 'NETWORK', 'NETWORK_ID', 'NIC_ID', 'SECURITY_GROUPS'])),
    ...vm.template.filter((a) => a.name === 'GRAPHICS').map(attrXml),
  ].join('');
}

/** VirtualMachineTemplate::to_xml_short: only what Sunstone and the scheduler read. */
const SHORT_USER = ['LABELS', 'ERROR', 'SCHED_MESSAGE', 'SCHED_RANK', 'SCHED_DS_RANK', 'SCHED_REQUIREMENTS', 'SCHED_DS_REQUIREMENTS', 'USER_PRIORITY'];

function shortUserTemplate(vm: SimVm): string {
  if (vm.userTemplate.length === 0) return '<USER_TEMPLATE/>';
  const value = (n: string) => templateGet(vm.userTemplate, n);
  return el('USER_TEMPLATE', SHORT_USER.filter((n) => value(n) !== undefined && (value(n) !== '' || n.startsWith('SCHED_') && !n.endsWith('MESSAGE')))
    .map((n) => el(n, escapeText(value(n)!))).join('')
    + vm.userTemplate.filter((a) => a.name === 'SCHED_ACTION' && isVector(a)).map(attrXml).join(''));
}

/** The reduced VM of one.vmpool.info (VirtualMachine::to_xml_short): vm_pool.xsd. */
export function vmShortXml(cloud: Cloud, vm: SimVm): string {
  const last = vm.history[vm.history.length - 1];
  const history = last ? el('HISTORY', [
    el('OID', vm.id), el('SEQ', last.seq), el('HOSTNAME', escapeText(last.hostname)), el('HID', last.hid), el('CID', last.cid),
    el('DS_ID', last.dsId), el('VM_MAD', cdata(last.vmMad)), el('TM_MAD', cdata(last.tmMad)), el('ACTION', last.action),
  ].join('')) : '';
  return el('VM', [
    el('ID', vm.id), el('UID', vm.uid), el('GID', vm.gid), el('UNAME', escapeText(vm.uname)), el('GNAME', escapeText(vm.gname)),
    el('NAME', escapeText(vm.name)), el('LAST_POLL', vm.state === 3 ? cloud.now() : 0), el('STATE', vm.state),
    el('LCM_STATE', vm.lcm), el('RESCHED', vm.resched ? 1 : 0), el('STIME', vm.stime), el('ETIME', vm.etime),
    el('DEPLOY_ID', escapeText(vm.deployId)), el('TEMPLATE', shortTemplateBody(vm)),
    vmMonitoring(cloud, vm), shortUserTemplate(vm), el('HISTORY_RECORDS', history),
  ].join(''));
}

export function poolXml(tag: string, items: string[]): string {
  return el(tag, items.join(''));
}
