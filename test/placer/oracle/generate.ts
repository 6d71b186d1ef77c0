/**
 * Random SCHEDULER_DRIVER_ACTION requests and rank.conf files for comparing svmsched's placer
 * with OpenNebula's own rank placer. Deterministic: the same seed gives the same case.
 *
 * A case covers what the rank placer reads: hosts in several clusters and states, with varied
 * capacity and usage, VMS lists (CURRENT_VMS), local datastores, TEMPLATE, MONITORING
 * (CAPACITY and SYSTEM) and CLUSTER_TEMPLATE; shared, host-local, unmonitored, limited and
 * disabled system datastores; image datastores; networks with one or two address ranges;
 * pending, resumed, rescheduled (running, poweroff, unknown) and unschedulable VMs with
 * SCHED_REQUIREMENTS (CURRENT_VMS included), AUTOMATIC_REQUIREMENTS, SCHED_RANK or legacy
 * RANK, SCHED_DS_RANK, USER_PRIORITY, volatile and image disks, and NICs (NETWORK_MODE=auto
 * with per-NIC SCHED_RANK / SCHED_REQUIREMENTS, and fixed ones); a REQUIREMENTS section in
 * random order with unknown IDs; and a rank.conf with every POLICY, MAX_HOST, DIFFERENT_VNETS
 * and MEMORY_SYSTEM_DS_SCALE. VM groups are left out (VM_GROUP_POOL is empty); vmGroups.ts adds
 * them (compare.ts --groups).
 *
 * CLUSTER_TEMPLATE inside HOST is what oned's scheduler adds to a host; host.xsd does not
 * list it, so `forXsd` removes it before a request is validated.
 */

import { mulberry32 } from '../../../lib/replay/prng';

export interface OracleCase {
  readonly seed: number;
  readonly request: string;
  readonly conf: string;
}

class Dice {
  constructor(readonly next: () => number) {}

  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)];
  }
  shuffle<T>(xs: readonly T[]): T[] {
    const out = [...xs];
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [out[i], out[j]] = [out[j], out[i]];
    }
    return out;
  }
  /** A random subset (each kept with probability p), in random order. */
  subset<T>(xs: readonly T[], p: number): T[] {
    return this.shuffle(xs.filter(() => this.chance(p)));
  }
}

const cdata = (v: string | number): string => `<![CDATA[${v}]]>`;
const el = (name: string, v: string | number): string => `<${name}>${v}</${name}>`;
const attrs = (t: Record<string, string | number>): string => Object.entries(t).map(([k, v]) => el(k, cdata(v))).join('');
const ids = (xs: readonly number[]): string => xs.map((x) => el('ID', x)).join('');
const PERMS = '<PERMISSIONS><OWNER_U>1</OWNER_U><OWNER_M>1</OWNER_M><OWNER_A>0</OWNER_A><GROUP_U>0</GROUP_U><GROUP_M>0</GROUP_M>'
  + '<GROUP_A>0</GROUP_A><OTHER_U>0</OTHER_U><OTHER_M>0</OTHER_M><OTHER_A>0</OTHER_A></PERMISSIONS>';

const HOST_REQS = [
  'HYPERVISOR = kvm', 'HYPERVISOR = "xen"', 'RACK = "r1*"', 'FREE_CPU > 200', 'MAX_CPU >= 800 & RUNNING_VMS < 5',
  '!(GPU = YES)', 'ZONE = z1 | CLUSTER_ID = 0', 'PRIORITY > 2', 'NETRX > 1000', 'ID != 3', 'CLUSTER = "c1"',
  'FREE_MEMORY > 8000000', 'RACK != r2 & HYPERVISOR = kvm', 'USED_CPU < 300 | PRIORITY = 5', 'HYPERVISOR = k*',
];
const HOST_RANKS = [
  'FREE_CPU', '- RUNNING_VMS', 'RUNNING_VMS', 'FREE_MEMORY', 'PRIORITY', 'MAX_CPU - CPU_USAGE',
  'FREE_CPU / 100 + RUNNING_VMS * 3', 'NETRX', '-(USED_MEMORY / 1024)', 'ZONE_WEIGHT', 'MAX_MEM - MEM_USAGE', 'ID',
];
const DS_RANKS = ['FREE_MB', '- FREE_MB', 'PRIORITY', 'TOTAL_MB - USED_MB', 'ID'];
const NIC_RANKS = ['USED_LEASES', '- USED_LEASES', 'PRIORITY', 'ID', '- ID'];

