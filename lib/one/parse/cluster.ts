import type { Cluster, XmlNode } from '../../sched/snapshot';
import { child } from '../xml';
import { expectRoot, ids, requiredInt, text } from './fields';

/** A CLUSTER element (cluster.xsd) as a Cluster. */
export function clusterFromXml(node: XmlNode): Cluster {
  expectRoot(node, 'CLUSTER');
  const template = child(node, 'TEMPLATE');
  return {
    id: requiredInt(node, 'ID'),
    name: text(node, 'NAME'),
    hostIds: ids(node, 'HOSTS'),
    datastoreIds: ids(node, 'DATASTORES'),
    vnetIds: ids(node, 'VNETS'),
    reservedCpu: text(template, 'RESERVED_CPU'),
    reservedMem: text(template, 'RESERVED_MEM'),
    xml: node,
  };
}
