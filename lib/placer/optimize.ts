/**
 * The OpenNebula 7 optimiser driver action: an OPTIMIZE SCHEDULER_DRIVER_ACTION in, a PLAN of
 * `migrate` actions for one cluster out (ID = the cluster id, as one_drs writes it), decided by
 * svmsched's optimiser instead of one_drs's ILP. As one_drs reads the request: the VMs to
 * optimise are those of the REQUIREMENTS section, each to the hosts it lists; every other VM
 * stays and still loads its host. The policy comes from one_drs.conf (YAML, OPTIMIZE section),
 * found where one_drs finds it, and the cluster's TEMPLATE/ONE_DRS overrides it.
 */
import { parse } from 'yaml';
import { vmFromXml } from '../one/parse';
import type { Vm } from '../sched/snapshot';
import { optimize, type OptimizeOptions, type OptimizePlan, type Weights } from '../sched/optimize';
import { decodeRequest } from './decode';
import { PlacerConfigError } from './errors';
import { readRequest, requestVms } from './request';

/** one_drs.conf's OPTIMIZE defaults (src/schedm_mad/remotes/one_drs/etc/one_drs.conf). */
export const DRS_DEFAULTS: Omit<OptimizeOptions, 'clusterId'> = {
  policy: 'balance', thresholds: { migration: -1, hostMigration: -1, dsMigration: 0 }, weights: { cpuUsage: 1 }, predictive: 0,
  // oned runs a plan's actions MAX_ACTIONS_PER_HOST at a time, all of them in the end.
  maxActionsPerHost: 1_000_000, maxActionsPerCluster: 0,
  // oned's PlanManager migrates with capacity enforcement off: only the final placement must fit, as in one_drs's ILP.
  finalPlacement: true,
};

export function drsConfPath(env: NodeJS.ProcessEnv): string {
  return env.ONE_LOCATION ? `${env.ONE_LOCATION}/etc/schedulers/one_drs.conf` : '/etc/one/schedulers/one_drs.conf';
}

const WEIGHT_NAMES = { CPU_USAGE: 'cpuUsage', CPU: 'cpu', MEMORY: 'memory', DISK: 'disk', NET: 'net' } as const;

/** one_drs.conf (YAML) to the optimiser's options; what it leaves out keeps one_drs.conf's defaults. */
export function drsOptionsFromConf(text: string, file = 'one_drs.conf'): Omit<OptimizeOptions, 'clusterId'> {
  let doc: Record<string, unknown>;
  try {
    doc = (parse(text) ?? {}) as Record<string, unknown>;
  } catch (error) {
    throw new PlacerConfigError(file, (error as Error).message, { cause: error });
  }
  const o = (doc.OPTIMIZE ?? {}) as Record<string, unknown>;
  const num = (v: unknown, fallback: number) => (typeof v === 'number' && Number.isFinite(v) ? v : fallback);
  const policy = String(o.POLICY ?? 'BALANCE').toLowerCase();
  if (policy !== 'balance' && policy !== 'pack') throw new PlacerConfigError(file, `OPTIMIZE/POLICY must be BALANCE or PACK, not ${String(o.POLICY)}`);
  let weights: Weights | undefined;
  if (o.WEIGHTS && typeof o.WEIGHTS === 'object') {
    weights = {};
    for (const [name, key] of Object.entries(WEIGHT_NAMES)) {
      const w = (o.WEIGHTS as Record<string, unknown>)[name];
      if (w !== undefined) (weights as Record<string, number>)[key] = num(w, 0);
    }
  }
  const t = DRS_DEFAULTS.thresholds!;
  return {
    ...DRS_DEFAULTS, policy,
    thresholds: { migration: num(o.MIGRATION_THRESHOLD, t.migration!), hostMigration: num(o.HOST_MIGRATION_THRESHOLD, t.hostMigration!), dsMigration: num(o.DS_MIGRATION_THRESHOLD, t.dsMigration!) },
    weights: weights ?? DRS_DEFAULTS.weights!,
    predictive: num(doc.PREDICTIVE, 0),
  };
}

/** stdin text (base64 or XML) → the plan for `clusterId`. */
export function optimizeRequest(stdin: string, clusterId: number, options: Omit<OptimizeOptions, 'clusterId'> = DRS_DEFAULTS): OptimizePlan {
  const { root, snapshot, prereqs } = readRequest(decodeRequest(stdin));
  const hostOf = new Map<number, number>();
  for (const h of snapshot.hosts) for (const id of h.vmIds) hostOf.set(id, h.id);
  // The host's VMS list places a VM when its history is not in the request.
  const vms: Vm[] = requestVms(root).map(vmFromXml).map((vm) => (vm.hostId === undefined && hostOf.has(vm.id) ? { ...vm, hostId: hostOf.get(vm.id)! } : vm));
  const candidateHosts = new Map([...prereqs].map(([id, p]) => [id, p.hosts]));
  const leaveAlone = vms.filter((vm) => !prereqs.has(vm.id)).map((vm) => vm.id);
  return optimize({ ...snapshot, vms }, { ...options, clusterId, candidateHosts, leaveAlone });
}

/** A plan as OpenNebula's PLAN document (plan.xsd): migrate actions, each with the VM's system datastore. */
export function optimizePlanToXml(plan: OptimizePlan, clusterId: number): string {
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<PLAN>', `  <ID>${clusterId}</ID>`];
  for (const a of plan.actions) {
    lines.push('  <ACTION>', `    <VM_ID>${a.vmId}</VM_ID>`, '    <OPERATION>migrate</OPERATION>', `    <HOST_ID>${a.hostId}</HOST_ID>`);
    if (a.datastoreId !== undefined) lines.push(`    <DS_ID>${a.datastoreId}</DS_ID>`);
    lines.push('  </ACTION>');
  }
  lines.push('</PLAN>', '');
  return lines.join('\n');
}
