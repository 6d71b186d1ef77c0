/**
 * The cloud as OpenNebula reports it: the domain objects every layer shares.
 * lib/one builds them from XML-RPC answers, the placer builds them from a
 * SCHEDULER_DRIVER_ACTION document, the simulator serves them, lib/sched reads them.
 * Pure data: no methods, no I/O.
 */

/**
 * One XML element kept in document order. OpenNebula evaluates requirement and rank
 * attributes as XPath unions over the object's XML, where the first match in document
 * order wins, so the planner needs the element tree, not only typed fields.
 */
export interface XmlNode {
  readonly name: string;
  /** Text content (concatenated text and CDATA), exactly as sent: never trimmed or converted. */
  readonly text: string;
  readonly children: readonly XmlNode[];
  /**
   * For an element with children and text beside them (a pretty-printed document's
   * indentation, mixed content): the text before each child and after the last
   * (children.length + 1 pieces), so its value can be read in document order as OpenNebula
   * reads it. Absent when there is no such text.
   */
  readonly runs?: readonly string[];
}

/** OpenNebula host states (include/Host.h, HostState). */
export const HOST_STATES = [
  'INIT', 'MONITORING_MONITORED', 'MONITORED', 'ERROR', 'DISABLED',
  'MONITORING_ERROR', 'MONITORING_INIT', 'MONITORING_DISABLED', 'OFFLINE',
] as const;
export type HostStateName = (typeof HOST_STATES)[number];

/** Hosts the placer schedules on (HostPoolXML: STATE 1 or 2). */
export const SCHEDULABLE: ReadonlySet<HostStateName> = new Set<HostStateName>(['MONITORING_MONITORED', 'MONITORED']);

/** OpenNebula VM states (include/VirtualMachine.h, VmState); index = STATE number. 7 is unused. */
export const VM_STATES = [
  'INIT', 'PENDING', 'HOLD', 'ACTIVE', 'STOPPED', 'SUSPENDED', 'DONE', 'FAILED',
  'POWEROFF', 'UNDEPLOYED', 'CLONING', 'CLONING_FAILURE',
] as const;
export type VmStateName = (typeof VM_STATES)[number];

/** OpenNebula LCM states (include/VirtualMachine.h, LcmState); index = LCM_STATE number. */
export const LCM_STATES = [
  'LCM_INIT', 'PROLOG', 'BOOT', 'RUNNING', 'MIGRATE', 'SAVE_STOP', 'SAVE_SUSPEND',
  'SAVE_MIGRATE', 'PROLOG_MIGRATE', 'PROLOG_RESUME', 'EPILOG_STOP', 'EPILOG',
  'SHUTDOWN', 'CANCEL', 'FAILURE', 'CLEANUP_RESUBMIT', 'UNKNOWN', 'HOTPLUG',
  'SHUTDOWN_POWEROFF', 'BOOT_UNKNOWN', 'BOOT_POWEROFF', 'BOOT_SUSPENDED', 'BOOT_STOPPED',
  'CLEANUP_DELETE', 'HOTPLUG_SNAPSHOT', 'HOTPLUG_NIC', 'HOTPLUG_SAVEAS',
  'HOTPLUG_SAVEAS_POWEROFF', 'HOTPLUG_SAVEAS_SUSPENDED', 'SHUTDOWN_UNDEPLOY',
  'EPILOG_UNDEPLOY', 'PROLOG_UNDEPLOY', 'BOOT_UNDEPLOY', 'HOTPLUG_PROLOG_POWEROFF',
  'HOTPLUG_EPILOG_POWEROFF', 'BOOT_MIGRATE', 'BOOT_FAILURE', 'BOOT_MIGRATE_FAILURE',
  'PROLOG_MIGRATE_FAILURE', 'PROLOG_FAILURE', 'EPILOG_FAILURE', 'EPILOG_STOP_FAILURE',
  'EPILOG_UNDEPLOY_FAILURE', 'PROLOG_MIGRATE_POWEROFF', 'PROLOG_MIGRATE_POWEROFF_FAILURE',
  'PROLOG_MIGRATE_SUSPEND', 'PROLOG_MIGRATE_SUSPEND_FAILURE', 'BOOT_UNDEPLOY_FAILURE',
  'BOOT_STOPPED_FAILURE', 'PROLOG_RESUME_FAILURE', 'PROLOG_UNDEPLOY_FAILURE',
  'DISK_SNAPSHOT_POWEROFF', 'DISK_SNAPSHOT_REVERT_POWEROFF', 'DISK_SNAPSHOT_DELETE_POWEROFF',
  'DISK_SNAPSHOT_SUSPENDED', 'DISK_SNAPSHOT_REVERT_SUSPENDED', 'DISK_SNAPSHOT_DELETE_SUSPENDED',
  'DISK_SNAPSHOT', 'DISK_SNAPSHOT_REVERT', 'DISK_SNAPSHOT_DELETE', 'PROLOG_MIGRATE_UNKNOWN',
  'PROLOG_MIGRATE_UNKNOWN_FAILURE', 'DISK_RESIZE', 'DISK_RESIZE_POWEROFF',
  'DISK_RESIZE_UNDEPLOYED', 'HOTPLUG_NIC_POWEROFF', 'HOTPLUG_RESIZE', 'HOTPLUG_SAVEAS_UNDEPLOYED',
  'HOTPLUG_SAVEAS_STOPPED', 'BACKUP', 'BACKUP_POWEROFF', 'RESTORE', 'HOTPLUG_PCI', 'HOTPLUG_PCI_POWEROFF',
] as const;
export type LcmStateName = (typeof LCM_STATES)[number];