interface HostGen { id: number; cluster: number; state: number; vms: number[] }
interface DsGen { id: number; clusters: number[] }

function hostXml(d: Dice, h: HostGen, localDs: readonly number[]): string {
  const maxCpu = d.pick([200, 400, 800, 1600, 3200]);
  const cpuUsage = d.chance(0.2) ? 0 : 50 * d.int(0, maxCpu / 50);
  const maxMem = d.pick([2, 4, 8, 16, 32, 64]) * 1024 * 1024;
  const memUsage = d.chance(0.2) ? 0 : 1024 * d.int(0, maxMem / 1024);
  const running = d.int(0, 9);
  const ds = localDs.filter(() => d.chance(0.6))
    .map((id) => `<DS><FREE_MB>${d.int(0, 200_000)}</FREE_MB><ID>${id}</ID><TOTAL_MB>200000</TOTAL_MB><USED_MB>0</USED_MB></DS>`).join('');
  const template: Record<string, string | number> = { HYPERVISOR: d.pick(['kvm', 'kvm', 'xen', 'KVM']), RACK: `r${d.int(0, 3)}` };
  if (d.chance(0.5)) template.PRIORITY = d.int(0, 6);
  if (d.chance(0.3)) template.GPU = d.pick(['YES', 'NO']);
  const capacity = d.chance(0.85)
    ? `<CAPACITY><FREE_CPU>${maxCpu - cpuUsage - d.int(0, 50)}</FREE_CPU><FREE_MEMORY>${Math.max(0, maxMem - memUsage - d.int(0, 500_000))}</FREE_MEMORY>`
      + `<USED_CPU>${d.int(0, maxCpu)}</USED_CPU><USED_MEMORY>${d.int(0, maxMem)}</USED_MEMORY></CAPACITY>`
    : '';
  const system = d.chance(0.7) ? `<SYSTEM><NETRX>${d.int(0, 5000)}</NETRX><NETTX>${d.int(0, 5000)}</NETTX></SYSTEM>` : '';
  const clusterTemplate: Record<string, string | number> = { ZONE: `z${h.cluster}`, ZONE_WEIGHT: 10 * h.cluster + 1 };
  if (d.chance(0.3)) clusterTemplate.PRIORITY = d.int(0, 6);
  return `<HOST><ID>${h.id}</ID><NAME>host${h.id}</NAME><STATE>${h.state}</STATE><PREV_STATE>2</PREV_STATE><IM_MAD>${cdata('kvm')}</IM_MAD>`
    + `<VM_MAD>${cdata('kvm')}</VM_MAD><CLUSTER_ID>${h.cluster}</CLUSTER_ID><CLUSTER>c${h.cluster}</CLUSTER><HOST_SHARE>`
    + `<MEM_USAGE>${memUsage}</MEM_USAGE><CPU_USAGE>${cpuUsage}</CPU_USAGE><TOTAL_MEM>${maxMem}</TOTAL_MEM><TOTAL_CPU>${maxCpu}</TOTAL_CPU>`
    + `<MAX_MEM>${maxMem}</MAX_MEM><MAX_CPU>${maxCpu}</MAX_CPU><RUNNING_VMS>${running}</RUNNING_VMS><VMS_THREAD>1</VMS_THREAD>`
    + `<DATASTORES><DISK_USAGE>0</DISK_USAGE>${ds}<FREE_DISK>${d.int(0, 300_000)}</FREE_DISK><MAX_DISK>300000</MAX_DISK><USED_DISK>0</USED_DISK></DATASTORES>`
    + `<PCI_DEVICES/><NUMA_NODES/></HOST_SHARE><VMS>${ids(h.vms)}</VMS><TEMPLATE>${attrs(template)}</TEMPLATE>`
    + `<MONITORING><TIMESTAMP>1766400000</TIMESTAMP><ID>${h.id}</ID>${capacity}${system}</MONITORING>`
    + `<CLUSTER_TEMPLATE>${attrs(clusterTemplate)}</CLUSTER_TEMPLATE></HOST>`;
}

