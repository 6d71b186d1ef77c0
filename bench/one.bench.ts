/**
 * Reading the cloud from OpenNebula at the size of one large oned (its guide's recommended
 * maximum: 2,500 hosts, 10,000 VMs): XML parsing and mapping of XSD-shaped pools, then the
 * whole client path (HTTP, XML-RPC decoding, parsing, mapping) of snapshot() against a local
 * server answering those pools. Run: npx tsx bench/one.bench.ts
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { spawn } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { XmlRpcOneClient } from '../lib/one/client';
import { hostPoolFromXml, vmPoolFromXml } from '../lib/one/parse';
import { escapeXml, parseXml } from '../lib/one/xml';

export const HOSTS = 2_500;
export const VMS = 10_000;
const RUNS = 5;

/** Deterministic pseudo-random numbers, so every run reads the same documents. */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const cdata = (name: string, value: string | number): string => `<${name}><![CDATA[${value}]]></${name}>`;
const PERMISSIONS = '<PERMISSIONS><OWNER_U>1</OWNER_U><OWNER_M>1</OWNER_M><OWNER_A>0</OWNER_A><GROUP_U>0</GROUP_U><GROUP_M>0</GROUP_M><GROUP_A>0</GROUP_A><OTHER_U>0</OTHER_U><OTHER_M>0</OTHER_M><OTHER_A>0</OTHER_A></PERMISSIONS>';