/** A host's HOST_SHARE, in OpenNebula's units: CPU in percent of a core (100 = 1 CPU), memory in KB. */
export interface HostShare {
  readonly totalCpu: number;
  readonly totalMem: number;
  readonly maxCpu: number;
  readonly maxMem: number;
  readonly cpuUsage: number;
  readonly memUsage: number;
  readonly runningVms: number;
  readonly freeCpu: number;
  readonly freeMem: number;
}

export interface Host {
  readonly id: number;
  readonly name: string;
  readonly state: HostStateName;
  readonly clusterId: number;
  readonly clusterName: string;
  readonly imMad: string;
  readonly vmMad: string;
  readonly share: HostShare;
  /** Raw RESERVED_CPU / RESERVED_MEM of the host template ("" when unset): absolute or "N%". */
  readonly reservedCpu: string;
  readonly reservedMem: string;
  /** IDs of the VMs OpenNebula accounts on this host (HOST/VMS/ID). */
  readonly vmIds: readonly number[];
  /** The HOST element. When the cluster is known, a CLUSTER_TEMPLATE child holds its TEMPLATE (as in a SCHEDULER_DRIVER_ACTION). */
  readonly xml: XmlNode;
}

export interface Cluster {
  readonly id: number;
  readonly name: string;
  readonly hostIds: readonly number[];
  readonly datastoreIds: readonly number[];
  readonly vnetIds: readonly number[];
  /** Raw RESERVED_CPU / RESERVED_MEM of the cluster template ("" when unset). */
  readonly reservedCpu: string;
  readonly reservedMem: string;
  readonly xml: XmlNode;
}

export type DatastoreType = 'IMAGE' | 'SYSTEM' | 'FILE' | 'BACKUP';

export interface Datastore {
  readonly id: number;
  readonly name: string;
  readonly type: DatastoreType;
  readonly clusterIds: readonly number[];
  /** MB, as OpenNebula reports TOTAL_MB / FREE_MB / USED_MB. */
  readonly totalMb: number;
  readonly freeMb: number;
  readonly usedMb: number;
  /** "YES" when the datastore is shared (TEMPLATE/SHARED). */
  readonly shared: boolean;
  readonly xml: XmlNode;
}

export interface Vnet {
  readonly id: number;
  readonly name: string;
  readonly clusterIds: readonly number[];
  /** Total addresses over all address ranges, and those leased. */
  readonly size: number;
  readonly usedLeases: number;
  readonly xml: XmlNode;
}

export interface VmNic {
  readonly nicId: number;
  readonly networkId?: number;
  readonly network?: string;
  /** NETWORK_MODE="auto": the scheduler picks the network. */
  readonly auto: boolean;
  readonly schedRequirements: string;
  readonly schedRank: string;
  /** The IPv4 address leased to it (NIC/IP), once OpenNebula gave one. */
  readonly ip?: string;
}

export interface VmDisk {
  readonly diskId: number;
  readonly imageId?: number;
  readonly datastoreId?: number;
  readonly sizeMb: number;
  /** Cloned into the system datastore (counts against its free space). */
  readonly clone: boolean;
}

export interface Vm {
  readonly id: number;
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
  readonly state: VmStateName;
  readonly lcmState: LcmStateName;
  /** Host and system datastore of the last history record, if the VM was ever placed. */
  readonly hostId?: number;
  readonly hostName?: string;
  readonly datastoreId?: number;
  /** TEMPLATE/CPU (fractional CPUs), TEMPLATE/VCPU, TEMPLATE/MEMORY (MB). */
  readonly cpu: number;
  readonly vcpu: number;
  readonly memoryMb: number;
  readonly disks: readonly VmDisk[];
  readonly nics: readonly VmNic[];
  /** SCHED_REQUIREMENTS, SCHED_RANK, SCHED_DS_REQUIREMENTS, SCHED_DS_RANK (USER_TEMPLATE wins over TEMPLATE); "" when unset. */
  readonly schedRequirements: string;
  readonly schedRank: string;
  readonly schedDsRequirements: string;
  readonly schedDsRank: string;
  /** TEMPLATE/AUTOMATIC_REQUIREMENTS, TEMPLATE/AUTOMATIC_DS_REQUIREMENTS, TEMPLATE/AUTOMATIC_NIC_REQUIREMENTS. */
  readonly automaticRequirements: string;
  readonly automaticDsRequirements: string;
  readonly automaticNicRequirements: string;
  /** RESCHED flag set by `onevm resched`. */
  readonly resched: boolean;
  /** svmsched's job id (SVMSCHED_JOB_ID in USER_TEMPLATE or TEMPLATE), when the VM is svmsched's. */
  readonly jobId?: string;
  /** The exit code its guest recorded through OneGate (USER_TEMPLATE/SVMSCHED_EXIT_CODE, 0-255). */
  readonly reportedExitCode?: number;
  /** Seconds since epoch: STIME, ETIME (0 while alive). */
  readonly stime: number;
  readonly etime: number;
  readonly xml?: XmlNode;
}

/** What the planner sees of the cloud at one instant. */
export interface Snapshot {
  readonly hosts: readonly Host[];
  readonly clusters: readonly Cluster[];
  readonly datastores: readonly Datastore[];
  readonly vnets: readonly Vnet[];
  readonly vms: readonly Vm[];
}
