/**
 * Decisions read from a PLAN, and OpenNebula's candidate priorities read from the oracle
 * harness's rank dump, for comparing two placers VM by VM.
 */

/** VM_ID → "operation host ds nic:net,nic:net". */
export type Decisions = Map<number, string>;

export function planDecisions(plan: string): Decisions {
  const out: Decisions = new Map();
  for (const m of plan.matchAll(/<ACTION>([\s\S]*?)<\/ACTION>/g)) {
    const get = (tag: string): string => new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(m[1])?.[1] ?? '';
    const nics = [...m[1].matchAll(/<NIC>\s*<NIC_ID>(\d+)<\/NIC_ID>\s*<NETWORK_ID>(\d+)<\/NETWORK_ID>\s*<\/NIC>/g)].map((n) => `${n[1]}:${n[2]}`);
    out.set(Number(get('VM_ID')), `${get('OPERATION')} ${get('HOST_ID')} ${get('DS_ID')} ${nics.join(',')}`.trimEnd());
  }
  return out;
}

/** Candidates with OpenNebula's priority, per VM: hosts, datastores, and networks per NIC. */
export interface Ranked {
  hosts: Map<number, Map<number, number>>;
  datastores: Map<number, Map<number, number>>;
  nics: Map<string, Map<number, number>>;
}

/** Lines "H|D|N vm nic id:priority ..." as the harness writes them with ORACLE_RANKS=1. */
export function parseRankDump(text: string): Ranked {
  const r: Ranked = { hosts: new Map(), datastores: new Map(), nics: new Map() };
  for (const line of text.split('\n')) {
    const [kind, vm, nic, ...pairs] = line.trim().split(/\s+/);
    if (!['H', 'D', 'N'].includes(kind)) continue;
    const table = new Map(pairs.map((p) => p.split(':')).map(([id, pr]) => [Number(id), Number(pr)] as [number, number]));
    if (kind === 'H') r.hosts.set(Number(vm), table);
    else if (kind === 'D') r.datastores.set(Number(vm), table);
    else r.nics.set(`${vm}:${nic}`, table);
  }
  return r;
}

export type DiffClass = 'host-tie' | 'ds-tie' | 'nic-tie' | 'real';

const tied = (table: Map<number, number> | undefined, a: number, b: number): boolean =>
  table !== undefined && table.has(a) && table.has(b) && table.get(a) === table.get(b);

/** Whether two decisions for one VM differ only by candidates OpenNebula ranks equal. */
export function classify(vm: number, one: string | undefined, ours: string | undefined, ranked: Ranked): DiffClass {
  if (one === undefined || ours === undefined) return 'real';
  const [op1, h1, d1, n1 = ''] = one.split(' ');
  const [op2, h2, d2, n2 = ''] = ours.split(' ');
  if (op1 !== op2) return 'real';
  if (h1 !== h2) return tied(ranked.hosts.get(vm), Number(h1), Number(h2)) ? 'host-tie' : 'real';
  if (d1 !== d2) return tied(ranked.datastores.get(vm), Number(d1), Number(d2)) ? 'ds-tie' : 'real';
  // NICs in NIC_ID order, as both placers take them: the first one that differs decides.
  const a = new Map(n1.split(',').filter(Boolean).map((p) => p.split(':').map(Number) as [number, number]));
  const b = new Map(n2.split(',').filter(Boolean).map((p) => p.split(':').map(Number) as [number, number]));
  if (a.size !== b.size) return 'real';
  for (const [nic, net] of [...a].sort((x, y) => x[0] - y[0])) {
    const other = b.get(nic);
    if (other === undefined) return 'real';
    if (other !== net) return tied(ranked.nics.get(`${vm}:${nic}`), net, other) ? 'nic-tie' : 'real';
  }
  return 'nic-tie';
}

/**
 * The first VM, in OpenNebula's dispatch order, that the two placers decide differently, and
 * how many later VMs differ too (they follow from it: capacity, leases and CURRENT_VMS change).
 */
export function firstDifference(order: readonly number[], one: Decisions, ours: Decisions, ranked: Ranked):
  { vm: number; cls: DiffClass; later: number } | undefined {
  const differing = order.filter((vm) => one.get(vm) !== ours.get(vm));
  if (differing.length === 0) return undefined;
  const vm = differing[0];
  return { vm, cls: classify(vm, one.get(vm), ours.get(vm), ranked), later: differing.length - 1 };
}