/** A HOST as oned 6/7 reports a monitored KVM node: NUMA cores, PCI devices, probe attributes. */
export function hostXml(id: number, random: () => number): string {
  const cores = [16, 32, 64][id % 3]!;
  const cpu = cores * 100;
  const mem = cores * 4 * 1048576;
  const usedCpu = Math.floor(random() * cpu);
  const usedMem = Math.floor(random() * mem);
  const cluster = 100 + (id % 4);
  const coreXml = Array.from({ length: cores }, (_, c) => `<CORE><CPUS><![CDATA[${c}:-1]]></CPUS><DEDICATED><![CDATA[NO]]></DEDICATED><FREE>1</FREE><ID>${c}</ID></CORE>`).join('');
  const pci = id % 10 === 0
    ? `<PCI><ADDRESS>0000:3b:00:0</ADDRESS><BUS>3b</BUS><CLASS>0302</CLASS><CLASS_NAME>3D controller</CLASS_NAME><DEVICE>20b0</DEVICE><DEVICE_NAME>NVIDIA A100</DEVICE_NAME><DOMAIN>0000</DOMAIN><FUNCTION>0</FUNCTION><IFNAME>-</IFNAME><NUMA_NODE>0</NUMA_NODE><SHORT_ADDRESS>3b:00.0</SHORT_ADDRESS><SLOT>00</SLOT><SRIOV>NO</SRIOV><TYPE>10de:20b0:0302</TYPE><VENDOR>10de</VENDOR><VENDOR_NAME>NVIDIA Corporation</VENDOR_NAME><VMID>-1</VMID></PCI>`
    : '';
  const vms = Array.from({ length: 4 }, (_, k) => `<ID>${id * 4 + k}</ID>`).join('');
  return `<HOST><ID>${id}</ID><NAME>node-${id}.example.org</NAME><STATE>2</STATE><PREV_STATE>2</PREV_STATE>${cdata('IM_MAD', 'kvm')}${cdata('VM_MAD', 'kvm')}`
    + `<CLUSTER_ID>${cluster}</CLUSTER_ID><CLUSTER>cluster-${cluster}</CLUSTER>`
    + `<HOST_SHARE><MEM_USAGE>${usedMem}</MEM_USAGE><CPU_USAGE>${usedCpu}</CPU_USAGE><TOTAL_MEM>${mem}</TOTAL_MEM><TOTAL_CPU>${cpu}</TOTAL_CPU><MAX_MEM>${mem}</MAX_MEM><MAX_CPU>${cpu}</MAX_CPU><RUNNING_VMS>4</RUNNING_VMS><VMS_THREAD>1</VMS_THREAD>`
    + `<DATASTORES><DISK_USAGE>0</DISK_USAGE><DS><FREE_MB>812345</FREE_MB><ID>0</ID><TOTAL_MB>1048576</TOTAL_MB><USED_MB>236231</USED_MB></DS><FREE_DISK>812345</FREE_DISK><MAX_DISK>1048576</MAX_DISK><USED_DISK>236231</USED_DISK></DATASTORES>`
    + `<PCI_DEVICES>${pci}</PCI_DEVICES><NUMA_NODES><NODE>${coreXml}<MEMORY><DISTANCE><![CDATA[0]]></DISTANCE><TOTAL>${mem}</TOTAL><USAGE>${usedMem}</USAGE></MEMORY><NODE_ID>0</NODE_ID></NODE></NUMA_NODES></HOST_SHARE>`
    + `<VMS>${vms}</VMS><TEMPLATE>${cdata('ARCH', 'x86_64')}${cdata('CGROUPS_VERSION', '2')}${cdata('CPUSPEED', 2600 + (id % 7) * 100)}${cdata('HOSTNAME', `node-${id}.example.org`)}`
    + `${cdata('HYPERVISOR', 'kvm')}${cdata('IM_MAD', 'kvm')}${cdata('KVM_CPU_MODEL', 'host-passthrough')}${cdata('KVM_MACHINES', 'pc-i440fx-8.2 pc q35 pc-q35-8.2')}`
    + `${cdata('MODELNAME', 'Intel(R) Xeon(R) Gold 6338 CPU @ 2.00GHz')}${cdata('PRIORITY', id % 10)}${cdata('RESERVED_CPU', id % 5 === 0 ? '10%' : '')}${cdata('RESERVED_MEM', id % 7 === 0 ? '-2097152' : '')}`
    + `${cdata('VERSION', '7.0.0')}${cdata('VM_MAD', 'kvm')}${cdata('RACK', `r${id % 40}`)}</TEMPLATE>`
    + `<MONITORING><TIMESTAMP>1766400000</TIMESTAMP><ID>${id}</ID><CAPACITY><FREE_CPU>${cpu - usedCpu}</FREE_CPU><FREE_MEMORY>${mem - usedMem}</FREE_MEMORY><USED_CPU>${usedCpu}</USED_CPU><USED_MEMORY>${usedMem}</USED_MEMORY></CAPACITY>`
    + `<SYSTEM><NETRX>${Math.floor(random() * 1e12)}</NETRX><NETTX>${Math.floor(random() * 1e12)}</NETTX></SYSTEM></MONITORING></HOST>`;
}