function dsXml(d: Dice, id: number, type: number, clusters: readonly number[], state: number): string {
  const unmonitored = type === 1 && d.chance(0.08);
  const free = unmonitored ? 0 : d.pick([d.int(0, 5000), d.int(0, 500_000), d.int(0, 40_000_000)]);
  const used = unmonitored ? 0 : d.int(0, 100_000);
  const template: Record<string, string | number> = {};
  const shared = d.int(0, 5);
  if (shared < 2) template.SHARED = shared === 0 ? 'NO' : 'no';
  else if (shared < 4) template.SHARED = 'YES';
  if (d.chance(0.1)) template.LIMIT_MB = d.int(0, 200_000);
  if (d.chance(0.5)) template.PRIORITY = d.int(0, 9);
  return `<DATASTORE><ID>${id}</ID><UID>0</UID><GID>0</GID><UNAME>oneadmin</UNAME><GNAME>oneadmin</GNAME><NAME>ds${id}</NAME>${PERMS}`
    + `<DS_MAD>${cdata('-')}</DS_MAD><TM_MAD>${cdata('shared')}</TM_MAD><BASE_PATH>${cdata(`/var/lib/one/datastores/${id}`)}</BASE_PATH>`
    + `<TYPE>${type}</TYPE><DISK_TYPE>0</DISK_TYPE><STATE>${state}</STATE><CLUSTERS>${ids(clusters)}</CLUSTERS>`
    + `<TOTAL_MB>${unmonitored ? 0 : free + used}</TOTAL_MB><FREE_MB>${free}</FREE_MB><USED_MB>${used}</USED_MB><IMAGES/>`
    + `<TEMPLATE>${attrs(template)}</TEMPLATE></DATASTORE>`;
}

function vnetXml(d: Dice, id: number, clusters: readonly number[]): string {
  const sizes = d.chance(0.3) ? [d.int(0, 4), d.int(0, 6)] : [d.pick([1, 2, 3, 10, 254])];
  const total = sizes.reduce((a, b) => a + b, 0);
  const used = d.int(0, total);
  const template: Record<string, string | number> = d.chance(0.5) ? { PRIORITY: d.int(0, 9) } : {};
  const ars = sizes.map((size, i) => `<AR><AR_ID>${cdata(i)}</AR_ID><IP>${cdata(`10.${id}.${i}.1`)}</IP><MAC>${cdata('02:00:0a:00:00:01')}</MAC>`
    + `<NEXT_INDEX>0</NEXT_INDEX><SIZE>${size}</SIZE><TYPE>${cdata('IP4')}</TYPE><USED_LEASES>0</USED_LEASES></AR>`).join('');
  return `<VNET><ID>${id}</ID><UID>0</UID><GID>0</GID><UNAME>oneadmin</UNAME><GNAME>oneadmin</GNAME><NAME>net${id}</NAME>${PERMS}`
    + `<CLUSTERS>${ids(clusters)}</CLUSTERS><BRIDGE>br0</BRIDGE><BRIDGE_TYPE>linux</BRIDGE_TYPE><STATE>1</STATE><PREV_STATE>0</PREV_STATE>`
    + `<PARENT_NETWORK_ID/><TEMPLATE_ID>${cdata(-1)}</TEMPLATE_ID><VN_MAD>bridge</VN_MAD><PHYDEV/><VLAN_ID/><OUTER_VLAN_ID/>`
    + '<VLAN_ID_AUTOMATIC>0</VLAN_ID_AUTOMATIC><OUTER_VLAN_ID_AUTOMATIC>0</OUTER_VLAN_ID_AUTOMATIC>'
    + `<USED_LEASES>${used}</USED_LEASES><VROUTERS/><UPDATED_VMS/><OUTDATED_VMS/><UPDATING_VMS/><ERROR_VMS/>`
    + `<TEMPLATE>${attrs(template)}</TEMPLATE><AR_POOL>${ars}</AR_POOL></VNET>`;
}

interface VmGen { xml: string; requirements: string }

interface World {
  hosts: HostGen[];
  systemDs: DsGen[];
  imageDs: number[];
  vnets: number[];
  vmIds: number[];
}

function historyXml(id: number, hid: number, dsId: number, action: number): string {
  return `<HISTORY><OID>${id}</OID><SEQ>0</SEQ><HOSTNAME>host${hid}</HOSTNAME><HID>${hid}</HID><CID>0</CID><STIME>1766300005</STIME>`
    + `<ETIME>0</ETIME><VM_MAD>${cdata('kvm')}</VM_MAD><TM_MAD>${cdata('shared')}</TM_MAD><DS_ID>${dsId}</DS_ID><PLAN_ID>-1</PLAN_ID>`
    + '<ACTION_ID>-1</ACTION_ID><PSTIME>0</PSTIME><PETIME>0</PETIME><RSTIME>0</RSTIME><RETIME>0</RETIME><ESTIME>0</ESTIME><EETIME>0</EETIME>'
    + `<ACTION>${action}</ACTION><UID>0</UID><GID>0</GID><REQUEST_ID>-1</REQUEST_ID></HISTORY>`;
}

