/**
 * Policies as rank expressions, as OpenNebula's rank placer turns rank.conf into ranks
 * (src/schedm_mad/remotes/rank/src/sched/SchedulerTemplate.cc): an unknown policy number
 * gives an empty rank (every resource ranks 0).
 */
import type { Policy, RankPolicy } from './contract';

/** OpenNebula's defaults when rank.conf is missing: striping everywhere, DIFFERENT_VNETS, no scale, no MAX_HOST. */
export const DEFAULT_POLICY: Policy = {
  host: { policy: 1 },
  datastore: { policy: 1 },
  nic: { policy: 1 },
  maxHost: 0,
  differentVnets: true,
  memorySystemDsScale: 0,
  preemption: true,
  rankMode: 'dynamic',
  applyReserved: true,
};

export function hostRankSource(p: RankPolicy): string {
  switch (p.policy) {
    case 0: return 'RUNNING_VMS';
    case 1: return '- RUNNING_VMS';
    case 2: return 'FREE_CPU';
    case 3: return p.rank ?? '';
    case 4: return 'PRIORITY';
    default: return '';
  }
}

export function datastoreRankSource(p: RankPolicy): string {
  switch (p.policy) {
    case 0: return '- FREE_MB';
    case 1: return 'FREE_MB';
    case 2: return p.rank ?? '';
    case 3: return 'PRIORITY';
    default: return '';
  }
}

export function nicRankSource(p: RankPolicy): string {
  switch (p.policy) {
    case 0: return 'USED_LEASES';
    case 1: return '- USED_LEASES';
    case 2: return p.rank ?? '';
    case 3: return 'PRIORITY';
    default: return '';
  }
}