/** A VM as one.vmpool.infoextended returns it: full TEMPLATE, USER_TEMPLATE, history. */
export function vmXml(id: number, hosts: number, random: () => number): string {
  const pending = id % 10 === 0;
  const host = Math.floor(random() * hosts);
  const cpu = [0.5, 1, 2, 4][id % 4]!;
  const memory = [512, 1024, 2048, 8192][id % 4]!;
  const stime = 1766000000 + id;
  const history = pending
    ? ''
    : `<HISTORY><OID>${id}</OID><SEQ>0</SEQ><HOSTNAME>node-${host}.example.org</HOSTNAME><HID>${host}</HID><CID>${100 + (host % 4)}</CID><STIME>${stime + 5}</STIME><ETIME>0</ETIME>${cdata('VM_MAD', 'kvm')}${cdata('TM_MAD', 'shared')}`
      + `<DS_ID>0</DS_ID><PLAN_ID>-1</PLAN_ID><ACTION_ID>-1</ACTION_ID><PSTIME>${stime + 5}</PSTIME><PETIME>${stime + 9}</PETIME><RSTIME>${stime + 9}</RSTIME><RETIME>0</RETIME><ESTIME>0</ESTIME><EETIME>0</EETIME><ACTION>0</ACTION><UID>2</UID><GID>1</GID><REQUEST_ID>-1</REQUEST_ID></HISTORY>`;
  const monitoring = pending
    ? '<MONITORING/>'
    : `<MONITORING><CPU>${(random() * 100).toFixed(2)}</CPU><DISKRDBYTES>${Math.floor(random() * 1e9)}</DISKRDBYTES><DISKRDIOPS>${Math.floor(random() * 1e6)}</DISKRDIOPS><DISKWRBYTES>${Math.floor(random() * 1e9)}</DISKWRBYTES><DISKWRIOPS>${Math.floor(random() * 1e6)}</DISKWRIOPS>`
      + `<ID>${id}</ID><MEMORY>${memory * 1024}</MEMORY><NETRX>${Math.floor(random() * 1e9)}</NETRX><NETTX>${Math.floor(random() * 1e9)}</NETTX><TIMESTAMP>1766400000</TIMESTAMP></MONITORING>`;
  const template = cdata('AUTOMATIC_DS_REQUIREMENTS', '("CLUSTERS/ID" @> 100)') + cdata('AUTOMATIC_NIC_REQUIREMENTS', '("CLUSTERS/ID" @> 100)')
    + cdata('AUTOMATIC_REQUIREMENTS', '(CLUSTER_ID = 100) & !(PUBLIC_CLOUD = YES) & !(PIN_POLICY = PINNED)')
    + `<CONTEXT>${cdata('DISK_ID', 1)}${cdata('ETH0_IP', `10.${(id >> 16) & 255}.${(id >> 8) & 255}.${id & 255}`)}${cdata('ETH0_MAC', '02:00:0a:00:00:01')}${cdata('NETWORK', 'YES')}`
    + `${cdata('SSH_PUBLIC_KEY', 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl svmsched')}${cdata('START_SCRIPT_BASE64', 'IyEvYmluL3NoCmV4ZWMgL29wdC9zdmMvcnVuICIkQCIK')}`
    + `${cdata('SVMSCHED_ARGS', 'LS1pbnB1dCAvZGF0YS9yZXBvc2l0b3J5L2ZpbGUuZGF0')}${cdata('TARGET', 'hda')}</CONTEXT>`
    + cdata('CPU', cpu)
    + `<DISK>${cdata('ALLOW_ORPHANS', 'FORMAT')}${cdata('CLONE', 'YES')}${cdata('CLONE_TARGET', 'SYSTEM')}${cdata('CLUSTER_ID', '100')}${cdata('DATASTORE', 'default')}${cdata('DATASTORE_ID', 1)}`
    + `${cdata('DEV_PREFIX', 'vd')}${cdata('DISK_ID', 0)}${cdata('DISK_SNAPSHOT_TOTAL_SIZE', 0)}${cdata('DISK_TYPE', 'FILE')}${cdata('DRIVER', 'qcow2')}${cdata('FORMAT', 'qcow2')}`
    + `${cdata('IMAGE', 'ubuntu-24.04')}${cdata('IMAGE_ID', 3)}${cdata('IMAGE_STATE', 2)}${cdata('LN_TARGET', 'NONE')}${cdata('ORIGINAL_SIZE', 2252)}${cdata('READONLY', 'NO')}`
    + `${cdata('SAVE', 'NO')}${cdata('SIZE', 2252)}${cdata('SOURCE', '/var/lib/one//datastores/1/8c4b1e3f2a')}${cdata('TARGET', 'vda')}${cdata('TM_MAD', 'shared')}${cdata('TYPE', 'FILE')}</DISK>`
    + `<GRAPHICS>${cdata('LISTEN', '0.0.0.0')}${cdata('PORT', 5900 + id)}${cdata('TYPE', 'VNC')}</GRAPHICS>`
    + cdata('MEMORY', memory)
    + `<NIC>${cdata('AR_ID', 0)}${cdata('BRIDGE', 'br0')}${cdata('BRIDGE_TYPE', 'linux')}${cdata('CLUSTER_ID', '100')}${cdata('IP', `10.0.${(id >> 8) & 255}.${id & 255}`)}`
    + `${cdata('MAC', '02:00:0a:00:00:01')}${cdata('MODEL', 'virtio')}${cdata('NAME', 'NIC0')}${cdata('NETWORK', 'public')}${cdata('NETWORK_ID', 0)}${cdata('NIC_ID', 0)}`
    + `${cdata('SECURITY_GROUPS', '0')}${cdata('TARGET', `one-${id}-0`)}${cdata('VN_MAD', 'bridge')}</NIC>`
    + `<OS>${cdata('ARCH', 'x86_64')}${cdata('UUID', `7d1c2f4e-0000-4000-8000-${String(id).padStart(12, '0')}`)}</OS>`
    + cdata('TEMPLATE_ID', 0) + cdata('TM_MAD_SYSTEM', 'shared') + cdata('VCPU', Math.ceil(cpu)) + cdata('VMID', id);
  const user = cdata('SCHED_RANK', 'FREE_CPU') + cdata('SCHED_REQUIREMENTS', 'HYPERVISOR = "kvm" & CPUSPEED > 2000')
    + cdata('SVMSCHED_CLASS', id % 3 === 0 ? 'prod' : 'beff') + cdata('SVMSCHED_JOB_ID', `job-${String(id).padStart(8, '0')}`) + cdata('SVMSCHED_SERVICE', 'example-service1');
  return `<VM><ID>${id}</ID><UID>2</UID><GID>1</GID><UNAME>svmsched</UNAME><GNAME>users</GNAME><NAME>svmsched-job-${id}</NAME>${PERMISSIONS}<LAST_POLL>0</LAST_POLL>`
    + `<STATE>${pending ? 1 : 3}</STATE><LCM_STATE>${pending ? 0 : 3}</LCM_STATE><PREV_STATE>${pending ? 1 : 3}</PREV_STATE><PREV_LCM_STATE>${pending ? 0 : 3}</PREV_LCM_STATE>`
    + `<RESCHED>0</RESCHED><STIME>${stime}</STIME><ETIME>0</ETIME><DEPLOY_ID>${pending ? '' : `one-${id}`}</DEPLOY_ID>${monitoring}<SCHED_ACTIONS/>`
    + `<TEMPLATE>${template}</TEMPLATE><USER_TEMPLATE>${user}</USER_TEMPLATE><HISTORY_RECORDS>${history}</HISTORY_RECORDS>`
    + '<BACKUPS><BACKUP_CONFIG/><BACKUP_IDS/></BACKUPS></VM>';
}

