/**
 * The policies a replay compares, on the same workload in one run. Preemption policies take
 * the planner's default backfill (DEFAULT_BACKFILL), so they differ from it only by preemption.
 */
import { DEFAULT_POLICY, HOST_POLICIES, type Backfill, type Policy } from '../sched';
import type { SimPolicy } from './engine';

/** The backfill the service uses when the configuration does not say (kept equal to lib/config's default). */
export const DEFAULT_BACKFILL: Backfill = 'easy';

export const POLICIES: Readonly<Record<string, SimPolicy>> = {
  fifo: { name: 'fifo', label: 'FIFO, no backfill (OpenNebula rank placer dispatch order)', backfill: 'none', preemption: false, preemptMode: 'stop' },
  greedy: { name: 'greedy', label: 'greedy backfill (the planner before reservations)', backfill: 'greedy', preemption: false, preemptMode: 'stop' },
  easy: { name: 'easy', label: 'EASY backfill (one reservation)', backfill: 'easy', preemption: false, preemptMode: 'stop' },
  requeue: { name: 'requeue', label: `kill-and-requeue preemption (Kubernetes-style), ${DEFAULT_BACKFILL} backfill`, backfill: DEFAULT_BACKFILL, preemption: true, preemptMode: 'requeue' },
  stop: { name: 'stop', label: `stop preemption (svmsched), ${DEFAULT_BACKFILL} backfill`, backfill: DEFAULT_BACKFILL, preemption: true, preemptMode: 'stop' },
  shares: { name: 'shares', label: `svmsched with sharing (tenants' guaranteed shares, reclaim by stop), ${DEFAULT_BACKFILL} backfill`, backfill: DEFAULT_BACKFILL, preemption: true, preemptMode: 'stop', sharing: true },
  suspend: { name: 'suspend', label: `suspend preemption (svmsched), ${DEFAULT_BACKFILL} backfill`, backfill: DEFAULT_BACKFILL, preemption: true, preemptMode: 'suspend' },
};

export const DEFAULT_POLICIES = ['fifo', 'greedy', 'easy', 'requeue', 'stop'];

/** The check against the trace's machine: EASY, one queue, no preemption, no cloud delays. */
export const MACHINE_POLICY: SimPolicy = {
  name: 'easy-machine', label: 'EASY as the trace machine ran it (one queue, no preemption, no boot/save delays)',
  backfill: 'easy', preemption: false, preemptMode: 'stop', singleClass: true,
};

/** The planner's policy in a replay: the service's (dynamic ranks, MAX_* as sent), the host ranking given. */
export function replayPlannerPolicy(host: keyof typeof HOST_POLICIES): Policy {
  return { ...DEFAULT_POLICY, host: { policy: HOST_POLICIES[host] }, maxHost: 0, rankMode: 'dynamic', applyReserved: false };
}
