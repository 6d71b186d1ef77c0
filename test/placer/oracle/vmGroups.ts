/**
 * VM groups added to a generated case (compare.ts --groups): one to three VM_GROUPs whose roles
 * take VMs of the request (each VM in one role at most, as oned keeps them, plus now and then an
 * ID the pool does not hold), with every role POLICY, HOST_AFFINED / HOST_ANTI_AFFINED lists and
 * AFFINED / ANTI_AFFINED rules between roles (an unknown role name now and then). Each member
 * VM's TEMPLATE gets its VMGROUP/ROLE, which is how the placer finds the running ones.
 * Deterministic: the same seed gives the same groups.
 */
import { mulberry32 } from '../../../lib/replay/prng';

const PERMS = '<PERMISSIONS><OWNER_U>1</OWNER_U><OWNER_M>1</OWNER_M><OWNER_A>0</OWNER_A><GROUP_U>0</GROUP_U><GROUP_M>0</GROUP_M><GROUP_A>0</GROUP_A><OTHER_U>0</OTHER_U><OTHER_M>0</OTHER_M><OTHER_A>0</OTHER_A></PERMISSIONS>';
const cdata = (v: string | number): string => `<![CDATA[${v}]]>`;

export function withVmGroups(request: string, seed: number): string {
  const rnd = mulberry32(seed * 7919 + 17);
  const int = (lo: number, hi: number): number => lo + Math.floor(rnd() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const vmPool = request.slice(0, request.indexOf('</VM_POOL>'));
  const vmIds = [...vmPool.matchAll(/<VM><ID>(\d+)<\/ID>/g)].map((m) => Number(m[1]));
  const hostIds = [...request.matchAll(/<HOST><ID>(\d+)<\/ID>/g)].map((m) => Number(m[1]));
  const free = vmIds.filter(() => rnd() < 0.8).sort(() => rnd() - 0.5);
  const member = new Map<number, { group: number; role: string }>();
  const groups: string[] = [];
  for (let g = 0, n = int(1, 3); g < n; g++) {
    const roles: string[] = [];
    const names: string[] = [];
    for (let r = 0, nr = int(1, 4); r < nr; r++) {
      const name = `r${r}`;
      names.push(name);
      const vms = free.splice(0, int(0, 5));
      for (const id of vms) member.set(id, { group: g, role: name });
      if (rnd() < 0.15) vms.push(int(200, 220));
      const policy = pick(['AFFINED', 'AFFINED', 'ANTI_AFFINED', 'ANTI_AFFINED', 'NONE', undefined]);
      const hosts = (): string => Array.from({ length: int(1, 3) }, () => pick(hostIds)).join(',');
      const ha = rnd() < 0.2 ? `<HOST_AFFINED>${cdata(hosts())}</HOST_AFFINED>` : '';
      const haa = rnd() < 0.2 ? `<HOST_ANTI_AFFINED>${cdata(hosts())}</HOST_ANTI_AFFINED>` : '';
      roles.push(`<ROLE>${ha}${haa}<ID>${r}</ID><NAME>${cdata(name)}</NAME>${policy ? `<POLICY>${cdata(policy)}</POLICY>` : ''}`
        + `${vms.length ? `<VMS>${cdata(vms.join(','))}</VMS>` : ''}</ROLE>`);
    }
    const rule = (): string => {
      const set = names.filter(() => rnd() < 0.6);
      if (rnd() < 0.1) set.push('nosuch');
      return set.join(rnd() < 0.5 ? ',' : ', ');
    };
    // Rules only between roles that are not also anti-affined (oned refuses such a group).
    const affined = names.length > 1 && rnd() < 0.5 ? [rule(), ...(rnd() < 0.3 ? [rule()] : [])] : [];
    const anti = names.length > 1 && affined.length === 0 && rnd() < 0.5 ? [rule()] : [];
    const template = [...affined.map((a) => `<AFFINED>${cdata(a)}</AFFINED>`), ...anti.map((a) => `<ANTI_AFFINED>${cdata(a)}</ANTI_AFFINED>`)].join('');
    groups.push(`<VM_GROUP><ID>${g * 3 + 1}</ID><UID>0</UID><GID>0</GID><UNAME>oneadmin</UNAME><GNAME>oneadmin</GNAME><NAME>g${g}</NAME>${PERMS}`
      + `<ROLES>${roles.join('')}</ROLES><TEMPLATE>${template}</TEMPLATE></VM_GROUP>`);
  }
  let xml = request.replace('<VM_GROUP_POOL/>', `<VM_GROUP_POOL>${groups.join('')}</VM_GROUP_POOL>`);
  // In vm.xsd's (alphabetical) place: just before the template's VMID.
  xml = xml.replace(/<VM><ID>(\d+)<\/ID>([\s\S]*?)<VMID>/g, (m, id: string, mid: string) => {
    const mem = member.get(Number(id));
    return mem ? `<VM><ID>${id}</ID>${mid}<VMGROUP><ROLE>${cdata(mem.role)}</ROLE><VMGROUP_ID>${cdata(mem.group * 3 + 1)}</VMGROUP_ID></VMGROUP><VMID>` : m;
  });
  return xml;
}