export function hostPoolXml(hosts: number): string {
  const random = lcg(1);
  const parts = ['<HOST_POOL>'];
  for (let id = 0; id < hosts; id++) parts.push(hostXml(id, random));
  parts.push('</HOST_POOL>');
  return parts.join('');
}

export function vmPoolXml(vms: number, hosts: number): string {
  const random = lcg(2);
  const parts = ['<VM_POOL>'];
  for (let id = 0; id < vms; id++) parts.push(vmXml(id, hosts, random));
  parts.push('</VM_POOL>');
  return parts.join('');
}

function smallPools(): Record<string, string> {
  const ids = (xs: number[]): string => xs.map((x) => `<ID>${x}</ID>`).join('');
  const clusters = [100, 101, 102, 103].map((c) => `<CLUSTER><ID>${c}</ID><NAME>cluster-${c}</NAME><HOSTS/><DATASTORES>${ids([0, 1])}</DATASTORES><VNETS>${ids([0])}</VNETS><TEMPLATE>${cdata('QOS', 'GOLD')}</TEMPLATE></CLUSTER>`);
  const datastore = (id: number, type: number): string => `<DATASTORE><ID>${id}</ID><UID>0</UID><GID>0</GID><UNAME>oneadmin</UNAME><GNAME>oneadmin</GNAME><NAME>ds${id}</NAME>${PERMISSIONS}`
    + `${cdata('DS_MAD', 'fs')}${cdata('TM_MAD', 'shared')}${cdata('BASE_PATH', `/var/lib/one/datastores/${id}`)}<TYPE>${type}</TYPE><DISK_TYPE>0</DISK_TYPE><STATE>0</STATE>`
    + `<CLUSTERS>${ids([100, 101, 102, 103])}</CLUSTERS><TOTAL_MB>10485760</TOTAL_MB><FREE_MB>8000000</FREE_MB><USED_MB>2485760</USED_MB><IMAGES/><TEMPLATE>${cdata('SHARED', 'YES')}</TEMPLATE></DATASTORE>`;
  const vnet = `<VNET><ID>0</ID><UID>0</UID><GID>0</GID><UNAME>oneadmin</UNAME><GNAME>oneadmin</GNAME><NAME>public</NAME>${PERMISSIONS}<CLUSTERS>${ids([100, 101, 102, 103])}</CLUSTERS>`
    + '<BRIDGE>br0</BRIDGE><STATE>1</STATE><PREV_STATE>0</PREV_STATE><PARENT_NETWORK_ID/><TEMPLATE_ID>-1</TEMPLATE_ID><VN_MAD>bridge</VN_MAD><PHYDEV/><VLAN_ID_AUTOMATIC>0</VLAN_ID_AUTOMATIC>'
    + `<OUTER_VLAN_ID_AUTOMATIC>0</OUTER_VLAN_ID_AUTOMATIC><USED_LEASES>9000</USED_LEASES><VROUTERS/><UPDATED_VMS/><OUTDATED_VMS/><UPDATING_VMS/><ERROR_VMS/><TEMPLATE/>`
    + `<AR_POOL><AR><AR_ID>0</AR_ID><IP>10.0.0.1</IP><MAC>02:00:0a:00:00:01</MAC><NEXT_INDEX>9000</NEXT_INDEX><SIZE>65000</SIZE><TYPE>IP4</TYPE></AR></AR_POOL></VNET>`;
  return {
    'one.clusterpool.info': `<CLUSTER_POOL>${clusters.join('')}</CLUSTER_POOL>`,
    'one.datastorepool.info': `<DATASTORE_POOL>${datastore(0, 1)}${datastore(1, 0)}</DATASTORE_POOL>`,
    'one.vnpool.info': `<VNET_POOL>${vnet}</VNET_POOL>`,
  };
}

