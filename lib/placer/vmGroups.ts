/**
 * The request's VM_GROUP_POOL read as OpenNebula's rank placer reads it (VMGroupXML::init_attributes,
 * VMGroupRoles::from_xml_node, VMGroupRole, VMGroupRule in src/vm_group):
 *  - groups by ID (the first of a repeated ID wins), roles by ID;
 *  - a role without NAME or an integer ID, or repeating one, ends the role list there;
 *  - VMS, HOST_AFFINED, HOST_ANTI_AFFINED: comma lists of integers read as `istringstream >> int`;
 *  - TEMPLATE/AFFINED and TEMPLATE/ANTI_AFFINED: comma lists of role names (trimmed); one unknown
 *    name leaves the rule without roles; roles with ID ≥ 32 are dropped (a 32-bit set); rules
 *    are kept once per role set, ordered by that set read as a number.
 */
import { child, childrenNamed } from '../one/xml';
import type { XmlNode } from '../sched/snapshot';
import { readInt, textAt } from '../sched/xmlPath';

/** VMGroupRoles::MAX_ROLES. */
export const MAX_ROLES = 32;

export type RolePolicy = 'AFFINED' | 'ANTI_AFFINED' | 'NONE';

export interface VmGroupRole {
  readonly id: number;
  readonly name: string;
  readonly policy: RolePolicy;
  /** Ascending, distinct. */
  readonly vms: readonly number[];
  readonly hostAffined: readonly number[];
  readonly hostAntiAffined: readonly number[];
}

export interface VmGroup {
  readonly id: number;
  readonly name: string;
  /** Ascending role ID. */
  readonly roles: readonly VmGroupRole[];
  /** Role sets as 32-bit masks (bit = role ID), ascending, distinct. */
  readonly affined: readonly number[];
  readonly antiAffined: readonly number[];
}

/** `one_util::split_unique(s, ',', std::set<int>)`: empty pieces skipped, unreadable ones too. */
export function splitInts(text: string | undefined): number[] {
  const out = new Set<number>();
  for (const piece of (text ?? '').split(',')) {
    if (piece === '') continue;
    const n = readInt(piece, Number.NaN);
    if (Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31) out.add(n);
  }
  return [...out].sort((a, b) => a - b);
}

function readPolicy(text: string | undefined): RolePolicy {
  const p = (text ?? '').toUpperCase();
  return p === 'AFFINED' || p === 'ANTI_AFFINED' ? p : 'NONE';
}

function readRoles(rolesNode: XmlNode | undefined): VmGroupRole[] {
  const roles = new Map<number, VmGroupRole>();
  const names = new Set<string>();
  for (const role of rolesNode ? childrenNamed(rolesNode, 'ROLE') : []) {
    if (role.children.length === 0) continue; // not a vector attribute
    const name = textAt(role, 'NAME') ?? '';
    const idText = textAt(role, 'ID');
    if (name === '' || idText === undefined || !/^\s*[+-]?\d+$/.test(idText)) break;
    const id = Number(idText.trim());
    if (roles.has(id) || names.has(name)) break;
    names.add(name);
    roles.set(id, {
      id, name, policy: readPolicy(textAt(role, 'POLICY')), vms: splitInts(textAt(role, 'VMS')),
      hostAffined: splitInts(textAt(role, 'HOST_AFFINED')), hostAntiAffined: splitInts(textAt(role, 'HOST_ANTI_AFFINED')),
    });
  }
  return [...roles.values()].sort((a, b) => a.id - b.id);
}

/** VMGroupRoles::names_to_ids then the VMGroupRule constructor, as a role mask. */
function ruleMask(text: string, roles: readonly VmGroupRole[]): number {
  const byName = new Map(roles.map((r) => [r.name, r.id]));
  let mask = 0;
  for (const piece of text.split(',')) {
    if (piece === '') continue;
    const id = byName.get(piece.trim());
    if (id === undefined) return 0;
    if (id >= 0 && id < MAX_ROLES) mask = (mask | (1 << id)) >>> 0;
  }
  return mask;
}

function readRules(template: XmlNode | undefined, name: string, roles: readonly VmGroupRole[]): number[] {
  const masks = new Set((template ? childrenNamed(template, name) : []).map((n) => ruleMask(n.text, roles)));
  return [...masks].sort((a, b) => a - b);
}

export function readVmGroups(root: XmlNode): VmGroup[] {
  const pool = child(root, 'VM_GROUP_POOL');
  const groups = new Map<number, VmGroup>();
  for (const node of pool ? childrenNamed(pool, 'VM_GROUP') : []) {
    if (node.children.length === 0) continue;
    const id = readInt(textAt(node, 'ID'), -1);
    if (groups.has(id)) continue;
    const roles = readRoles(child(node, 'ROLES'));
    const template = child(node, 'TEMPLATE');
    groups.set(id, {
      id, name: textAt(node, 'NAME') ?? 'undefined', roles,
      affined: readRules(template, 'AFFINED', roles), antiAffined: readRules(template, 'ANTI_AFFINED', roles),
    });
  }
  return [...groups.values()].sort((a, b) => a.id - b.id);
}