function diskXml(d: Dice, w: World, i: number): string {
  const size = d.pick([d.int(1, 100), d.int(100, 5000), d.int(5000, 100_000)]);
  const extra: Record<string, string | number> = d.chance(0.15) ? { DISK_SNAPSHOT_TOTAL_SIZE: d.int(0, 2000) } : {};
  if (d.chance(0.4)) return `<DISK>${attrs({ DISK_ID: i, SIZE: size, TYPE: d.pick(['fs', 'swap', 'FS']), ...extra })}</DISK>`;
  const ds = d.chance(0.9) ? d.pick(w.imageDs) : 99;
  const clone = d.pick(['YES', 'NO', 'yes']);
  const target = d.pick(['SELF', 'SYSTEM', 'NONE', 'self']);
  const t: Record<string, string> = clone.toUpperCase() === 'YES' ? { CLONE_TARGET: target } : { LN_TARGET: target };
  return `<DISK>${attrs({ CLONE: clone, ...t, DATASTORE_ID: ds, DISK_ID: i, SIZE: size, ...extra })}</DISK>`;
}

function vmGen(d: Dice, w: World, id: number): VmGen {
  const kind = d.pick(['pending', 'pending', 'pending', 'pending', 'pending', 'pending', 'resume', 'resched', 'poweroff', 'unknown', 'running', 'hold']);
  const [state, lcm, resched] = {
    pending: [1, 0, 0], resume: [1, 0, 0], resched: [3, 3, 1], poweroff: [8, 0, 1], unknown: [3, 16, 1], running: [3, 3, 0], hold: [2, 0, 0],
  }[kind] as [number, number, number];
  const liveHosts = w.hosts.filter((h) => h.state === 1 || h.state === 2);
  const home = d.pick(liveHosts.length ? liveHosts : w.hosts);
  const homeDs = d.pick(w.systemDs).id;
  const history = kind === 'pending' ? (d.chance(0.1) ? historyXml(id, home.id, homeDs, d.pick([0, 1, 20])) : '')
    : historyXml(id, home.id, homeDs, kind === 'resume' ? d.pick([9, 5, 6]) : 0);
  if (kind !== 'pending' && kind !== 'resume' && kind !== 'hold') home.vms.push(id);

  const cpu = d.pick(['0', '0.1', '0.25', '0.5', '1', '1', '1.5', '2', '3.3', '4', '0.35']);
  const memory = d.pick([0, 128, 512, 1024, 1024, 2048, 4096, 8192, 16384]);
  const disks = Array.from({ length: d.int(0, 3) }, (_, i) => diskXml(d, w, i)).join('');
  const nics: string[] = [];
  const nicReqs: string[] = [];
  const nicCount = w.vnets.length ? d.int(0, 3) : 0;
  for (let n = 0; n < nicCount; n++) {
    if (d.chance(0.75)) {
      const nic: Record<string, string | number> = { NETWORK_MODE: d.pick(['auto', 'AUTO']), NIC_ID: n };
      if (d.chance(0.3)) nic.SCHED_RANK = d.pick(NIC_RANKS);
      if (d.chance(0.2)) nic.SCHED_REQUIREMENTS = 'PRIORITY > 1';
      nics.push(`<NIC>${attrs(nic)}</NIC>`);
      if (d.chance(0.93)) nicReqs.push(`<NIC><ID>${n}</ID><VNETS>${ids(d.subset(w.vnets, 0.7))}</VNETS></NIC>`);
    } else {
      nics.push(`<NIC>${attrs({ NETWORK_ID: d.pick(w.vnets), NIC_ID: n })}</NIC>`);
    }
  }
  const user: Record<string, string | number> = {};
  if (d.chance(0.5)) user[d.chance(0.9) ? 'SCHED_RANK' : 'RANK'] = d.pick(HOST_RANKS);
  if (d.chance(0.4)) user.SCHED_DS_RANK = d.pick(DS_RANKS);
  if (d.chance(0.2)) user.SCHED_DS_REQUIREMENTS = 'PRIORITY > 0';
  if (d.chance(0.6)) {
    const others = w.vmIds.filter((v) => v !== id);
    user.SCHED_REQUIREMENTS = d.chance(0.15) && others.length
      ? `CURRENT_VMS ${d.pick(['!=', '='])} ${d.pick(others)}` + (d.chance(0.5) ? ` & ${d.pick(HOST_REQS)}` : '')
      : d.pick(HOST_REQS);
  }
  if (d.chance(0.4)) user.USER_PRIORITY = d.pick([d.int(0, 3), d.int(-5, 50), Number((d.next() * 10).toFixed(2))]);
  const template = (d.chance(0.3) ? attrs({ AUTOMATIC_REQUIREMENTS: `(CLUSTER_ID = ${d.pick(w.hosts).cluster}) & !(PUBLIC_CLOUD = YES)` }) : '')
    + attrs({ CPU: cpu }) + disks + attrs({ MEMORY: memory }) + nics.join('') + attrs({ TM_MAD_SYSTEM: 'shared', VMID: id });

  const hosts = [...d.subset(w.hosts.map((h) => h.id), d.pick([0.5, 0.8, 1, 1])), ...(d.chance(0.1) ? [999] : [])];
  const datastores = [...d.subset(w.systemDs.map((s) => s.id), d.pick([0.6, 1])), ...(d.chance(0.05) ? [998] : [])];
  const requirements = `<VM><ID>${id}</ID><HOSTS>${ids(d.shuffle(hosts))}</HOSTS>${nicReqs.join('')}<DATASTORES>${ids(datastores)}</DATASTORES></VM>`;
  const xml = `<VM><ID>${id}</ID><UID>0</UID><GID>0</GID><UNAME>oneadmin</UNAME><GNAME>oneadmin</GNAME><NAME>vm${id}</NAME>${PERMS}`
    + `<LAST_POLL>0</LAST_POLL><STATE>${state}</STATE><LCM_STATE>${lcm}</LCM_STATE><PREV_STATE>1</PREV_STATE><PREV_LCM_STATE>0</PREV_LCM_STATE>`
    + `<RESCHED>${resched}</RESCHED><STIME>1766300000</STIME><ETIME>0</ETIME><DEPLOY_ID></DEPLOY_ID><MONITORING/><SCHED_ACTIONS/>`
    + `<TEMPLATE>${template}</TEMPLATE><USER_TEMPLATE>${attrs(user)}</USER_TEMPLATE><HISTORY_RECORDS>${history}</HISTORY_RECORDS>`
    + '<BACKUPS><BACKUP_CONFIG/><BACKUP_IDS/></BACKUPS></VM>';
  return { xml, requirements };
}

