/**
 * A SCHEDULER_DRIVER_ACTION document as the planner's input, read the way OpenNebula 7's rank
 * placer reads it (src/schedm_mad/remotes/rank/src/pool/*XML.cc):
 *  - VMs to place: PENDING, or RESCHED=1 and (POWEROFF, RUNNING or UNKNOWN); ordered by
 *    USER_TEMPLATE/USER_PRIORITY, then VM id;
 *  - a VM whose first history record's action is stop/undeploy is a resume;
 *  - requirements: USER_TEMPLATE/SCHED_REQUIREMENTS combined with TEMPLATE/AUTOMATIC_REQUIREMENTS,
 *    tested again on the hosts the REQUIREMENTS section lists (scanned, not parsed into a tree); datastores and networks are the
 *    ones it lists (oned already applied their requirements);
 *  - capacity: CPU×100 in single precision, MEMORY×1024 KB, both 0 when either is 0; system
 *    datastore need from volatile disks and SYSTEM-target clones, image datastore need from
 *    SELF-target clones;
 *  - hosts: HOST_SHARE MAX_* as sent (oned applied reserved capacity); CLUSTER_TEMPLATE as sent;
 *  - datastores: SHARED defaults to YES;
 *  - VM groups (VM_GROUP_POOL): affinity, anti-affinity and host rules as requirement text and
 *    leader capacity (vmGroups.ts, affinity.ts).
 */
import { parseXml, child, childrenNamed } from '../one/xml';
import { clusterFromXml, datastoreFromXml, hostFromXml, vnetFromXml } from '../one/parse';
import type { Datastore, Snapshot, XmlNode } from '../sched/snapshot';
import type { NicRequest, Policy, PlanInput, QueuedJob } from '../sched/contract';
import { readFloat, readInt, textAt } from '../sched/xmlPath';
import { combineRequirements } from '../sched/exprCache';
import { systemDsNeedMb } from '../sched/capacity';
import { applyVmGroups, type GroupedVm, type RoleVm } from './affinity';
import { PlacerInputError } from './errors';
import { readVmGroups } from './vmGroups';
import { scanRequirements, splitRequirements, type Prerequisites } from './requirements';

const STOP_ACTION = 9;
const UNDEPLOY_ACTION = 5;
const UNDEPLOY_HARD_ACTION = 6;

function section(root: XmlNode, name: string): XmlNode {
  const node = child(root, name);
  if (!node) throw new PlacerInputError(`Missing \`/SCHEDULER_DRIVER_ACTION/${name}\` section in scheduler input`);
  return node;
}

const isInt = (s: string | undefined): s is string => s !== undefined && /^\s*[+-]?\d+$/.test(s);

/** System and image datastore usage of a VM's disks (VirtualMachineXML::init_storage_usage). */
function storageUsage(template: XmlNode | undefined): { system: number; images: Record<number, number> } {
  let system = 0;
  const images: Record<number, number> = {};
  for (const disk of template ? childrenNamed(template, 'DISK') : []) {
    const sizeText = textAt(disk, 'SIZE');
    if (!isInt(sizeText)) continue;
    let size = Number(sizeText.trim());
    const snap = textAt(disk, 'DISK_SNAPSHOT_TOTAL_SIZE');
    if (isInt(snap)) size += Number(snap.trim());
    const type = (textAt(disk, 'TYPE') ?? '').toUpperCase();
    if (type === 'SWAP' || type === 'FS') {
      system += size;
      continue;
    }
    const ds = textAt(disk, 'DATASTORE_ID');
    if (!isInt(ds)) continue;
    const dsId = Number(ds.trim());
    images[dsId] ??= 0;
    const clone = textAt(disk, 'CLONE');
    if (clone === undefined) continue;
    const target = ((clone.toUpperCase() === 'YES' ? textAt(disk, 'CLONE_TARGET') : textAt(disk, 'LN_TARGET')) ?? '').toUpperCase();
    if (target === 'SELF') images[dsId] += size;
    else if (target === 'SYSTEM') system += size;
  }
  return { system, images };
}

