/**
 * What the lifecycle needs from the outside, as interfaces: the tick and the job service see
 * only these, so tests can run them on DynamoDB Local and the simulator, and nothing here
 * knows about DynamoDB or XML-RPC.
 */
import type { JobRepository } from '../store/jobRepository';
import type { LeaseRepository } from '../store/lease';
import type { KickRepository } from '../store/kick';
import type { Snapshot, Vm } from '../sched/snapshot';
import type { VmAction } from '../one/client';
import type { ClusterViewRepository } from '../store/clusterViews';
import type { TenantUsageRepository } from '../store/tenantUsage';
import type { ArrayRepository } from '../store/arrays';

export type { JobPatch, JobRepository, TransitionEvent } from '../store/jobRepository';

/** What the tick reads and writes of jobs. */
export type JobStore = Pick<JobRepository, 'unfinished' | 'get' | 'transition' | 'patch'>;

/** Job arrays (lib/store/arrays.ts): the tick makes their elements and ends them. */
export type ArrayStore = Pick<ArrayRepository, 'unfinishedArrays' | 'materialise' | 'finish' | 'elements'>;

export type LeaseStore = Pick<LeaseRepository, 'acquire' | 'renew' | 'release'>;

/** Early ticks, coalesced (lib/store/kick.ts). */
export type KickStore = Pick<KickRepository, 'kick' | 'kicks' | 'releaseUnlessKicked'>;

/** The tick's last cluster view (lib/store/clusterViews.ts); what it reads back is checked (lib/lifecycle/clusterRecord.ts). */
export type ClusterViewStore = Pick<ClusterViewRepository, 'save' | 'latest'>;

/** The tenants' decayed usage, kept between ticks (lib/store/tenantUsage.ts). */
export type UsageStore = Pick<TenantUsageRepository, 'save' | 'latest'>;

/** The OpenNebula calls the lifecycle makes. */
export interface Cloud {
  snapshot(): Promise<Snapshot>;
  /** One VM as OpenNebula reports it now (one.vm.info); undefined when OpenNebula does not know it. */
  vm(vmId: number): Promise<Vm | undefined>;
  allocate(template: string, hold: boolean): Promise<number>;
  deploy(vmId: number, hostId: number, enforce: boolean, datastoreId?: number, extraTemplate?: string): Promise<void>;
  action(action: VmAction, vmId: number): Promise<void>;
  migrate(vmId: number, hostId: number, live: boolean, enforce: boolean, datastoreId?: number): Promise<void>;
  /** Adds a scheduled action (SCHED_ACTION) to a VM; returns its id. */
  schedAdd(vmId: number, template: string): Promise<number>;
  schedDelete(vmId: number, schedId: number): Promise<void>;
}
