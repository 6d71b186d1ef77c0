export { hostFromXml } from './host';
export { clusterFromXml } from './cluster';
export { datastoreFromXml } from './datastore';
export { vnetFromXml } from './vnet';
export { vmFromXml } from './vm';
export { hostPoolFromXml, clusterPoolFromXml, datastorePoolFromXml, vnetPoolFromXml, vmPoolFromXml } from './pool';