function autoNics(template: XmlNode | undefined, prereq: Prerequisites | undefined): NicRequest[] {
  const nics: NicRequest[] = [];
  for (const nic of template ? childrenNamed(template, 'NIC') : []) {
    if ((textAt(nic, 'NETWORK_MODE') ?? '').toUpperCase() !== 'AUTO') continue;
    const nicId = readInt(textAt(nic, 'NIC_ID'), -1);
    const rank = textAt(nic, 'SCHED_RANK');
    nics.push({ nicId, auto: true, candidateVnetIds: prereq?.nics.get(nicId) ?? [], ...(rank !== undefined ? { schedRank: rank } : {}) });
  }
  return nics;
}

function isSchedulable(vm: XmlNode): boolean {
  const state = readInt(textAt(vm, 'STATE'), 0);
  const lcm = readInt(textAt(vm, 'LCM_STATE'), 0);
  const resched = readInt(textAt(vm, 'RESCHED'), 0) === 1;
  return state === 1 || ((state === 8 || lcm === 3 || lcm === 16) && resched);
}

/** CPU, MEMORY and disks as VirtualMachineXML reads them, before get_capacity's "no CPU or MEMORY, no need" rule. */
function rawCapacity(vm: XmlNode): { cpu: number; memoryMb: number; storage: ReturnType<typeof storageUsage> } {
  return { cpu: readFloat(textAt(vm, 'TEMPLATE/CPU'), 0), memoryMb: readInt(textAt(vm, 'TEMPLATE/MEMORY'), 0), storage: storageUsage(child(vm, 'TEMPLATE')) };
}

function jobFromVm(vm: XmlNode, prereq: Prerequisites | undefined, grouped?: GroupedVm): QueuedJob {
  const id = readInt(textAt(vm, 'ID'), -1);
  const template = child(vm, 'TEMPLATE');
  const raw = rawCapacity(vm);
  const user = textAt(vm, 'USER_TEMPLATE/SCHED_RANK') !== undefined ? 'SCHED_RANK' : 'RANK';
  const resched = readInt(textAt(vm, 'RESCHED'), 0) === 1;
  const action = readInt(textAt(vm, 'HISTORY_RECORDS/HISTORY/ACTION'), -1);
  const resume = action === STOP_ACTION || action === UNDEPLOY_ACTION || action === UNDEPLOY_HARD_ACTION;
  const hid = readInt(textAt(vm, 'HISTORY_RECORDS/HISTORY/HID'), -1);
  const dsid = readInt(textAt(vm, 'HISTORY_RECORDS/HISTORY/DS_ID'), -1);
  const storage = raw.storage;
  let [cpu, memoryMb, diskMb] = [raw.cpu, raw.memoryMb, storage.system];
  // A VM-group leader carries its affined VMs' capacity, a follower none (see affinity.ts).
  let systemDsMb: number | undefined;
  if (grouped?.touched) [cpu, memoryMb, systemDsMb] = [grouped.cpu, grouped.memoryMb, grouped.systemDsMb];
  // VirtualMachineXML::get_capacity: a VM without CPU or MEMORY asks for nothing.
  if (cpu === 0 || memoryMb === 0) [cpu, memoryMb, diskMb, systemDsMb] = [0, 0, 0, systemDsMb === undefined ? undefined : 0];
  const rank = textAt(vm, `USER_TEMPLATE/${user}`);
  const dsRank = textAt(vm, 'USER_TEMPLATE/SCHED_DS_RANK');
  return {
    id: String(id), vmId: id, class: 'prod', priority: readFloat(textAt(vm, 'USER_TEMPLATE/USER_PRIORITY'), 0), submittedAt: 0,
    cpu, vcpu: readInt(textAt(vm, 'TEMPLATE/VCPU'), 1), memoryMb, diskMb, imageDatastoreMb: storage.images,
    ...(systemDsMb !== undefined ? { systemDsMb } : {}),
    ...(grouped?.follows !== undefined ? { followsVmId: grouped.follows } : {}),
    // A VM group's terms extend the combined text, as VirtualMachineXML::add_requirements does.
    ...(grouped?.touched ? { requirements: grouped.requirements, automaticRequirements: '' } : baseRequirements(vm)),
    ...(rank !== undefined ? { rank } : {}),
    ...(dsRank !== undefined ? { dsRank } : {}),
    nics: autoNics(template, prereq),
    candidateHostIds: prereq?.hosts ?? [],
    candidateDatastoreIds: prereq?.datastores ?? [],
    ...(resched ? { migrateFrom: { hostId: hid, datastoreId: dsid } } : resume ? { preempted: { mode: 'stop' as const, hostId: hid } } : {}),
  };
}

