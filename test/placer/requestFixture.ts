/**
 * SCHEDULER_DRIVER_ACTION documents for the placer's tests and benchmark, shaped like oned's
 * (element order of the XSDs, no namespace: oned sends none).
 */
export interface HostSpec { id: number; cpu: number; memMb: number; cpuUsage?: number; memUsageMb?: number; runningVms?: number; clusterId?: number; state?: number; template?: Record<string, string>; freeDisk?: number; localDs?: Record<number, number> }
export interface DsSpec { id: number; freeMb: number; type?: number; shared?: boolean | null; clusters?: number[]; template?: Record<string, string> }
export interface VnetSpec { id: number; size: number; used: number; clusters?: number[]; template?: Record<string, string> }
export interface VmSpec {
  id: number; cpu: number; memMb: number; state?: number; lcmState?: number; resched?: boolean; userPriority?: number;
  /** MONITORING/CPU (percent of one CPU); absent, the VM has no monitoring yet. */
  usage?: number;
  requirements?: string; autoRequirements?: string; rank?: string; dsRank?: string;
  disks?: { size: number; type?: string; datastoreId?: number; clone?: string; cloneTarget?: string; lnTarget?: string }[];
  nics?: { nicId: number; auto?: boolean; rank?: string }[];
  history?: { hid: number; dsId: number; action: number };
  hosts: number[]; datastores: number[]; nicVnets?: Record<number, number[]>;
}
export interface RequestSpec {
  hosts: HostSpec[]; datastores: DsSpec[]; vnets: VnetSpec[]; vms: VmSpec[]; clusters?: number[];
  /** The cluster's ONE_DRS vector attribute (POLICY, MIGRATION_THRESHOLD, CPU_USAGE_WEIGHT...), as oned stores it. */
  oneDrs?: Record<string, string | number>;
}

const cdata = (v: string | number): string => `<![CDATA[${v}]]>`;
const attrs = (t: Record<string, string | number> = {}): string => Object.entries(t).map(([k, v]) => `<${k}>${cdata(v)}</${k}>`).join('');
const PERMS = '<PERMISSIONS><OWNER_U>1</OWNER_U><OWNER_M>1</OWNER_M><OWNER_A>0</OWNER_A><GROUP_U>0</GROUP_U><GROUP_M>0</GROUP_M><GROUP_A>0</GROUP_A><OTHER_U>0</OTHER_U><OTHER_M>0</OTHER_M><OTHER_A>0</OTHER_A></PERMISSIONS>';

function hostXml(h: HostSpec): string {
  const c = h.clusterId ?? 0;
  const ds = Object.entries(h.localDs ?? {}).map(([id, free]) => `<DS><FREE_MB>${free}</FREE_MB><ID>${id}</ID><TOTAL_MB>${free}</TOTAL_MB><USED_MB>0</USED_MB></DS>`).join('');
  return `<HOST><ID>${h.id}</ID><NAME>host${h.id}</NAME><STATE>${h.state ?? 2}</STATE><PREV_STATE>2</PREV_STATE><IM_MAD>${cdata('kvm')}</IM_MAD><VM_MAD>${cdata('kvm')}</VM_MAD>`
    + `<CLUSTER_ID>${c}</CLUSTER_ID><CLUSTER>c${c}</CLUSTER><HOST_SHARE><MEM_USAGE>${(h.memUsageMb ?? 0) * 1024}</MEM_USAGE><CPU_USAGE>${h.cpuUsage ?? 0}</CPU_USAGE>`
    + `<TOTAL_MEM>${h.memMb * 1024}</TOTAL_MEM><TOTAL_CPU>${h.cpu}</TOTAL_CPU><MAX_MEM>${h.memMb * 1024}</MAX_MEM><MAX_CPU>${h.cpu}</MAX_CPU><RUNNING_VMS>${h.runningVms ?? 0}</RUNNING_VMS><VMS_THREAD>1</VMS_THREAD>`
    + `<DATASTORES><DISK_USAGE>0</DISK_USAGE>${ds}<FREE_DISK>${h.freeDisk ?? 100000}</FREE_DISK><MAX_DISK>100000</MAX_DISK><USED_DISK>0</USED_DISK></DATASTORES><PCI_DEVICES/><NUMA_NODES/></HOST_SHARE>`
    + `<VMS/><TEMPLATE>${attrs({ HYPERVISOR: 'kvm', ...(h.template ?? {}) })}</TEMPLATE>`
    + `<MONITORING><TIMESTAMP>1766400000</TIMESTAMP><ID>${h.id}</ID><CAPACITY><FREE_CPU>${h.cpu - (h.cpuUsage ?? 0)}</FREE_CPU><FREE_MEMORY>${(h.memMb - (h.memUsageMb ?? 0)) * 1024}</FREE_MEMORY><USED_CPU>0</USED_CPU><USED_MEMORY>0</USED_MEMORY></CAPACITY></MONITORING></HOST>`;
}