function confText(d: Dice): string {
  const lines: string[] = [];
  const custom = (policy: number, ranks: readonly string[]): string => (policy === -1 ? '' : `, RANK = "${d.pick(ranks)}"`);
  if (d.chance(0.8)) lines.push(`MAX_HOST = ${d.pick([0, 0, 1, 2, 3])}`);
  if (d.chance(0.7)) lines.push(`DIFFERENT_VNETS = ${d.pick(['YES', 'NO', 'yes'])}`);
  if (d.chance(0.5)) lines.push(`MEMORY_SYSTEM_DS_SCALE = ${d.pick(['0', '0.5', '1', '1.5', '0.1'])}`);
  if (d.chance(0.9)) {
    const p = d.int(0, 4);
    lines.push(`DEFAULT_SCHED = [ POLICY = ${p}${custom(p === 3 ? 0 : -1, HOST_RANKS)} ]`);
  }
  if (d.chance(0.9)) {
    const p = d.int(0, 3);
    lines.push(`DEFAULT_DS_SCHED = [ POLICY = ${p}${custom(p === 2 ? 0 : -1, DS_RANKS)} ]`);
  }
  if (d.chance(0.9)) {
    const p = d.int(0, 3);
    lines.push(`DEFAULT_NIC_SCHED = [ POLICY = ${p}${custom(p === 2 ? 0 : -1, NIC_RANKS)} ]`);
  }
  lines.push('LOG = [ SYSTEM = "file", DEBUG_LEVEL = 3 ]');
  return `${lines.join('\n')}\n`;
}

