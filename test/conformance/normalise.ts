/**
 * What makes oned's recorded answers comparable with the simulator's: times zeroed (they differ
 * by run), documents flattened to `path → value` for a field-by-field comparison, and the
 * simulator fixture that mirrors the recorded cloud read back from oned's own pools.
 */
import { parseXml } from '../../lib/one/xml';
import type { XmlNode } from '../../lib/sched/snapshot';
import type { Fixture, FixtureTemplate, FixtureValue, FixtureVector } from '../../local/sim/fixture';
import type { Exchange, RecordedValue } from '../../local/sim/recorder';

/** Elements that hold a time: zeroed in fixtures and answers alike. */
const TIMES = new Set(['STIME', 'ETIME', 'PSTIME', 'PETIME', 'RSTIME', 'RETIME', 'ESTIME', 'EETIME', 'LAST_MON_TIME', 'REGTIME', 'TIMESTAMP', 'LAST_POLL', 'DEPLOY_ID_TIME', 'DONE']);

export function zeroTimes(xml: string): string {
  return xml.replace(/<([A-Z_]+)>(\d+)<\/\1>/g, (m, name: string) => (TIMES.has(name) ? `<${name}>0</${name}>` : m));
}

const zeroValue = (v: RecordedValue): RecordedValue =>
  typeof v === 'string' && v.startsWith('<') ? zeroTimes(v) : Array.isArray(v) ? v.map(zeroValue) : v;

export function normaliseExchange(e: Exchange): Exchange {
  const { at: _at, ...rest } = e;
  return { ...rest, at: 0, answer: 'value' in e.answer ? { value: zeroValue(e.answer.value) } : e.answer };
}

/** A document as `path → values`: repeated elements keep their order; a leaf's text is its value. */
export function flatten(node: XmlNode, prefix = '', out = new Map<string, string[]>()): Map<string, string[]> {
  const here = prefix ? `${prefix}/${node.name}` : node.name;
  if (node.children.length === 0) {
    const list = out.get(here) ?? [];
    list.push(node.text);
    out.set(here, list);
  }
  for (const c of node.children) flatten(c, here, out);
  return out;
}

export const isXml = (v: unknown): v is string => typeof v === 'string' && /^\s*</.test(v);

export function parseAnswerXml(v: string): Map<string, string[]> {
  return flatten(parseXml(v));
}

type Raw = (method: string, ...params: (string | number | boolean)[]) => Promise<unknown>;

const text = (n: XmlNode | undefined, name: string) => n?.children.find((c) => c.name === name)?.text ?? '';
const kids = (n: XmlNode | undefined, name: string) => n?.children.filter((c) => c.name === name) ?? [];
const childNode = (n: XmlNode | undefined, name: string) => n?.children.find((c) => c.name === name);

/** The simulator fixture of the cloud oned has: clusters, hosts (as monitored), datastores, networks, images. */
export async function fixtureFromOned(raw: Raw): Promise<Fixture> {
  const [clusters, hosts, dss, vnets, images] = await Promise.all([
    raw('one.clusterpool.info'), raw('one.hostpool.info'), raw('one.datastorepool.info'), raw('one.vnpool.info', -2, -1, -1), raw('one.imagepool.info', -2, -1, -1),
  ].map((p) => p.then((x) => parseXml(String(x)))));
  // A template as the fixture takes it: values, vectors, and repeated attributes as lists.
  const template = (n: XmlNode | undefined, skip: readonly string[] = []): FixtureTemplate => {
    const out: Record<string, (FixtureValue | FixtureVector)[]> = {};
    for (const c of n?.children ?? []) {
      if (skip.includes(c.name)) continue;
      const v = c.children.length === 0 ? c.text : Object.fromEntries(c.children.map((x) => [x.name, x.text]));
      (out[c.name] ??= []).push(v);
    }
    return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, v.length === 1 ? v[0]! : v]));
  };
  return {
    version: '',
    listOrder: 'DESC',
    users: [{ id: 0, name: 'oneadmin', password: 'opennebula', gid: 0, group: 'oneadmin' }],
    clusters: kids(clusters, 'CLUSTER').map((c) => ({ id: Number(text(c, 'ID')), name: text(c, 'NAME'), template: template(childNode(c, 'TEMPLATE')) })),
    hosts: kids(hosts, 'HOST').map((h) => {
      const share = childNode(h, 'HOST_SHARE');
      return {
        id: Number(text(h, 'ID')), name: text(h, 'NAME'), cluster: Number(text(h, 'CLUSTER_ID')), imMad: text(h, 'IM_MAD'), vmMad: text(h, 'VM_MAD'),
        totalCpu: Number(text(share, 'TOTAL_CPU')), totalMem: Number(text(share, 'TOTAL_MEM')),
        template: template(childNode(h, 'TEMPLATE')),
      };
    }),
    datastores: kids(dss, 'DATASTORE').map((d) => ({
      id: Number(text(d, 'ID')), name: text(d, 'NAME'),
      type: (['IMAGE', 'SYSTEM', 'FILE'] as const)[Number(text(d, 'TYPE'))]!,
      clusters: kids(childNode(d, 'CLUSTERS'), 'ID').map((c) => Number(c.text)),
      totalMb: Number(text(d, 'TOTAL_MB')), usedMb: Number(text(d, 'USED_MB')),
      dsMad: text(d, 'DS_MAD'), tmMad: text(d, 'TM_MAD'),
      template: template(childNode(d, 'TEMPLATE'), ['DS_MAD', 'TM_MAD', 'TYPE']),
    })),
    vnets: kids(vnets, 'VNET').map((v) => ({
      id: Number(text(v, 'ID')), name: text(v, 'NAME'), clusters: kids(childNode(v, 'CLUSTERS'), 'ID').map((c) => Number(c.text)),
      bridge: text(v, 'BRIDGE'), vnMad: text(v, 'VN_MAD'),
      ars: kids(childNode(v, 'AR_POOL'), 'AR').map((a) => ({ type: text(a, 'TYPE') as 'IP4', ip: text(a, 'IP'), size: Number(text(a, 'SIZE')) })),
      template: template(childNode(v, 'TEMPLATE')),
    })),
    images: kids(images, 'IMAGE').map((i) => ({ id: Number(text(i, 'ID')), name: text(i, 'NAME'), datastore: Number(text(i, 'DATASTORE_ID')), sizeMb: Number(text(i, 'SIZE')), type: 'OS' as const })),
  };
}
