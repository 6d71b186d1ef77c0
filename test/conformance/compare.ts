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
  { path: /\/MONITORING\//, why: 'monitoring: oned\'s dummy probes report random usage' },
  { path: /\/HOST_SHARE\/(FREE|USED)_(CPU|MEM)$/, why: 'monitored usage (random in the dummy probes)' },
  { path: /\/(FREE|USED|TOTAL)_MB$/, why: 'datastore monitoring (the dummy DS reports its own figures)' },
  { path: /\/CONTEXT\/(ONEGATE_ENDPOINT|ONEGATE_TOKEN|TOKEN_PASSWORD)$/, why: 'endpoints and secrets of the run' },
  { path: /\/(TIME|LAST_MON_TIME)$/, why: 'times' },
];

export const ignoredPath = (path: string) => IGNORED.some((i) => i.path.test(path));

const numbersAside = (s: string) => s.replace(/\d+/g, '#');

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
    else if (JSON.stringify(x) !== JSON.stringify(y)) out.push(`${where}: ${path} oned ${JSON.stringify(x)}, simulator ${JSON.stringify(y)}`);
  }
  return out;
}
