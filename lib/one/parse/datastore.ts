import type { Datastore, DatastoreType, XmlNode } from '../../sched/snapshot';
import { OneXmlError } from '../errors';
import { child } from '../xml';
import { expectRoot, ids, requiredInt, text } from './fields';

/** Datastore TYPE numbers (include/Datastore.h, DatastoreType). */
const DATASTORE_TYPES: readonly DatastoreType[] = ['IMAGE', 'SYSTEM', 'FILE', 'BACKUP'];

/** A DATASTORE element (datastore.xsd) as a Datastore. */
export function datastoreFromXml(node: XmlNode): Datastore {
  expectRoot(node, 'DATASTORE');
  const typeNumber = requiredInt(node, 'TYPE');
  const type = DATASTORE_TYPES[typeNumber];
  if (type === undefined) throw new OneXmlError('DATASTORE/TYPE', `unknown datastore type ${typeNumber}`);
  return {
    id: requiredInt(node, 'ID'),
    name: text(node, 'NAME'),
    type,
    clusterIds: ids(node, 'CLUSTERS'),
    totalMb: requiredInt(node, 'TOTAL_MB'),
    freeMb: requiredInt(node, 'FREE_MB'),
    usedMb: requiredInt(node, 'USED_MB'),
    shared: text(child(node, 'TEMPLATE'), 'SHARED').trim().toUpperCase() === 'YES',
    xml: node,
  };
}
