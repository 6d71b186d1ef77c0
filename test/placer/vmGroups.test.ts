/**
 * VM groups in the OpenNebula 7 placer. Each expected outcome is derived from OpenNebula's rank
 * placer (src/schedm_mad/remotes/rank): the code path mirrored is named in each test.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseXml } from '../../lib/one/xml';
import { place, policyFromConf } from '../../lib/placer';
import { reduceRules } from '../../lib/placer/affinity';
import { readVmGroups } from '../../lib/placer/vmGroups';
import { type HostSpec, type RequestSpec, type VmSpec } from './requestFixture';
import { groupXml, request } from './vmGroupFixture';

const CONF = 'DEFAULT_SCHED = [ POLICY = 0 ]';
const PACKING = policyFromConf(CONF, 'rank.conf');

/**
 * svmsched's PLAN for the request. With ONE_ORACLE naming OpenNebula's placer built with its VM
 * group code (test/placer/oracle/compare.ts), its PLAN must hold the same actions.
 */
function placed(xml: string): string {
  const plan = place(xml, PACKING);
  const oracle = process.env.ONE_ORACLE;
  if (oracle) {
    const home = mkdtempSync(join(tmpdir(), 'vmg-'));
    mkdirSync(join(home, 'etc/schedulers'), { recursive: true });
    writeFileSync(join(home, 'etc/schedulers/rank.conf'), `${CONF}\nLOG = [ SYSTEM = "file", DEBUG_LEVEL = 0 ]\n`);
    const r = spawnSync(oracle, [], { input: `${Buffer.from(xml).toString('base64')}\n`, env: { ...process.env, ONE_LOCATION: home }, encoding: 'utf8' });
    expect(hostsOf(r.stdout)).toEqual(hostsOf(plan));
  }
  return plan;
}

/** VM_ID → HOST_ID of the PLAN's actions. */
function hostsOf(plan: string): Record<number, number> {
  const out: Record<number, number> = {};
  for (const m of plan.matchAll(/<VM_ID>(\d+)<\/VM_ID>[\s\S]*?<HOST_ID>(\d+)<\/HOST_ID>/g)) out[Number(m[1])] = Number(m[2]);
  return out;
}

// Host 0 is the packing favourite (most RUNNING_VMS), then 1, 2, 3.
const HOSTS: HostSpec[] = [0, 1, 2, 3].map((id) => ({ id, cpu: 800, memMb: 16384, runningVms: 10 - id }));
const ALL = [0, 1, 2, 3];
const vm = (id: number, extra: Partial<VmSpec> = {}): VmSpec => ({ id, cpu: 1, memMb: 1024, hosts: ALL, datastores: [0], ...extra });
const spec = (vms: VmSpec[], hosts: HostSpec[] = HOSTS): RequestSpec => ({ hosts, datastores: [{ id: 0, freeMb: 1_000_000 }], vnets: [], vms });
const running = (id: number, hid: number): VmSpec => vm(id, { state: 3, lcmState: 3, history: { hid, dsId: 0, action: 0 } });

