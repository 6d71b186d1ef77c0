import type { XmlNode } from '../../sched/snapshot';
import { expectRoot, requiredInt, text } from './fields';

/** Image STATE names (include/Image.h, ImageState); index = STATE number. */
export const IMAGE_STATES = ['INIT', 'READY', 'USED', 'DISABLED', 'LOCKED', 'ERROR', 'CLONE', 'DELETE', 'USED_PERS', 'LOCKED_USED', 'LOCKED_USED_PERS'] as const;
export type ImageStateName = (typeof IMAGE_STATES)[number] | 'UNKNOWN';

/** Image TYPE names (include/Image.h, ImageType). */
const IMAGE_TYPES = ['OS', 'CDROM', 'DATABLOCK', 'KERNEL', 'RAMDISK', 'CONTEXT', 'BACKUP'] as const;

/** What svmsched reads of an image: whether a VM can boot from it (the preflight). */
export interface OneImage {
  readonly id: number;
  readonly name: string;
  readonly state: ImageStateName;
  readonly type: string;
  readonly datastoreId: number;
  readonly datastore: string;
}

/** An IMAGE element (image.xsd). */
export function imageFromXml(node: XmlNode): OneImage {
  expectRoot(node, 'IMAGE');
  const state = requiredInt(node, 'STATE');
  const type = requiredInt(node, 'TYPE');
  return {
    id: requiredInt(node, 'ID'),
    name: text(node, 'NAME'),
    state: IMAGE_STATES[state] ?? 'UNKNOWN',
    type: IMAGE_TYPES[type] ?? String(type),
    datastoreId: requiredInt(node, 'DATASTORE_ID'),
    datastore: text(node, 'DATASTORE'),
  };
}