function dsXml(d: DsSpec): string {
  const shared: Record<string, string> = d.shared === null ? {} : { SHARED: d.shared === false ? 'NO' : 'YES' };
  return `<DATASTORE><ID>${d.id}</ID><UID>0</UID><GID>0</GID><UNAME>oneadmin</UNAME><GNAME>oneadmin</GNAME><NAME>ds${d.id}</NAME>${PERMS}`
    + `<DS_MAD>${cdata('-')}</DS_MAD><TM_MAD>${cdata('shared')}</TM_MAD><BASE_PATH>${cdata(`/var/lib/one/datastores/${d.id}`)}</BASE_PATH><TYPE>${d.type ?? 1}</TYPE><DISK_TYPE>0</DISK_TYPE><STATE>0</STATE>`
    + `<CLUSTERS>${(d.clusters ?? [0]).map((c) => `<ID>${c}</ID>`).join('')}</CLUSTERS><TOTAL_MB>${d.freeMb + 1000}</TOTAL_MB><FREE_MB>${d.freeMb}</FREE_MB><USED_MB>1000</USED_MB><IMAGES/>`
    + `<TEMPLATE>${attrs({ ...shared, ...(d.template ?? {}) })}</TEMPLATE></DATASTORE>`;
}

function vnetXml(v: VnetSpec): string {
  return `<VNET><ID>${v.id}</ID><UID>0</UID><GID>0</GID><UNAME>oneadmin</UNAME><GNAME>oneadmin</GNAME><NAME>net${v.id}</NAME>${PERMS}`
    + `<CLUSTERS>${(v.clusters ?? [0]).map((c) => `<ID>${c}</ID>`).join('')}</CLUSTERS><BRIDGE>br0</BRIDGE><BRIDGE_TYPE>linux</BRIDGE_TYPE><STATE>1</STATE><PREV_STATE>0</PREV_STATE>`
    + `<PARENT_NETWORK_ID/><TEMPLATE_ID>${cdata(-1)}</TEMPLATE_ID><VN_MAD>bridge</VN_MAD><PHYDEV/><VLAN_ID/><OUTER_VLAN_ID/><VLAN_ID_AUTOMATIC>0</VLAN_ID_AUTOMATIC><OUTER_VLAN_ID_AUTOMATIC>0</OUTER_VLAN_ID_AUTOMATIC>`
    + `<USED_LEASES>${v.used}</USED_LEASES><VROUTERS/><UPDATED_VMS/><OUTDATED_VMS/><UPDATING_VMS/><ERROR_VMS/><TEMPLATE>${attrs(v.template)}</TEMPLATE>`
    + `<AR_POOL><AR><AR_ID>${cdata(0)}</AR_ID><IP>${cdata('10.0.0.1')}</IP><MAC>${cdata('02:00:0a:00:00:01')}</MAC><NEXT_INDEX>0</NEXT_INDEX><SIZE>${v.size}</SIZE><TYPE>${cdata('IP4')}</TYPE><USED_LEASES>${v.used}</USED_LEASES></AR></AR_POOL></VNET>`;
}

