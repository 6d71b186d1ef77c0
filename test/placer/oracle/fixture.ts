/**
 * The OpenNebula fixture: per generated case, OpenNebula's decisions and its candidate
 * priorities (the oracle's rank dump), and the order in which OpenNebula dispatches VMs.
 */
import { createHash } from 'node:crypto';
import { child, childrenNamed, parseXml, textAt } from '../../../lib/one/xml';
import type { DiffClass } from './decisions';

export interface FixtureCase {
  readonly seed: number;
  /** First 12 hex digits of sha1(request + conf): the generator must still produce this case. */
  readonly sha1: string;
  /** VM_ID → "operation host ds nic:net,..." as OpenNebula's rank placer decided. */
  readonly plan: Record<string, string>;
  /** The first VM (in dispatch order) where svmsched chose differently, always a tie on OpenNebula's priorities. */
  readonly tie?: { readonly vm: number; readonly cls: DiffClass };
  /** OpenNebula's candidates and priorities for that VM (the harness's ORACLE_RANKS lines). */
  readonly ranks?: string;
}

export const caseHash = (c: { request: string; conf: string }): string =>
  createHash('sha1').update(c.request).update(c.conf).digest('hex').slice(0, 12);

const num = (s: string | undefined, fallback: number): number => {
  const n = Number.parseFloat(s ?? '');
  return Number.isFinite(n) ? n : fallback;
};

/**
 * The VMs OpenNebula's placer takes (PENDING, or RESCHED=1 and POWEROFF, RUNNING or UNKNOWN),
 * in its dispatch order: USER_PRIORITY (single precision) highest first, then lowest ID.
 */
export function dispatchOrder(request: string): number[] {
  const root = parseXml(request.slice(0, request.indexOf('<REQUIREMENTS>')) + '</SCHEDULER_DRIVER_ACTION>');
  const vms = childrenNamed(child(root, 'VM_POOL')!, 'VM').filter((vm) => {
    const state = num(textAt(vm, 'STATE'), 0);
    const lcm = num(textAt(vm, 'LCM_STATE'), 0);
    return state === 1 || ((state === 8 || lcm === 3 || lcm === 16) && textAt(vm, 'RESCHED') === '1');
  });
  return vms
    .map((vm) => ({ id: num(textAt(vm, 'ID'), -1), priority: Math.fround(num(textAt(vm, 'USER_TEMPLATE', 'USER_PRIORITY'), 0)) }))
    .sort((a, b) => b.priority - a.priority || a.id - b.id)
    .map((v) => v.id);
}
