/**
 * VM-group placement constraints computed as OpenNebula's rank placer computes them before
 * matching (Scheduler::do_vm_groups: per group, by group ID, VMGroupXML::set_affinity_requirements,
 * then set_antiaffinity_requirements, then set_host_requirements). They end up as requirement
 * text appended to each pending VM's (VirtualMachineXML::add_requirements: `R & (extra)`) and, for
 * an affined set that has no VM running yet, as capacity moved onto one leader:
 *  - the set's leader is its lowest-ID pending VM; each other pending VM of the set hands its CPU
 *    (truncated to an integer, `long long = float`), MEMORY and system-DS need to the leader and
 *    drops to none, the leader takes on its requirements, and it gets `CURRENT_VMS = leader`;
 *  - that requirement holds on no host while the leader is still pending, so OpenNebula leaves
 *    the followers out of this PLAN (match_schedule drops a VM no host matches): the leader
 *    reserves the room for all, the followers follow in a later run, once the leader runs. When
 *    some host already lists the leader (a powered-off leader being rescheduled), a follower
 *    stays and tries the leader's new host first (QueuedJob.followsVmId, lib/sched/affinity.ts);
 *  - a set with VMs already running (ACTIVE, with a host) pins its pending VMs to those hosts.
 * Anti-affinity becomes `(CURRENT_VMS != id)` terms, which the planner tests again against the VMs
 * this plan placed (as the placer's dispatch does for requirements naming CURRENT_VMS).
 */
import { MAX_ROLES, type VmGroup, type VmGroupRole } from './vmGroups';

/** A pending VM as VirtualMachineXML holds it: raw CPU (single precision) and MEMORY, scaled system-DS need. */
export interface GroupedVm {
  cpu: number;
  memoryMb: number;
  systemDsMb: number;
  requirements: string;
  /** Changed by a VM group. */
  touched: boolean;
  /** The leader of the affined set this VM follows (the last one when several). */
  follows?: number;
}

/** A VM of the request's pool that belongs to a role (TEMPLATE/VMGROUP/ROLE): is it running, and where. */
export interface RoleVm {
  readonly active: boolean;
  readonly hostId: number;
}

function addRequirements(vm: GroupedVm, reqs: string): void {
  if (reqs === '') return;
  vm.requirements = vm.requirements === '' ? reqs : `${vm.requirements} & (${reqs})`;
  vm.touched = true;
}

/** VMGroupRole affinity_requirements: `(CURRENT_VMS op id)` for every VM but `self`. */
function vmTerms(vms: readonly number[], op: '=' | '!=', self = -1): string {
  return vms.filter((id) => self === -1 || id !== self).map((id) => `(CURRENT_VMS ${op} ${id})`).join(op === '=' ? ' | ' : ' & ');
}

/** VMGroupRole::host_requirements. */
const hostTerms = (hosts: Iterable<number>, op: '=' | '!=', join: '|' | '&'): string =>
  [...hosts].map((h) => `(ID${op}${h})`).join(` ${join} `);

/** VMGroupRule::reduce: affinity rules sharing a role merge into one. */
export function reduceRules(rules: readonly number[]): number[] {
  const left = [...rules];
  const out = new Set<number>();
  for (let i = 0; i < left.length; i++) {
    let rule = left[i];
    for (let merged = true; merged;) {
      merged = false;
      for (let j = 0; j < left.length;) {
        if (j === i || (rule & left[j]) === 0) {
          j++;
          continue;
        }
        rule = (rule | left[j]) >>> 0;
        left.splice(j, 1);
        if (j < i) i--;
        merged = true;
      }
    }
    out.add(rule);
  }
  return [...out].sort((a, b) => a - b);
}

const rolesOf = (mask: number, group: VmGroup): VmGroupRole[] =>
  group.roles.filter((r) => r.id >= 0 && r.id < MAX_ROLES && ((mask >>> r.id) & 1) === 1);

/** schecule_affined_set in VMGroupXML.cc. */
function affinedSet(vms: readonly number[], pending: Map<number, GroupedVm>, roleVms: Map<number, RoleVm>): void {
  if (vms.length <= 1) return;
  const hosts = new Set<number>();
  for (const id of vms) {
    const r = roleVms.get(id);
    if (r?.active && r.hostId !== -1) hosts.add(r.hostId);
  }
  if (hosts.size > 0) {
    const reqs = hostTerms([...hosts].sort((a, b) => a - b), '=', '|');
    for (const id of vms) {
      const vm = pending.get(id);
      if (vm) addRequirements(vm, reqs);
    }
    return;
  }
  const at = vms.findIndex((id) => pending.has(id));
  if (at < 0) return;
  const leaderId = vms[at];
  const leader = pending.get(leaderId)!;
  for (const id of vms.slice(at + 1)) {
    const f = pending.get(id);
    if (!f) continue;
    // VirtualMachineXML::reset_capacity then add_capacity.
    leader.cpu = Math.fround(leader.cpu + Math.trunc(f.cpu));
    leader.memoryMb += f.memoryMb;
    leader.systemDsMb += f.systemDsMb;
    [f.cpu, f.memoryMb, f.systemDsMb] = [0, 0, 0];
    leader.touched = true;
    addRequirements(leader, f.requirements);
    addRequirements(f, `CURRENT_VMS = ${leaderId}`);
    f.follows = leaderId;
  }
}

function affinity(group: VmGroup, pending: Map<number, GroupedVm>, roleVms: Map<number, RoleVm>): void {
  for (const r of group.roles) if (r.policy === 'AFFINED' && r.vms.length > 1) affinedSet(r.vms, pending, roleVms);
  for (const mask of reduceRules(group.affined)) {
    const vms = [...new Set(rolesOf(mask, group).flatMap((r) => r.vms))].sort((a, b) => a - b);
    affinedSet(vms, pending, roleVms);
  }
}

function antiAffinity(group: VmGroup, pending: Map<number, GroupedVm>): void {
  for (const r of group.roles) {
    if (r.policy !== 'ANTI_AFFINED' || r.vms.length <= 1) continue;
    for (const id of r.vms) {
      const vm = pending.get(id);
      if (vm) addRequirements(vm, vmTerms(r.vms, '!=', id));
    }
  }
  for (const mask of group.antiAffined) {
    const members = rolesOf(mask, group);
    for (const r of members) {
      const reqs = members.filter((o) => o !== r).map((o) => vmTerms(o.vms, '!=')).filter((s) => s !== '').join(' & ');
      for (const id of r.vms) {
        const vm = pending.get(id);
        if (vm) addRequirements(vm, reqs);
      }
    }
  }
}

function hostAffinity(group: VmGroup, pending: Map<number, GroupedVm>): void {
  for (const r of group.roles) {
    const areqs = hostTerms(r.hostAffined, '=', '|');
    const aareqs = hostTerms(r.hostAntiAffined, '!=', '&');
    if (r.vms.length === 0 || (areqs === '' && aareqs === '')) continue;
    for (const id of r.vms) {
      const vm = pending.get(id);
      if (!vm) continue;
      addRequirements(vm, areqs);
      addRequirements(vm, aareqs);
    }
  }
}

/** Applies every group's rules to the pending VMs, in OpenNebula's order. */
export function applyVmGroups(groups: readonly VmGroup[], pending: Map<number, GroupedVm>, roleVms: Map<number, RoleVm>): void {
  for (const group of groups) {
    affinity(group, pending, roleVms);
    antiAffinity(group, pending);
    hostAffinity(group, pending);
  }
}