const baseRequirements = (vm: XmlNode): { requirements: string; automaticRequirements: string } => ({
  requirements: textAt(vm, 'USER_TEMPLATE/SCHED_REQUIREMENTS') ?? '',
  automaticRequirements: textAt(vm, 'TEMPLATE/AUTOMATIC_REQUIREMENTS') ?? '',
});

/** Pending VMs' state after the request's VM groups applied their rules (Scheduler::do_vm_groups). */
function groupedVms(root: XmlNode, all: readonly XmlNode[], pendingVms: readonly XmlNode[], scale: number): Map<number, GroupedVm> | undefined {
  const groups = readVmGroups(root);
  if (groups.length === 0) return undefined;
  const pending = new Map<number, GroupedVm>();
  for (const vm of pendingVms) {
    const id = readInt(textAt(vm, 'ID'), -1);
    if (pending.has(id)) continue;
    const raw = rawCapacity(vm);
    const base = baseRequirements(vm);
    pending.set(id, {
      cpu: Math.fround(raw.cpu), memoryMb: raw.memoryMb, systemDsMb: systemDsNeedMb(raw.storage.system, raw.memoryMb, scale),
      requirements: combineRequirements(base.automaticRequirements, base.requirements), touched: false,
    });
  }
  // VirtualMachineRolePoolXML: the VMs of the request that belong to a role, running or not.
  const roleVms = new Map<number, RoleVm>();
  for (const vm of all) {
    const id = readInt(textAt(vm, 'ID'), -1);
    if (textAt(vm, 'TEMPLATE/VMGROUP/ROLE') === undefined || roleVms.has(id)) continue;
    roleVms.set(id, { active: readInt(textAt(vm, 'STATE'), 0) === 3, hostId: readInt(textAt(vm, 'HISTORY_RECORDS/HISTORY/HID'), -1) });
  }
  applyVmGroups(groups, pending, roleVms);
  return pending;
}

/** OpenNebula's placer defaults a datastore without TEMPLATE/SHARED to shared. */
function placerDatastore(node: XmlNode): Datastore {
  const ds = datastoreFromXml(node);
  return { ...ds, shared: (textAt(node, 'TEMPLATE/SHARED') ?? 'YES').toUpperCase() === 'YES' };
}

/** The request's pools as a Snapshot (no VMs) and its REQUIREMENTS section, read as the placer reads them. */
export function readRequest(xml: string): { readonly root: XmlNode; readonly snapshot: Snapshot; readonly prereqs: Map<number, Prerequisites> } {
  const { rest, section: requirements } = splitRequirements(xml);
  let root: XmlNode;
  try {
    root = parseXml(rest);
  } catch (error) {
    throw new PlacerInputError(`the request is not XML: ${(error as Error).message}`, { cause: error });
  }
  if (root.name !== 'SCHEDULER_DRIVER_ACTION') throw new PlacerInputError(`expected a SCHEDULER_DRIVER_ACTION document, got <${root.name}>`);
  section(root, 'REQUIREMENTS');
  const snapshot: Snapshot = {
    hosts: childrenNamed(section(root, 'HOST_POOL'), 'HOST').map((n) => hostFromXml(n)),
    clusters: childrenNamed(section(root, 'CLUSTER_POOL'), 'CLUSTER').map(clusterFromXml),
    datastores: childrenNamed(section(root, 'DATASTORE_POOL'), 'DATASTORE').map(placerDatastore),
    vnets: childrenNamed(section(root, 'VNET_POOL'), 'VNET').map(vnetFromXml),
    vms: [],
  };
  return { root, snapshot, prereqs: scanRequirements(requirements) };
}

/** The request's VM_POOL elements. */
export const requestVms = (root: XmlNode): XmlNode[] => childrenNamed(section(root, 'VM_POOL'), 'VM');

export function requestToPlanInput(xml: string, policy: Policy): PlanInput {
  const { root, snapshot, prereqs } = readRequest(xml);
  const all = requestVms(root);
  const vms = all.filter(isSchedulable);
  const grouped = groupedVms(root, all, vms, policy.memorySystemDsScale);
  const queue = vms.map((vm) => {
    const id = readInt(textAt(vm, 'ID'), -1);
    return jobFromVm(vm, prereqs.get(id), grouped?.get(id));
  });
  return { snapshot, queue, running: [], policy, now: 0 };
}
