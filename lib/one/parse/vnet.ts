import type { Vnet, XmlNode } from '../../sched/snapshot';
import { child, childrenNamed } from '../xml';
import { expectRoot, ids, requiredInt, text } from './fields';

/** A VNET element (vnet.xsd, or the shorter one of vnet_pool.xsd) as a Vnet. */
export function vnetFromXml(node: XmlNode): Vnet {
  expectRoot(node, 'VNET');
  const arPool = child(node, 'AR_POOL');
  const ranges = arPool === undefined ? [] : childrenNamed(arPool, 'AR');
  return {
    id: requiredInt(node, 'ID'),
    name: text(node, 'NAME'),
    clusterIds: ids(node, 'CLUSTERS'),
    size: ranges.reduce((sum, ar) => sum + requiredInt(ar, 'SIZE'), 0),
    usedLeases: requiredInt(node, 'USED_LEASES'),
    xml: node,
  };
}