function vmXml(v: VmSpec): string {
  const disks = (v.disks ?? []).map((d, i) => `<DISK>${attrs({
    ...(d.clone !== undefined ? { CLONE: d.clone } : {}), ...(d.cloneTarget ? { CLONE_TARGET: d.cloneTarget } : {}),
    ...(d.datastoreId !== undefined ? { DATASTORE_ID: d.datastoreId } : {}), DISK_ID: i, ...(d.lnTarget ? { LN_TARGET: d.lnTarget } : {}),
    SIZE: d.size, ...(d.type ? { TYPE: d.type } : {}) })}</DISK>`).join('');
  const nics = (v.nics ?? []).map((n) => `<NIC>${attrs({ ...(n.auto ? { NETWORK_MODE: 'auto' } : { NETWORK_ID: 0 }), NIC_ID: n.nicId, ...(n.rank ? { SCHED_RANK: n.rank } : {}) })}</NIC>`).join('');
  const user = attrs({ ...(v.dsRank ? { SCHED_DS_RANK: v.dsRank } : {}), ...(v.rank ? { SCHED_RANK: v.rank } : {}),
    ...(v.requirements ? { SCHED_REQUIREMENTS: v.requirements } : {}), ...(v.userPriority !== undefined ? { USER_PRIORITY: v.userPriority } : {}) });
  const hist = v.history
    ? `<HISTORY><OID>${v.id}</OID><SEQ>0</SEQ><HOSTNAME>host${v.history.hid}</HOSTNAME><HID>${v.history.hid}</HID><CID>0</CID><STIME>1766300005</STIME><ETIME>0</ETIME><VM_MAD>${cdata('kvm')}</VM_MAD><TM_MAD>${cdata('shared')}</TM_MAD><DS_ID>${v.history.dsId}</DS_ID><PLAN_ID>-1</PLAN_ID><ACTION_ID>-1</ACTION_ID><PSTIME>0</PSTIME><PETIME>0</PETIME><RSTIME>0</RSTIME><RETIME>0</RETIME><ESTIME>0</ESTIME><EETIME>0</EETIME><ACTION>${v.history.action}</ACTION><UID>0</UID><GID>0</GID><REQUEST_ID>-1</REQUEST_ID></HISTORY>`
    : '';
  return `<VM><ID>${v.id}</ID><UID>0</UID><GID>0</GID><UNAME>oneadmin</UNAME><GNAME>oneadmin</GNAME><NAME>vm${v.id}</NAME>${PERMS}<LAST_POLL>0</LAST_POLL>`
    + `<STATE>${v.state ?? 1}</STATE><LCM_STATE>${v.lcmState ?? 0}</LCM_STATE><PREV_STATE>1</PREV_STATE><PREV_LCM_STATE>0</PREV_LCM_STATE><RESCHED>${v.resched ? 1 : 0}</RESCHED>`
    + `<STIME>1766300000</STIME><ETIME>0</ETIME><DEPLOY_ID></DEPLOY_ID>${v.usage !== undefined ? `<MONITORING><CPU>${cdata(v.usage)}</CPU></MONITORING>` : '<MONITORING/>'}<SCHED_ACTIONS/>`
    + `<TEMPLATE>${v.autoRequirements ? attrs({ AUTOMATIC_REQUIREMENTS: v.autoRequirements }) : ''}${attrs({ CPU: v.cpu })}${disks}${attrs({ MEMORY: v.memMb })}${nics}${attrs({ TM_MAD_SYSTEM: 'shared', VMID: v.id })}</TEMPLATE>`
    + `<USER_TEMPLATE>${user}</USER_TEMPLATE><HISTORY_RECORDS>${hist}</HISTORY_RECORDS><BACKUPS><BACKUP_CONFIG/><BACKUP_IDS/></BACKUPS></VM>`;
}

