import type { Cluster, Datastore, Host, Vm, Vnet, XmlNode } from '../../sched/snapshot';
import { childrenNamed } from '../xml';
import { clusterFromXml } from './cluster';
import { datastoreFromXml } from './datastore';
import { hostFromXml } from './host';
import { imageFromXml, type OneImage } from './image';
import { expectRoot, requiredInt } from './fields';
import { vmFromXml } from './vm';
import { vnetFromXml } from './vnet';

function poolOf<T>(root: string, element: string, map: (node: XmlNode) => T): (pool: XmlNode) => T[] {
  return (pool) => {
    expectRoot(pool, root);
    return childrenNamed(pool, element).map(map);
  };
}

/**
 * A HOST_POOL as Hosts. With clusters, each host's XML gains its cluster's template
 * (see hostFromXml).
 */
export function hostPoolFromXml(pool: XmlNode, clusters?: readonly Cluster[]): Host[] {
  expectRoot(pool, 'HOST_POOL');
  const templates = new Map<number, XmlNode>();
  for (const cluster of clusters ?? []) templates.set(cluster.id, cluster.xml);
  return childrenNamed(pool, 'HOST').map((node) => hostFromXml(node, templates.get(requiredInt(node, 'CLUSTER_ID'))));
}

export const clusterPoolFromXml: (pool: XmlNode) => Cluster[] = poolOf('CLUSTER_POOL', 'CLUSTER', clusterFromXml);
export const datastorePoolFromXml: (pool: XmlNode) => Datastore[] = poolOf('DATASTORE_POOL', 'DATASTORE', datastoreFromXml);
export const vnetPoolFromXml: (pool: XmlNode) => Vnet[] = poolOf('VNET_POOL', 'VNET', vnetFromXml);
export const imagePoolFromXml: (pool: XmlNode) => OneImage[] = poolOf('IMAGE_POOL', 'IMAGE', imageFromXml);
export const vmPoolFromXml: (pool: XmlNode) => Vm[] = poolOf('VM_POOL', 'VM', vmFromXml);
