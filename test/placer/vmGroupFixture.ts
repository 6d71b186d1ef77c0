/** VM groups added to the fixture's SCHEDULER_DRIVER_ACTION documents (vm_group.xsd element order). */
import { requestXml, type RequestSpec } from './requestFixture';

export interface RoleSpec { id: number; name: string; policy?: string; vms?: number[]; hostAffined?: string; hostAntiAffined?: string }
export interface GroupSpec { id: number; roles: RoleSpec[]; affined?: string[]; antiAffined?: string[] }

const tag = (name: string, value: string | number | undefined): string => (value === undefined ? '' : `<${name}><![CDATA[${value}]]></${name}>`);

export function groupXml(g: GroupSpec): string {
  const roles = g.roles.map((r) => `<ROLE>${tag('HOST_AFFINED', r.hostAffined)}${tag('HOST_ANTI_AFFINED', r.hostAntiAffined)}${tag('ID', r.id)}`
    + `${tag('NAME', r.name)}${tag('POLICY', r.policy ?? 'NONE')}${tag('VMS', r.vms?.join(','))}</ROLE>`).join('');
  const rules = [...(g.affined ?? []).map((a) => tag('AFFINED', a)), ...(g.antiAffined ?? []).map((a) => tag('ANTI_AFFINED', a))].join('');
  return `<VM_GROUP><ID>${g.id}</ID><UID>0</UID><GID>0</GID><UNAME>oneadmin</UNAME><GNAME>oneadmin</GNAME><NAME>g${g.id}</NAME>`
    + `<PERMISSIONS><OWNER_U>1</OWNER_U><OWNER_M>1</OWNER_M><OWNER_A>0</OWNER_A><GROUP_U>0</GROUP_U><GROUP_M>0</GROUP_M><GROUP_A>0</GROUP_A><OTHER_U>0</OTHER_U><OTHER_M>0</OTHER_M><OTHER_A>0</OTHER_A></PERMISSIONS>`
    + `<ROLES>${roles}</ROLES><TEMPLATE>${rules}</TEMPLATE></VM_GROUP>`;
}

/** The fixture's request plus a VM_GROUP_POOL, each role's VMs tagged TEMPLATE/VMGROUP/ROLE, and hosts' VMS lists. */
export function request(spec: RequestSpec, groups: GroupSpec[], hostVms: Record<number, number[]> = {}): string {
  let xml = requestXml(spec).replace('<VM_GROUP_POOL/>', `<VM_GROUP_POOL>${groups.map(groupXml).join('')}</VM_GROUP_POOL>`);
  for (const g of groups) {
    for (const r of g.roles) {
      for (const vm of r.vms ?? []) {
        const at = xml.indexOf(`<VM><ID>${vm}</ID>`);
        if (at < 0) continue;
        const t = xml.indexOf('<TEMPLATE>', at) + '<TEMPLATE>'.length;
        xml = `${xml.slice(0, t)}<VMGROUP><ROLE>${r.name}</ROLE><VMGROUP_ID>${g.id}</VMGROUP_ID></VMGROUP>${xml.slice(t)}`;
      }
    }
  }
  for (const [host, ids] of Object.entries(hostVms)) {
    const at = xml.indexOf(`<HOST><ID>${host}</ID>`);
    const v = xml.indexOf('<VMS/>', at);
    xml = `${xml.slice(0, v)}<VMS>${ids.map((id) => `<ID>${id}</ID>`).join('')}</VMS>${xml.slice(v + '<VMS/>'.length)}`;
  }
  return xml;
}

