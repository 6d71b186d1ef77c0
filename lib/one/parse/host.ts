import { HOST_STATES, type Host, type HostShare, type XmlNode } from '../../sched/snapshot';
import { at, child } from '../xml';
import { expectRoot, ids, optionalInt, requiredChild, requiredInt, stateName, text } from './fields';

/**
 * A HOST element (host.xsd) as a Host. With the cluster's TEMPLATE (or its CLUSTER element)
 * the host's XML gains a CLUSTER_TEMPLATE child, as oned's scheduler adds it
 * (HostPoolXML::merge_clusters), so requirements can read cluster attributes.
 */
export function hostFromXml(node: XmlNode, clusterTemplate?: XmlNode): Host {
  expectRoot(node, 'HOST');
  const template = child(node, 'TEMPLATE');
  return {
    id: requiredInt(node, 'ID'),
    name: text(node, 'NAME'),
    state: stateName(node, 'STATE', HOST_STATES),
    clusterId: requiredInt(node, 'CLUSTER_ID'),
    clusterName: text(node, 'CLUSTER'),
    imMad: text(node, 'IM_MAD'),
    vmMad: text(node, 'VM_MAD'),
    share: hostShare(node),
    reservedCpu: text(template, 'RESERVED_CPU'),
    reservedMem: text(template, 'RESERVED_MEM'),
    vmIds: ids(node, 'VMS'),
    xml: clusterTemplate === undefined ? node : withClusterTemplate(node, clusterTemplate),
  };
}

function hostShare(node: XmlNode): HostShare {
  const share = requiredChild(node, 'HOST_SHARE');
  const maxCpu = requiredInt(share, 'MAX_CPU');
  const maxMem = requiredInt(share, 'MAX_MEM');
  const cpuUsage = requiredInt(share, 'CPU_USAGE');
  const memUsage = requiredInt(share, 'MEM_USAGE');
  // Free as the probes measured it (MONITORING/CAPACITY); without monitoring, what oned has
  // not allocated.
  const capacity = at(node, 'MONITORING', 'CAPACITY');
  return {
    totalCpu: requiredInt(share, 'TOTAL_CPU'),
    totalMem: requiredInt(share, 'TOTAL_MEM'),
    maxCpu,
    maxMem,
    cpuUsage,
    memUsage,
    runningVms: requiredInt(share, 'RUNNING_VMS'),
    freeCpu: optionalInt(capacity, 'FREE_CPU', maxCpu - cpuUsage),
    freeMem: optionalInt(capacity, 'FREE_MEMORY', maxMem - memUsage),
  };
}

function withClusterTemplate(host: XmlNode, cluster: XmlNode): XmlNode {
  const template = cluster.name === 'CLUSTER' ? child(cluster, 'TEMPLATE') : cluster;
  if (template === undefined) return host;
  const children = host.children.filter((c) => c.name !== 'CLUSTER_TEMPLATE');
  children.push({ name: 'CLUSTER_TEMPLATE', text: template.text, children: template.children });
  return { name: host.name, text: host.text, children };
}