function requirementsXml(vms: VmSpec[]): string {
  const ids = (xs: number[]): string => xs.map((x) => `<ID>${x}</ID>`).join('');
  return `<REQUIREMENTS>${vms.map((v) => `<VM><ID>${v.id}</ID><HOSTS>${ids(v.hosts)}</HOSTS>`
    + Object.entries(v.nicVnets ?? {}).map(([nic, vnets]) => `<NIC><ID>${nic}</ID><VNETS>${ids(vnets)}</VNETS></NIC>`).join('')
    + `<DATASTORES>${ids(v.datastores)}</DATASTORES></VM>`).join('')}</REQUIREMENTS>`;
}

export function requestXml(s: RequestSpec): string {
  const clusters = s.clusters ?? [0];
  return `<SCHEDULER_DRIVER_ACTION><VM_POOL>${s.vms.map(vmXml).join('')}</VM_POOL><HOST_POOL>${s.hosts.map(hostXml).join('')}</HOST_POOL>`
    + `<DATASTORE_POOL>${s.datastores.map(dsXml).join('')}</DATASTORE_POOL><VNET_POOL>${s.vnets.map(vnetXml).join('')}</VNET_POOL><VM_GROUP_POOL/>`
    + `<CLUSTER_POOL>${clusters.map((c) => `<CLUSTER><ID>${c}</ID><NAME>c${c}</NAME><HOSTS/><DATASTORES/><VNETS/><TEMPLATE>${s.oneDrs ? `<ONE_DRS>${attrs(s.oneDrs)}</ONE_DRS>` : ''}${attrs(CLUSTER_TEMPLATE)}</TEMPLATE></CLUSTER>`).join('')}</CLUSTER_POOL>`
    + `${requirementsXml(s.vms)}</SCHEDULER_DRIVER_ACTION>`;
}

/**
 * oned gives every cluster these two, empty until set (Cluster.cc); one_drs reads the cluster's
 * TEMPLATE and fails on one without them.
 */
const CLUSTER_TEMPLATE = { RESERVED_CPU: '', RESERVED_MEM: '' };

/** As OpenNebula's driver sends it: base64 on one line. */
export const encodeRequest = (xml: string): string => `${Buffer.from(xml).toString('base64')}\n`;

/** A large request for the benchmark: hosts with a mix of templates, pending VMs with a mix of requirements. */
export function largeRequest(nHosts: number, nVms: number): RequestSpec {
  const hosts: HostSpec[] = Array.from({ length: nHosts }, (_, id) => ({
    id, cpu: [800, 1600, 3200][id % 3], memMb: [16384, 32768, 65536][id % 3], cpuUsage: (id * 37) % 400, memUsageMb: (id * 53) % 8192,
    runningVms: id % 7, clusterId: id % 4, template: { HYPERVISOR: id % 5 === 0 ? 'xen' : 'kvm', RACK: `r${id % 8}` },
  }));
  const reqs = ['', 'HYPERVISOR = kvm', 'RACK = "r1*" | FREE_CPU > 1000', 'CLUSTER_ID != 2'];
  const allHosts = hosts.map((h) => h.id);
  const vms: VmSpec[] = Array.from({ length: nVms }, (_, k) => ({
    id: 1000 + k, cpu: [0.5, 1, 2, 4][k % 4], memMb: [512, 1024, 2048, 4096][k % 4], requirements: reqs[k % reqs.length],
    userPriority: k % 3, disks: [{ size: 1024, type: 'fs' }], nics: k % 2 ? [{ nicId: 0, auto: true }] : [],
    hosts: allHosts, datastores: [0, 1], nicVnets: (k % 2 ? { 0: [0, 1] } : {}) as Record<number, number[]>,
  }));
  return {
    hosts, vms, clusters: [0, 1, 2, 3],
    datastores: [{ id: 0, freeMb: 10_000_000, clusters: [0, 1, 2, 3] }, { id: 1, freeMb: 5_000_000, clusters: [0, 1, 2, 3] }],
    vnets: [{ id: 0, size: 100_000, used: 10, clusters: [0, 1, 2, 3] }, { id: 1, size: 100_000, used: 0, clusters: [0, 1, 2, 3] }],
  };
}
