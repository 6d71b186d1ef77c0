/**
 * Field-by-field comparison of one recorded oned answer with the simulator's answer to the same
 * call: the success flag, the error code and message (numbers in messages aside: they are ids),
 * and every element of a document, by path, with ids and times aside. Returns the differences as
 * lines a test can list.
 */
import type { RecordedValue } from '../../local/sim/recorder';
import { isXml, parseAnswerXml, zeroTimes } from './normalise';

/** Paths whose values differ by nature, not by behaviour. */
const IGNORED: readonly { readonly path: RegExp; readonly why: string }[] = [
  { path: /(^|\/)([A-Z_]*_)?ID$/, why: 'ids' },
  { path: /(^|\/)(UID|GID|OID|HID|CID|DS_ID|SEQ|DEPLOY_ID|VMID)$/, why: 'ids' },
  { path: /\/HISTORY\/(REQ_ID|ACTION)$/, why: 'ids of the request that made the record' },
  { path: /\/MONITORING(\/|$)/, why: 'monitoring: oned\'s dummy probes report random usage, or none' },
  { path: /\/HOST_SHARE\/(PCI_DEVICES|NUMA_NODES)(\/|$)/, why: 'the dummy probes\' made-up PCI devices and NUMA topology' },
  { path: /\/HOST_SHARE\/DATASTORES\/(MAX|FREE|USED)_DISK$/, why: 'monitored disk space of the host (the dummy probes\' figures)' },
  { path: /\/BASE_PATH$/, why: 'where that oned was installed' },
  { path: /\/DISK\/(SOURCE|FORMAT|DRIVER)$/, why: 'what the dummy datastore driver answers for an image (dummy_path, dummy_format)' },
  { path: /\/HOST_SHARE\/(FREE|USED)_(CPU|MEM)$/, why: 'monitored usage (random in the dummy probes)' },
  { path: /\/(FREE|USED|TOTAL)_MB$/, why: 'datastore monitoring (the dummy DS reports its own figures)' },
  { path: /\/CONTEXT\/(ONEGATE_ENDPOINT|ONEGATE_TOKEN|TOKEN_PASSWORD)$/, why: 'endpoints and secrets of the run' },
  { path: /\/(TIME|LAST_MON_TIME)$/, why: 'times' },
  { path: /\/OS\/UUID$/, why: 'a random UUID per VM' },
];

export const ignoredPath = (path: string) => IGNORED.some((i) => i.path.test(path));

/**
 * Where the simulator follows OpenNebula's published XSDs (which its tests validate every
 * document against) and oned itself does not: each difference the replay may still report.
 */
export const SCHEMA_BOUND: readonly { readonly difference: RegExp; readonly why: string }[] = [
  { difference: /VM\/TEMPLATE\/CREATED_BY missing in the simulator/, why: 'oned 7 adds CREATED_BY (the uid that allocated), which vm.xsd\'s TEMPLATE sequence does not allow' },
  { difference: /VM\/TEMPLATE\/TM_MAD_SYSTEM only in the simulator \(\[""\]\)/, why: 'vm.xsd requires TM_MAD_SYSTEM; oned writes it at the first deploy only, the simulator keeps it empty until then' },
];

export const schemaBound = (difference: string) => SCHEMA_BOUND.some((k) => k.difference.test(difference));

const numbersAside = (s: string) => s.replace(/\d+/g, '#');
/** oned writes ctime() times into messages (USER_TEMPLATE/ERROR): the time is set aside, the message is not. */
const ctimeAside = (s: string) => s.replace(/\b[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \d{4}\b/g, '<time>');

export function compareAnswers(where: string, oned: { value?: RecordedValue; fault?: unknown }, sim: { value?: RecordedValue; fault?: unknown }): string[] {
  if ('fault' in oned || 'fault' in sim) {
    return JSON.stringify(oned) === JSON.stringify(sim) ? [] : [`${where}: oned ${JSON.stringify(oned)}, simulator ${JSON.stringify(sim)}`];
  }
  const a = oned.value, b = sim.value;
  if (!Array.isArray(a) || !Array.isArray(b)) return [`${where}: not an oned answer array (oned ${JSON.stringify(a)}, simulator ${JSON.stringify(b)})`];
  const out: string[] = [];
  if (a[0] !== b[0]) return [`${where}: success oned ${String(a[0])}, simulator ${String(b[0])} (${JSON.stringify(b[1])})`];
  if (a[0] === false) {
    if (JSON.stringify(a[2]) !== JSON.stringify(b[2])) out.push(`${where}: error code oned ${JSON.stringify(a[2])}, simulator ${JSON.stringify(b[2])}`);
    if (numbersAside(String(a[1])) !== numbersAside(String(b[1]))) out.push(`${where}: message oned ${JSON.stringify(a[1])}, simulator ${JSON.stringify(b[1])}`);
    return out;
  }
  if (a.length !== b.length) out.push(`${where}: answer length oned ${a.length}, simulator ${b.length}`);
  if (isXml(a[1]) && isXml(b[1])) out.push(...compareDocuments(where, zeroTimes(a[1]), zeroTimes(b[1])));
  else if (typeof a[1] !== typeof b[1]) out.push(`${where}: value type oned ${typeof a[1]}, simulator ${typeof b[1]}`);
  else if (typeof a[1] !== 'number' && JSON.stringify(a[1]) !== JSON.stringify(b[1])) out.push(`${where}: value oned ${JSON.stringify(a[1])}, simulator ${JSON.stringify(b[1])}`);
  return out;
}

export function compareDocuments(where: string, oned: string, sim: string): string[] {
  const a = parseAnswerXml(oned), b = parseAnswerXml(sim);
  const out: string[] = [];
  for (const path of new Set([...a.keys(), ...b.keys()])) {
    if (ignoredPath(path)) continue;
    const x = a.get(path), y = b.get(path);
    if (!x) out.push(`${where}: ${path} only in the simulator (${JSON.stringify(y)})`);
    else if (!y) out.push(`${where}: ${path} missing in the simulator (oned ${JSON.stringify(x)})`);
    else if (JSON.stringify(x.map(ctimeAside)) !== JSON.stringify(y.map(ctimeAside))) out.push(`${where}: ${path} oned ${JSON.stringify(x)}, simulator ${JSON.stringify(y)}`);
  }
  return out;
}
