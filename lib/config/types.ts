/**
 * svmsched's configuration as the rest of the code sees it, once loaded from the XML
 * file, validated against schemas/config.json and cross-checked. Every default is
 * already applied: fields without `?` are always present.
 */
import type { RetryPolicy } from '../domain/retry';
import type { JobClass, PreemptMode } from '../domain/job';
import type { Tenant } from '../domain/tenant';

/** Host ranking, as DEFAULT_SCHED in OpenNebula's rank.conf (0 packing … 4 fixed, 3 custom). */
export const HOST_POLICIES = ['packing', 'striping', 'load-aware', 'fixed', 'custom'] as const;
export type HostPolicyName = (typeof HOST_POLICIES)[number];

/** Datastore and network ranking, as DEFAULT_DS_SCHED / DEFAULT_NIC_SCHED in rank.conf. */
export const STORAGE_POLICIES = ['packing', 'striping', 'fixed', 'custom'] as const;
export type StoragePolicyName = (typeof STORAGE_POLICIES)[number];

export interface RankPolicy<P extends string> {
  readonly policy: P;
  /** The rank expression of the `custom` policy; "" for the others. */
  readonly rank: string;
}

/** What may start past the first job waiting for room (the planner's Policy.backfill). */
export const BACKFILLS = ['easy', 'greedy', 'none'] as const;
export type BackfillName = (typeof BACKFILLS)[number];

export interface SchedulingPolicy {
  readonly host: RankPolicy<HostPolicyName>;
  readonly datastore: RankPolicy<StoragePolicyName>;
  readonly nic: RankPolicy<StoragePolicyName>;
  /** Most VMs dispatched to one host in one tick (rank.conf MAX_HOST). */
  readonly maxHost: number;
  /** Whether `prod` jobs may preempt `beff` jobs. */
  readonly preemption: boolean;
  /** What may start past the first job waiting for room (lib/sched/backfill.ts). */
  readonly backfill: BackfillName;
  /** Seconds a job may wait in the queue before it fails; 0 waits for ever. */
  readonly pendingDeadline: number;
  /** Seconds between two scheduled ticks. */
  readonly tickInterval: number;
  /** NICs of one VM go to different networks (rank.conf DIFFERENT_VNETS). */
  readonly differentVnets: boolean;
  /** Seconds after which a tenant's past usage counts half in the fair order (AWS Batch's shareDecaySeconds). */
  readonly usageHalfLife: number;
}

/** The OpenNebula endpoint as the file gives it (lib/one resolves ONE_XMLRPC / ONE_AUTH on top). */
export interface OpenNebulaSettings {
  readonly endpoint: string;
  readonly user: string;
  /** From SVMSCHED_ONE_PASSWORD, never from the file. */
  readonly password?: string;
}

export interface JobSettings {
  /** Days a finished job is kept before DynamoDB's TTL removes it. */
  readonly retentionDays: number;
  /** Deploy attempts (each on another host) before a job fails. */
  readonly maxAttempts: number;
  /** Most unfinished jobs one user (admins too) may have; a submit beyond is refused (429). 0 = no limit. */
  readonly maxUnfinishedPerUser: number;
  /** Seconds a VM keeps retrying its completion callback (with backoff) before it powers off. */
  readonly reportSeconds: number;
}

/** A shared data repository mounted into the VMs of the services that list it. */
export interface Repository {
  readonly id: string;
  /** NFS export, `server:/path`. */
  readonly export: string;
  /** Where the VM mounts it, e.g. /data/repository. */
  readonly mountPoint: string;
  readonly readOnly: boolean;
  /** Local stack only: the folder standing for the export (absolute once loaded from a file). */
  readonly localPath?: string;
}

/** A NIC of the service's VMs: a fixed network (id or name), or NETWORK_MODE="auto". */
export type ServiceNetwork =
  | { readonly mode: 'fixed'; readonly vnet: number | string }
  | { readonly mode: 'auto'; readonly requirements: string; readonly rank: string };

export interface Service {
  readonly id: string;
  readonly description: string;
  /** Base image: an OpenNebula image id (number) or name (string). */
  readonly image: number | string;
  /** Absolute path, inside the VM, of what runs at boot. */
  readonly executable: string;
  /** Fixed arguments, given before the job's own. */
  readonly arguments: readonly string[];
  readonly defaultVcpu: number;
  readonly maxVcpu: number;
  /** MB. */
  readonly defaultMemory: number;
  readonly maxMemory: number;
  /** Ids of the repositories mounted in the VM. */
  readonly repositories: readonly string[];
  /** SCHED_REQUIREMENTS / SCHED_RANK of the VMs ("" when unset). */
  readonly requirements: string;
  readonly rank: string;
  /** SCHED_DS_REQUIREMENTS / SCHED_DS_RANK ("" when unset). */
  readonly dsRequirements: string;
  readonly dsRank: string;
  readonly preemptMode: PreemptMode;
  /** Seconds of running time; absent = no limit unless the job sets one. */
  readonly defaultLifetime?: number;
  readonly maxLifetime?: number;
  readonly defaultClass: JobClass;
  /** The job's first argument is its lifetime in seconds (a training session lives exactly that long). */
  readonly lifetimeFromArgument: boolean;
  /** Reaching its lifetime is the job's normal end (a training session): EXPIRED counts as a success. */
  readonly lifetimeIsSuccess: boolean;
  readonly networks: readonly ServiceNetwork[];
  /** MB of the system disk; absent = the image's size. */
  readonly diskSize?: number;
  /** Retry rules (lib/domain/retry.ts): attempts, and which failures to try again or stop on; absent = jobs.maxAttempts for the infrastructure's failures only. */
  readonly retry?: RetryPolicy;
}

/** What scheduled optimisation runs do: nothing, compute and log plans, or make the migrations. */
export const OPTIMIZE_MODES = ['off', 'dry-run', 'apply'] as const;
export type OptimizeMode = (typeof OPTIMIZE_MODES)[number];

/** DRS-style optimisation (one_drs.conf OPTIMIZE, oned.conf DRS_INTERVAL and MAX_ACTIONS_*), camelCased. */
export interface OptimizeSettings {
  readonly mode: OptimizeMode;
  readonly policy: 'balance' | 'pack';
  /** -1 = no limit. */
  readonly migrationThreshold: number;
  readonly hostMigrationThreshold: number;
  readonly dsMigrationThreshold: number;
  /** Absent metrics weigh 0. */
  readonly weights: Readonly<Partial<Record<'cpuUsage' | 'cpu' | 'memory' | 'disk' | 'net', number>>>;
  readonly predictive: number;
  /** Seconds between two scheduled plans. */
  readonly interval: number;
  readonly maxActionsPerHost: number;
  /** 0 = no limit. */
  readonly maxActionsPerCluster: number;
  readonly live: boolean;
}

export interface SvmschedConfig {
  readonly opennebula: OpenNebulaSettings;
  readonly scheduling: SchedulingPolicy;
  readonly jobs: JobSettings;
  readonly optimize: OptimizeSettings;
  /** Base URL the VMs call back, e.g. https://api.example.org (…/jobs/{id}/complete is appended). */
  readonly callbackBaseUrl: string;
  readonly repositories: readonly Repository[];
  readonly services: readonly Service[];
  /** The parties sharing the cloud (lib/domain/tenant.ts); none: one implicit tenant, no sharing. */
  readonly tenants: readonly Tenant[];
}
