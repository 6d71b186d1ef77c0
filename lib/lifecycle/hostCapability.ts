/**
 * What each host of the cloud could offer a job at best, recorded with the tick's cluster view
 * so that a submit can refuse a request no host could ever satisfy without an OpenNebula call
 * of its own (lib/jobs/feasibility.ts). The host's XML is kept for requirement expressions,
 * with what changes as VMs come and go taken at its best: no usage, everything free.
 */
import type { Host, XmlNode } from '../sched/snapshot';

export interface HostCapability {
  readonly id: number;
  readonly name: string;
  /** CPUs and MB a VM may have on it (HOST_SHARE MAX_CPU / 100, MAX_MEM / 1024). */
  readonly cpu: number;
  readonly memory: number;
  /** The host's attributes as requirement expressions see them, usage at its best. */
  readonly xml: XmlNode;
}

/**
 * An XmlNode as the cluster view stores it: [name, text, ...children], a third of the size of
 * the object form (thousands of hosts' templates are read at every submit and GET /cluster).
 */
export type PackedXml = [string, string, ...PackedXml[]];

/** A HostCapability as the cluster view stores it. */
export type RecordedCapability = Omit<HostCapability, 'xml'> & { readonly xml: PackedXml };

export const packXml = (n: XmlNode): PackedXml => [n.name, n.text, ...n.children.map(packXml)];
export const unpackXml = ([name, text, ...children]: PackedXml): XmlNode => ({ name, text, children: children.map(unpackXml) });

export const recordCapability = (c: HostCapability): RecordedCapability => ({ ...c, xml: packXml(c.xml) });

/** Recorded capabilities back to HostCapability; [] for anything not written by this version. */
export function readCapabilities(recorded: unknown): HostCapability[] {
  if (!Array.isArray(recorded)) return [];
  return recorded.filter((c) => Array.isArray(c?.xml) && typeof c.cpu === 'number' && typeof c.memory === 'number')
    .map((c: RecordedCapability) => ({ ...c, xml: unpackXml(c.xml) }));
}

const leaf = (name: string, text: string): XmlNode => ({ name, text, children: [] });

/** The usage figures an empty host would show, from its own totals. */
function bestShare(share: XmlNode, maxCpu: number, maxMem: number): XmlNode {
  const best: Record<string, string> = { CPU_USAGE: '0', MEM_USAGE: '0', RUNNING_VMS: '0', FREE_CPU: String(maxCpu), FREE_MEM: String(maxMem) };
  const children = share.children.flatMap((c): XmlNode[] => {
    if (c.name === 'DATASTORES') {
      // A system datastore's disk could all be free: FREE_DISK as MAX_DISK.
      return [{ ...c, children: c.children.map((d) => (d.name === 'FREE_DISK' ? leaf('FREE_DISK', c.children.find((x) => x.name === 'MAX_DISK')?.text ?? d.text) : d.name === 'USED_DISK' ? leaf('USED_DISK', '0') : d)) }];
    }
    if (c.children.length > 0) return []; // PCI devices, NUMA nodes: not what requirements name
    return [c.name in best ? leaf(c.name, best[c.name]!) : c];
  });
  return { ...share, children };
}

export function hostCapability(host: Pick<Host, 'id' | 'name' | 'share' | 'xml'>): HostCapability {
  const { maxCpu, maxMem } = host.share;
  const children = host.xml.children.flatMap((c): XmlNode[] => {
    if (c.name === 'TEMPLATE' || c.name === 'CLUSTER_TEMPLATE') return [c];
    if (c.name === 'HOST_SHARE') return [bestShare(c, maxCpu, maxMem)];
    // Measured figures at their best: all of it free, none used.
    if (c.name === 'MONITORING') {
      return [{ ...c, children: [{ name: 'CAPACITY', text: '', children: [leaf('FREE_CPU', String(maxCpu)), leaf('FREE_MEMORY', String(maxMem)), leaf('USED_CPU', '0'), leaf('USED_MEMORY', '0')] }] }];
    }
    return c.children.length === 0 ? [c] : []; // ID, NAME, STATE, IM_MAD, VM_MAD, CLUSTER_ID, CLUSTER...; not the VM list
  });
  return { id: host.id, name: host.name, cpu: maxCpu / 100, memory: Math.floor(maxMem / 1024), xml: { ...host.xml, children } };
}