/** A local XML-RPC endpoint answering the pools a snapshot reads, as oned would. */
async function servePools(pools: Record<string, string>): Promise<{ url: string; close(): Promise<void> }> {
  const answers = new Map(Object.entries(pools).map(([method, xml]) => [method,
    `<?xml version="1.0"?><methodResponse><params><param><value><array><data><value><boolean>1</boolean></value><value><string>${escapeXml(xml)}</string></value><value><i4>0</i4></value></data></array></value></param></params></methodResponse>`]));
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const method = /<methodName>([^<]+)<\/methodName>/.exec(Buffer.concat(chunks).toString())?.[1] ?? '';
      res.writeHead(200, { 'Content-Type': 'text/xml' });
      res.end(answers.get(method) ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/RPC2`,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const mb = (bytes: number): number => Math.round(bytes / 1048576);
const peakRssMb = (): number => Math.round(process.resourceUsage().maxRSS / 1024);

export interface OneBenchRow {
  readonly what: string;
  readonly objects: number;
  readonly xmlMb: number;
  readonly parseMs: number;
  readonly mapMs: number;
  readonly totalMs: number;
  readonly heapMb: number;
  readonly peakRssMb: number;
}

function measurePool(what: string, xml: string): OneBenchRow {
  const parseTimes: number[] = [];
  const mapTimes: number[] = [];
  let objects = 0;
  let heap = 0;
  for (let run = 0; run < RUNS; run++) {
    global.gc?.();
    const before = process.memoryUsage().heapUsed;
    const t0 = performance.now();
    const root = parseXml(xml);
    const t1 = performance.now();
    objects = mapRoot(root);
    const t2 = performance.now();
    heap = Math.max(heap, process.memoryUsage().heapUsed - before);
    parseTimes.push(t1 - t0);
    mapTimes.push(t2 - t1);
  }
  const parseMs = Math.round(median(parseTimes));
  const mapMs = Math.round(median(mapTimes));
  return { what, objects, xmlMb: Math.round(Buffer.byteLength(xml) / 104857.6) / 10, parseMs, mapMs, totalMs: parseMs + mapMs, heapMb: mb(heap), peakRssMb: peakRssMb() };
}

function mapRoot(root: ReturnType<typeof parseXml>): number {
  return root.name === 'HOST_POOL' ? hostPoolFromXml(root).length : vmPoolFromXml(root).length;
}

/** Child process side: snapshot() three times against `url`, one JSON line with the median and the peak RSS. */
async function clientSide(url: string): Promise<void> {
  const client = new XmlRpcOneClient({ endpoint: url, session: 'oneadmin:opennebula', timeoutMs: 120_000 });
  const times: number[] = [];
  let objects = 0;
  for (let run = 0; run < 3; run++) {
    global.gc?.();
    const t0 = performance.now();
    const snapshot = await client.snapshot();
    times.push(performance.now() - t0);
    objects = snapshot.hosts.length + snapshot.vms.length;
  }
  client.close();
  console.log(JSON.stringify({ ms: Math.round(median(times)), objects, peakRssMb: peakRssMb() }));
}

/** The whole client path, in its own process so that its peak memory is its own (the server stays here). */
async function measureSnapshot(hostXmlText: string, vmXmlText: string): Promise<OneBenchRow> {
  const server = await servePools({ ...smallPools(), 'one.hostpool.info': hostXmlText, 'one.vmpool.infoextended': vmXmlText });
  try {
    const child = spawn(process.execPath, [...process.execArgv, '--expose-gc', fileURLToPath(import.meta.url), '--client', server.url], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => { out += chunk.toString(); });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    if (code !== 0) throw new Error(`client process exited with ${code}`);
    const result = JSON.parse(out.trim().split('\n').pop()!) as { ms: number; objects: number; peakRssMb: number };
    const xmlMb = Math.round((Buffer.byteLength(hostXmlText) + Buffer.byteLength(vmXmlText)) / 104857.6) / 10;
    return { what: 'client.snapshot() over HTTP', objects: result.objects, xmlMb, parseMs: NaN, mapMs: NaN, totalMs: result.ms, heapMb: NaN, peakRssMb: result.peakRssMb };
  } finally {
    await server.close();
  }
}

export async function run(): Promise<void> {
  const hostXmlText = hostPoolXml(HOSTS);
  const vmXmlText = vmPoolXml(VMS, HOSTS);
  const rows = [
    measurePool(`HOST_POOL (${HOSTS} hosts)`, hostXmlText),
    measurePool(`VM_POOL extended (${VMS} VMs)`, vmXmlText),
    await measureSnapshot(hostXmlText, vmXmlText),
  ];
  console.log(`OpenNebula client: parse + map (median of ${RUNS}); snapshot() over HTTP in its own process (median of 3)`);
  console.table(rows.map((r) => ({
    what: r.what, objects: r.objects, 'XML MB': r.xmlMb,
    'parse ms': Number.isNaN(r.parseMs) ? '-' : r.parseMs, 'map ms': Number.isNaN(r.mapMs) ? '-' : r.mapMs,
    'total ms': r.totalMs, 'heap MB': Number.isNaN(r.heapMb) ? '-' : r.heapMb, 'peak rss MB': r.peakRssMb,
  })));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const client = process.argv.indexOf('--client');
  if (client > 0) await clientSide(process.argv[client + 1]!);
  else await run();
}