describe('VM groups in the placer', () => {
  it('places nothing differently without VM groups (packing puts all on host 0)', () => {
    // Prepare
    const xml = request(spec([vm(1), vm(2), vm(3)]), []);
    // Act
    const plan = placed(xml);
    // Assess
    expect(hostsOf(plan)).toEqual({ 1: 0, 2: 0, 3: 0 });
  });

  it('role POLICY=ANTI_AFFINED spreads its VMs over hosts', () => {
    // Mirrors VMGroupXML::set_antiaffinity_requirements (intra-role): each VM gets
    // "(CURRENT_VMS != other)" terms, re-tested at dispatch (Scheduler::dispatch, CURRENT_VMS).
    // Prepare
    const xml = request(spec([vm(1), vm(2), vm(3)]), [{ id: 0, roles: [{ id: 0, name: 'web', policy: 'ANTI_AFFINED', vms: [1, 2, 3] }] }]);
    // Act
    const plan = placed(xml);
    // Assess
    expect(hostsOf(plan)).toEqual({ 1: 0, 2: 1, 3: 2 });
  });

  it('anti-affinity also avoids hosts where a VM of the role already runs', () => {
    // Mirrors the same path: the running VM's ID is in the host's VMS, which CURRENT_VMS reads.
    // Prepare
    const xml = request(spec([running(9, 0), vm(1), vm(2)]), [{ id: 0, roles: [{ id: 0, name: 'db', policy: 'ANTI_AFFINED', vms: [1, 2, 9] }] }], { 0: [9] });
    // Act
    const plan = placed(xml);
    // Assess
    expect(hostsOf(plan)).toEqual({ 1: 1, 2: 2 });
  });

  it('an ANTI_AFFINED rule between roles keeps them apart while a role without policy packs', () => {
    // Mirrors set_antiaffinity_requirements (inter-role): each role's VMs get the other roles' VMs as "!=" terms.
    // Prepare
    const roles = [{ id: 0, name: 'a', vms: [1, 2] }, { id: 1, name: 'b', vms: [3, 4] }];
    const xml = request(spec([vm(1), vm(2), vm(3), vm(4)]), [{ id: 0, roles, antiAffined: ['a, b'] }]);
    // Act
    const plan = placed(xml);
    // Assess
    expect(hostsOf(plan)).toEqual({ 1: 0, 2: 0, 3: 1, 4: 1 });
  });

  it('HOST_AFFINED and HOST_ANTI_AFFINED limit a role to / keep it off hosts', () => {
    // Mirrors VMGroupXML::set_host_requirements: "(ID=2) | (ID=3)" and "(ID!=0)" appended.
    // Prepare
    const roles = [{ id: 0, name: 'a', vms: [1], hostAffined: '2,3' }, { id: 1, name: 'b', vms: [2], hostAntiAffined: '0' }];
    const xml = request(spec([vm(1), vm(2)]), [{ id: 0, roles }]);
    // Act
    const plan = placed(xml);
    // Assess
    expect(hostsOf(plan)).toEqual({ 1: 2, 2: 1 });
  });

  it('an AFFINED role with no VM running places its leader alone, sized for the whole set', () => {
    // Mirrors schecule_affined_set (no hosts): the lowest ID leads and takes the others' CPU
    // and MEMORY (reset_capacity/add_capacity); the others get "CURRENT_VMS = 1", which no host
    // matches in match_schedule, so they are left out of this PLAN. Host 0 holds 2 CPU, the set needs 3.
    // Prepare
    const hosts = [{ id: 0, cpu: 200, memMb: 16384, runningVms: 9 }, { id: 1, cpu: 400, memMb: 16384, runningVms: 1 }];
    const xml = request(spec([vm(1), vm(2), vm(3)], hosts), [{ id: 0, roles: [{ id: 0, name: 'a', policy: 'AFFINED', vms: [1, 2, 3] }] }]);
    // Act
    const plan = placed(xml);
    // Assess
    expect(hostsOf(plan)).toEqual({ 1: 1 });
  });

  it('a follower hands over its CPU truncated to a whole number', () => {
    // Mirrors reset_capacity: HostShareCapacity::cpu is an integer, so 0.5 CPU adds 0 to the leader.
    // Prepare
    const hosts = [{ id: 0, cpu: 100, memMb: 16384, runningVms: 9 }, { id: 1, cpu: 400, memMb: 16384, runningVms: 1 }];
    const xml = request(spec([vm(1), vm(2, { cpu: 0.5 })], hosts), [{ id: 0, roles: [{ id: 0, name: 'a', policy: 'AFFINED', vms: [1, 2] }] }]);
    // Act
    const plan = placed(xml);
    // Assess
    expect(hostsOf(plan)).toEqual({ 1: 0 });
  });

  it("the leader takes its followers' requirements", () => {
    // Mirrors schecule_affined_set: vm->add_requirements(tmp->get_requirements()).
    // Prepare
    const xml = request(spec([vm(1), vm(2, { requirements: 'ID = 3' })]), [{ id: 0, roles: [{ id: 0, name: 'a', policy: 'AFFINED', vms: [1, 2] }] }]);
    // Act
    const plan = placed(xml);
    // Assess
    expect(hostsOf(plan)).toEqual({ 1: 3 });
  });

  it("a follower that some host already matches tries its leader's new host first", () => {
    // Mirrors Scheduler::dispatch (affined VMs: add_match_host/add_match_datastore of the leader's
    // choice, walked from the end). Leader 1 is powered off on host 0 and rescheduled, so host 0
    // lists it and "CURRENT_VMS = 1" matches there: follower 2 is kept, and goes where 1 goes.
    // Prepare
    const leader = vm(1, { state: 8, resched: true, history: { hid: 0, dsId: 0, action: 0 } });
    const xml = request(spec([leader, vm(2)]), [{ id: 0, roles: [{ id: 0, name: 'a', policy: 'AFFINED', vms: [1, 2] }] }], { 0: [1] });
    // Act
    const plan = placed(xml);
    // Assess
    expect(hostsOf(plan)).toEqual({ 1: 1, 2: 1 });
  });

  it('an AFFINED role with a VM running pins its pending VMs to that host', () => {
    // Mirrors schecule_affined_set (hosts known): "(ID=2)" for every pending VM of the set.
    // Prepare
    const xml = request(spec([running(9, 2), vm(1), vm(2)]), [{ id: 0, roles: [{ id: 0, name: 'a', policy: 'AFFINED', vms: [1, 2, 9] }] }], { 2: [9] });
    // Act
    const plan = placed(xml);
    // Assess
    expect(hostsOf(plan)).toEqual({ 1: 2, 2: 2 });
  });

  it('AFFINED rules sharing a role merge into one set', () => {
    // Mirrors VMGroupRule::reduce then set_affinity_requirements (inter-role): a,b + b,c → one set led by VM 1.
    // Prepare
    const roles = [{ id: 0, name: 'a', vms: [1] }, { id: 1, name: 'b', vms: [2] }, { id: 2, name: 'c', vms: [3] }, { id: 3, name: 'd', vms: [4] }];
    const xml = request(spec([vm(1), vm(2), vm(3), vm(4)]), [{ id: 0, roles, affined: ['a,b', 'b,c'] }]);
    // Act
    const plan = placed(xml);
    // Assess
    expect(reduceRules([0b0011, 0b0110, 0b1000])).toEqual([0b0111, 0b1000]);
    expect(hostsOf(plan)).toEqual({ 1: 0, 4: 0 });
  });
});

