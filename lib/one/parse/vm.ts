import { LCM_STATES, VM_STATES, type Vm, type VmDisk, type VmNic, type XmlNode } from '../../sched/snapshot';
import { child, childrenNamed } from '../xml';
import { expectRoot, maybeInt, optionalInt, requiredInt, stateName, templateNumber, text } from './fields';

/**
 * A VM element as a Vm: the full body of one.vm.info / one.vmpool.infoextended (vm.xsd) or
 * the short one of one.vmpool.info (vm_pool.xsd).
 */
export function vmFromXml(node: XmlNode): Vm {
  expectRoot(node, 'VM');
  const template = child(node, 'TEMPLATE');
  const userTemplate = child(node, 'USER_TEMPLATE');
  const placement = lastHistory(node);
  const jobId = userOrTemplate(userTemplate, template, 'SVMSCHED_JOB_ID');
  const reportedExitCode = exitCode(userTemplate);
  return {
    id: requiredInt(node, 'ID'),
    name: text(node, 'NAME'),
    uid: requiredInt(node, 'UID'),
    gid: requiredInt(node, 'GID'),
    state: stateName(node, 'STATE', VM_STATES),
    lcmState: stateName(node, 'LCM_STATE', LCM_STATES),
    ...placement,
    cpu: templateNumber(template, 'CPU'),
    // Without VCPU the hypervisor gives the VM one virtual CPU.
    vcpu: templateNumber(template, 'VCPU', 1),
    memoryMb: templateNumber(template, 'MEMORY'),
    disks: template === undefined ? [] : childrenNamed(template, 'DISK').map(diskFromXml),
    nics: template === undefined ? [] : childrenNamed(template, 'NIC').map(nicFromXml),
    schedRequirements: userOrTemplate(userTemplate, template, 'SCHED_REQUIREMENTS'),
    schedRank: userOrTemplate(userTemplate, template, 'SCHED_RANK'),
    schedDsRequirements: userOrTemplate(userTemplate, template, 'SCHED_DS_REQUIREMENTS'),
    schedDsRank: userOrTemplate(userTemplate, template, 'SCHED_DS_RANK'),
    automaticRequirements: text(template, 'AUTOMATIC_REQUIREMENTS'),
    automaticDsRequirements: text(template, 'AUTOMATIC_DS_REQUIREMENTS'),
    automaticNicRequirements: text(template, 'AUTOMATIC_NIC_REQUIREMENTS'),
    resched: optionalInt(node, 'RESCHED', 0) === 1,
    ...(jobId === '' ? {} : { jobId }),
    ...(reportedExitCode === undefined ? {} : { reportedExitCode }),
    stime: optionalInt(node, 'STIME', 0),
    etime: optionalInt(node, 'ETIME', 0),
    xml: node,
  };
}

/**
 * SVMSCHED_EXIT_CODE, which the start script writes through OneGate (`PUT /vm`) once the service
 * has ended. Only USER_TEMPLATE: that is where OneGate writes. Anything but a whole number
 * 0-255 (what a process can exit with; OneGate may keep blanks around it) is no report.
 */
function exitCode(userTemplate: XmlNode | undefined): number | undefined {
  const raw = userTemplate && child(userTemplate, 'SVMSCHED_EXIT_CODE')?.text.trim();
  if (raw === undefined || !/^\d{1,3}$/.test(raw)) return undefined;
  const code = Number(raw);
  return code <= 255 ? code : undefined;
}

/** Attributes a user sets live in USER_TEMPLATE; older VMs may carry them in TEMPLATE. */
function userOrTemplate(userTemplate: XmlNode | undefined, template: XmlNode | undefined, name: string): string {
  const fromUser = userTemplate && child(userTemplate, name);
  if (fromUser !== undefined) return fromUser.text;
  return text(template, name);
}

/** Host and system datastore of the last history record (the current placement). */
function lastHistory(node: XmlNode): Pick<Vm, 'hostId' | 'hostName' | 'datastoreId'> {
  const records = child(node, 'HISTORY_RECORDS');
  const history = records === undefined ? [] : childrenNamed(records, 'HISTORY');
  const last = history[history.length - 1];
  if (last === undefined) return {};
  return { hostId: requiredInt(last, 'HID'), hostName: text(last, 'HOSTNAME'), datastoreId: requiredInt(last, 'DS_ID') };
}

function diskFromXml(disk: XmlNode, index: number): VmDisk {
  const imageId = maybeInt(disk, 'IMAGE_ID');
  const datastoreId = maybeInt(disk, 'DATASTORE_ID');
  return {
    diskId: optionalInt(disk, 'DISK_ID', index),
    ...(imageId === undefined ? {} : { imageId }),
    ...(datastoreId === undefined ? {} : { datastoreId }),
    sizeMb: templateNumber(disk, 'SIZE'),
    clone: inSystemDatastore(disk),
  };
}

/**
 * Whether the disk's space is taken from the system datastore, as oned decides it
 * (VirtualMachineDisk::system_ds_size): volatile disks, and image disks whose transfer
 * target (CLONE_TARGET when CLONE=YES, else LN_TARGET) is SYSTEM.
 */
function inSystemDatastore(disk: XmlNode): boolean {
  const type = text(disk, 'TYPE').toUpperCase();
  if (type === 'FS' || type === 'SWAP') return true;
  const clone = text(disk, 'CLONE').toUpperCase();
  if (clone === '') return false;
  const target = clone === 'YES' ? text(disk, 'CLONE_TARGET') : text(disk, 'LN_TARGET');
  return target.toUpperCase() === 'SYSTEM';
}

function nicFromXml(nic: XmlNode, index: number): VmNic {
  const networkId = maybeInt(nic, 'NETWORK_ID');
  const network = child(nic, 'NETWORK');
  return {
    nicId: optionalInt(nic, 'NIC_ID', index),
    ...(networkId === undefined ? {} : { networkId }),
    ...(network === undefined ? {} : { network: network.text }),
    auto: text(nic, 'NETWORK_MODE').trim().toLowerCase() === 'auto',
    schedRequirements: text(nic, 'SCHED_REQUIREMENTS'),
    schedRank: text(nic, 'SCHED_RANK'),
    ...(text(nic, 'IP').trim() ? { ip: text(nic, 'IP').trim() } : {}),
  };
}
