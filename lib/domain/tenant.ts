/**
 * Tenants: the parties that pay for and share one cloud (SVMSched's resource sharing). Each is
 * promised `share` of the capacity its jobs can use; what it leaves idle others borrow until it
 * wants it back. Without tenants in the configuration there is one implicit tenant, DEFAULT_TENANT,
 * and scheduling is exactly as without sharing.
 */
export const DEFAULT_TENANT = 'default';

/** Hard limits a tenant never exceeds (OpenNebula's quotas); absent = none. */
export interface TenantLimits {
  readonly vcpu?: number;
  /** MB. */
  readonly memoryMb?: number;
  readonly runningJobs?: number;
}

/** A user inside a tenant, with a sub-share of the tenant's share (Slurm's Fair Tree second level). */
export interface TenantUser {
  readonly id: string;
  /** Weight among the tenant's users; default 1. */
  readonly share: number;
}

export interface Tenant {
  readonly id: string;
  readonly description?: string;
  /** Weight: the tenant's guaranteed part of the cloud is share / sum of all shares. */
  readonly share: number;
  /** Services it owns: a job of a user in no tenant falls back to its service's owner. */
  readonly services: readonly string[];
  readonly users: readonly TenantUser[];
  readonly limits?: TenantLimits;
  /**
   * How far beyond its guarantee it may borrow idle capacity, as vCPU and MB above the
   * guarantee; absent = no bound (work-conserving).
   */
  readonly borrowLimit?: { readonly vcpu?: number; readonly memoryMb?: number };
}

export interface Sharing {
  readonly tenants: readonly Tenant[];
  /** Half-life of past usage in the fair order (AWS Batch's shareDecaySeconds), seconds. */
  readonly usageHalfLifeSeconds: number;
}