describe('readVmGroups', () => {
  it('reads roles and rules with OpenNebula quirks', () => {
    // Mirrors VMGroupRoles::from_xml_node (stops at a role without NAME), split_unique
    // (unreadable pieces skipped), names_to_ids (one unknown name empties the rule).
    // Prepare
    const xml = `<SCHEDULER_DRIVER_ACTION><VM_GROUP_POOL>${groupXml({
      id: 4,
      roles: [{ id: 1, name: 'b', policy: 'anti_affined', vms: [7, 3, 3] }, { id: 0, name: 'a', hostAffined: ' 2,x, 1' }, { id: 2, name: '' }, { id: 3, name: 'late' }],
      affined: ['a, b', 'a,zz'], antiAffined: ['b,a'],
    })}</VM_GROUP_POOL></SCHEDULER_DRIVER_ACTION>`;
    // Act
    const [g] = readVmGroups(parseXml(xml));
    // Assess
    expect(g.roles.map((r) => [r.id, r.name, r.policy, r.vms, r.hostAffined])).toEqual([[0, 'a', 'NONE', [], [1, 2]], [1, 'b', 'ANTI_AFFINED', [3, 7], []]]);
    expect(g.affined).toEqual([0, 0b11]);
    expect(g.antiAffined).toEqual([0b11]);
  });
});