export function generateCase(seed: number): OracleCase {
  const d = new Dice(mulberry32(seed));
  // One case in five is large: more than 16 candidate hosts (std::sort is then an introsort) and many VMs.
  const large = d.chance(0.2);
  const nClusters = d.int(1, 3);
  const clusters = Array.from({ length: nClusters }, (_, i) => i);
  const hostIds = d.shuffle(Array.from({ length: 40 }, (_, i) => i)).slice(0, large ? d.int(25, 40) : d.int(2, 20));
  const hosts: HostGen[] = hostIds.map((id) => ({
    id, cluster: d.pick(clusters), state: d.pick([2, 2, 2, 2, 2, 2, 1, 3, 4, 8]), vms: d.chance(0.3) ? [d.int(0, 120)] : [],
  }));
  const dsIds = d.shuffle([0, 1, 2, 100, 101, 102, 103]);
  const systemDs: DsGen[] = dsIds.slice(0, d.int(1, 4)).map((id) => ({ id, clusters: d.subset(clusters, 0.7) }));
  const imageDs = dsIds.slice(4, 4 + d.int(1, 3));
  const vnets = d.shuffle([0, 1, 2, 3, 4, 5]).slice(0, d.int(0, 4));
  const vmIds = d.shuffle(Array.from({ length: 120 }, (_, i) => i)).slice(0, large ? d.int(40, 100) : d.int(1, 30));
  const w: World = { hosts, systemDs, imageDs, vnets, vmIds };
  const vms = vmIds.map((id) => vmGen(d, w, id));

  const hostPool = hosts.map((h) => hostXml(d, h, systemDs.map((s) => s.id))).join('');
  const dsPool = d.shuffle([
    ...systemDs.map((s) => dsXml(d, s.id, 1, s.clusters, d.chance(0.07) ? 1 : 0)),
    ...imageDs.map((id) => dsXml(d, id, 0, clusters, 0)),
  ]).join('');
  const vnetPool = vnets.map((id) => vnetXml(d, id, d.subset(clusters, 0.8))).join('');
  // The rank placer never reads CLUSTER_POOL; its templates differ from CLUSTER_TEMPLATE to catch a reader that does.
  const clusterPool = clusters.map((c) => `<CLUSTER><ID>${c}</ID><NAME>c${c}</NAME><HOSTS>${ids(hosts.filter((h) => h.cluster === c).map((h) => h.id))}</HOSTS>`
    + `<DATASTORES/><VNETS/><TEMPLATE>${attrs({ ZONE: `pool${c}`, ZONE_WEIGHT: 1000 + c })}</TEMPLATE></CLUSTER>`).join('');
  const request = `<SCHEDULER_DRIVER_ACTION><VM_POOL>${d.shuffle(vms.map((v) => v.xml)).join('')}</VM_POOL><HOST_POOL>${hostPool}</HOST_POOL>`
    + `<DATASTORE_POOL>${dsPool}</DATASTORE_POOL><VNET_POOL>${vnetPool}</VNET_POOL><VM_GROUP_POOL/><CLUSTER_POOL>${clusterPool}</CLUSTER_POOL>`
    + `<REQUIREMENTS>${d.shuffle(vms.map((v) => v.requirements)).join('')}</REQUIREMENTS></SCHEDULER_DRIVER_ACTION>`;
  return { seed, request, conf: confText(d) };
}

/** The request as host.xsd accepts it: without the CLUSTER_TEMPLATE that oned's scheduler adds. */
export const forXsd = (request: string): string => request.replace(/<CLUSTER_TEMPLATE>.*?<\/CLUSTER_TEMPLATE>/g, '');

/**
 * The request with every ID list of its REQUIREMENTS section (HOSTS, DATASTORES, VNETS) in
 * descending order. OpenNebula's placer sorts a VM's candidates with std::sort in that order
 * and takes them from the end: with up to 16 candidates (insertion sort, stable) the last
 * listed wins a tie, so this order makes it break ties by lowest ID, as svmsched does.
 */
export function descendingRequirements(request: string): string {
  const start = request.indexOf('<REQUIREMENTS>');
  const section = request.slice(start).replace(/<(HOSTS|DATASTORES|VNETS)>((?:<ID>\d+<\/ID>)*)<\/\1>/g, (_m, tag: string, list: string) => {
    const sorted = [...list.matchAll(/<ID>(\d+)<\/ID>/g)].map((x) => Number(x[1])).sort((a, b) => b - a);
    return `<${tag}>${sorted.map((x) => `<ID>${x}</ID>`).join('')}</${tag}>`;
  });
  return request.slice(0, start) + section;
}
