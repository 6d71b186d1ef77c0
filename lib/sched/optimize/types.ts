/**
 * The optimiser's contract: what `optimize()` reads and what it answers. Names follow
 * OpenNebula's one_drs.conf (OPTIMIZE: POLICY, MIGRATION_THRESHOLD, HOST_MIGRATION_THRESHOLD,
 * DS_MIGRATION_THRESHOLD, WEIGHTS, PREDICTIVE) and oned.conf (MAX_ACTIONS_PER_HOST,
 * MAX_ACTIONS_PER_CLUSTER), in camelCase as the rest of svmsched's configuration.
 */
import type { MigrateAction } from '../contract';

export const OPTIMIZE_POLICIES = ['balance', 'pack'] as const;
export type OptimizePolicyName = (typeof OPTIMIZE_POLICIES)[number];

/**
 * Balance metrics (one_drs WEIGHTS): CPU_USAGE (VM MONITORING/CPU), CPU (TEMPLATE/CPU),
 * MEMORY (TEMPLATE/MEMORY), DISK (disk bytes read and written), NET (bytes received and sent).
 */
export const METRICS = ['cpuUsage', 'cpu', 'memory', 'disk', 'net'] as const;
export type Metric = (typeof METRICS)[number];
export type Weights = Readonly<Partial<Record<Metric, number>>>;

/** Counts of migrations per plan; -1 = no limit (one_drs's default for the first two), 0 = none. */
export interface Thresholds {
  /** MIGRATION_THRESHOLD: host and datastore migrations together. */
  readonly migration?: number;
  /** HOST_MIGRATION_THRESHOLD. */
  readonly hostMigration?: number;
  /** DS_MIGRATION_THRESHOLD (one_drs default 0). svmsched never changes a VM's system datastore, so it is always kept. */
  readonly dsMigration?: number;
}

export interface OptimizeOptions {
  /** Only this cluster; absent = every cluster, each optimised on its own (VMs never leave their cluster). */
  readonly clusterId?: number;
  readonly policy: OptimizePolicyName;
  readonly thresholds?: Thresholds;
  /** Relative importance of each metric for `balance`; normalised by their sum. Default { cpuUsage: 1 } (one_drs.conf). */
  readonly weights?: Weights;
  /** PREDICTIVE: share (0..1) of MONITORING/CPU_FORECAST blended into CPU_USAGE. */
  readonly predictive?: number;
  /** Migrations into one host per plan (oned counts MAX_ACTIONS_PER_HOST by the action's host, the target); default 1. */
  readonly maxActionsPerHost?: number;
  /** Migrations per cluster per plan (MAX_ACTIONS_PER_CLUSTER); default 30; 0 = no limit. */
  readonly maxActionsPerCluster?: number;
  /** VMs to leave where they are (e.g. those the tick is preempting or resuming this round). */
  readonly leaveAlone?: Iterable<number>;
  /** Hosts each VM may go to, when the caller already knows them (the REQUIREMENTS section of an OPTIMIZE request). */
  readonly candidateHosts?: ReadonlyMap<number, readonly number[]>;
  /** Recompute MAX_CPU/MAX_MEM from RESERVED_* as oned does, instead of trusting HOST_SHARE (default false, as the tick). */
  readonly applyReserved?: boolean;
  /**
   * Check room on the placement the plan ends in only, as one_drs's ILP does, so a VM may take
   * the room another VM of the same plan leaves (hosts trade VMs). For plans oned runs itself (an
   * OPTIMIZE driver action: its PlanManager migrates with capacity enforcement off, in the plan's
   * order); the actions are listed so that each fits on its target after the ones before it
   * have left, wherever such an order exists. Default false: room booked on top of what is there
   * (assignment.ts), as the tick runs its migrations at once.
   */
  readonly finalPlacement?: boolean;
  /** Let a cluster's TEMPLATE/ONE_DRS (POLICY, MIGRATION_THRESHOLD, PREDICTIVE, *_WEIGHT) override these options, as one_drs does. Default true. */
  readonly clusterSettings?: boolean;
}

/** A migration: the VM leaves `fromHostId` for `hostId`, keeping its system datastore (`datastoreId`). */
export interface OptimizeAction extends MigrateAction {
  readonly fromHostId: number;
}

export interface ClusterOutcome {
  readonly clusterId: number;
  readonly policy: OptimizePolicyName;
  readonly objectiveBefore: number;
  readonly objectiveAfter: number;
  readonly migrations: number;
  /** VMs that could move (RUNNING, not left alone, with a target their requirements allow). */
  readonly movable: number;
}

export interface OptimizePlan {
  readonly actions: readonly OptimizeAction[];
  /** Sums over the clusters optimised (each cluster's objective as one_drs defines it). */
  readonly objectiveBefore: number;
  readonly objectiveAfter: number;
  readonly clusters: readonly ClusterOutcome[];
  /** Sentences a person can act on: what was done or why nothing was. */
  readonly reasons: readonly string[];
}
