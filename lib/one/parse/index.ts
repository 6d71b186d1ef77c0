export { hostFromXml } from './host';
export { clusterFromXml } from './cluster';
export { datastoreFromXml } from './datastore';
export { vnetFromXml } from './vnet';
export { vmFromXml } from './vm';
export { hostPoolFromXml, clusterPoolFromXml, datastorePoolFromXml, vnetPoolFromXml, vmPoolFromXml, imagePoolFromXml } from './pool';
export { imageFromXml, IMAGE_STATES, type OneImage, type ImageStateName } from './image';
