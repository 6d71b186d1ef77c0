/**
 * The REQUIREMENTS section (requirements.xsd) read straight from the request text. It lists
 * every matching host of every VM (a million IDs for 1,000 VMs on 1,000 hosts), so it is
 * scanned tag by tag instead of being built into an element tree.
 */
import { PlacerInputError } from './errors';

export interface Prerequisites {
  readonly hosts: number[];
  readonly datastores: number[];
  readonly nics: Map<number, number[]>;
}

/** Splits the request into its REQUIREMENTS section and the rest (with an empty REQUIREMENTS). */
export function splitRequirements(xml: string): { rest: string; section: string } {
  const start = xml.lastIndexOf('<REQUIREMENTS');
  if (start < 0) throw new PlacerInputError('Missing `/SCHEDULER_DRIVER_ACTION/REQUIREMENTS` section in scheduler input');
  const close = xml.indexOf('</REQUIREMENTS>', start);
  const end = close < 0 ? xml.indexOf('>', start) + 1 : close + '</REQUIREMENTS>'.length;
  return { rest: `${xml.slice(0, start)}<REQUIREMENTS/>${xml.slice(end)}`, section: xml.slice(start, end) };
}

/** Leading integer of text[from, to) (blanks skipped), -1 when none. */
function intAt(text: string, from: number, to: number): number {
  let i = from;
  while (i < to && text.charCodeAt(i) <= 32) i++;
  let sign = 1;
  if (text[i] === '-' || text[i] === '+') {
    if (text[i] === '-') sign = -1;
    i++;
  }
  let n = 0;
  let digits = 0;
  for (; i < to; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) break;
    n = n * 10 + c;
    digits++;
  }
  return digits ? sign * n : -1;
}

export function scanRequirements(section: string): Map<number, Prerequisites> {
  const out = new Map<number, Prerequisites>();
  const stack: string[] = [];
  let vm: Prerequisites | undefined;
  let vmId: number | undefined;
  let nicId: number | undefined;
  let nicVnets: number[] = [];
  let textFrom = 0;
  let pos = section.indexOf('<');
  while (pos >= 0) {
    const gt = section.indexOf('>', pos);
    if (gt < 0) break;
    const closing = section.charCodeAt(pos + 1) === 47; // '/'
    if (section.startsWith('<![CDATA[', pos)) {
      // Numbers in CDATA: read them where they are.
      const end = section.indexOf(']]>', pos);
      textFrom = pos + 9;
      pos = section.indexOf('<', end < 0 ? gt : end + 3);
      continue;
    }
    let nameEnd = pos + (closing ? 2 : 1);
    while (nameEnd < gt) {
      const c = section.charCodeAt(nameEnd);
      if (c === 47 || c <= 32) break;
      nameEnd++;
    }
    const name = section.slice(pos + (closing ? 2 : 1), nameEnd);
    const selfClosing = !closing && section.charCodeAt(gt - 1) === 47;
    if (!closing) {
      stack.push(name);
      const depth = stack.length;
      if (depth === 2 && name === 'VM') {
        vm = { hosts: [], datastores: [], nics: new Map() };
        vmId = undefined;
      } else if (depth === 3 && name === 'NIC') {
        nicId = undefined;
        nicVnets = [];
      }
      textFrom = gt + 1;
      if (!selfClosing) {
        pos = section.indexOf('<', gt + 1);
        continue;
      }
    }
    const depth = stack.length;
    if (name === 'ID') {
      const parent = stack[depth - 2];
      const value = intAt(section, textFrom, selfClosing ? textFrom : pos);
      if (depth === 3) vmId = value;
      else if (depth === 4 && parent === 'HOSTS') vm?.hosts.push(value);
      else if (depth === 4 && parent === 'DATASTORES') vm?.datastores.push(value);
      else if (depth === 4 && parent === 'NIC') nicId = value;
      else if (depth === 5 && parent === 'VNETS') nicVnets.push(value);
    } else if (name === 'NIC' && depth === 3 && vm && nicId !== undefined) {
      vm.nics.set(nicId, nicVnets);
    } else if (name === 'VM' && depth === 2 && vm && vmId !== undefined) {
      const seen = out.get(vmId);
      if (seen) {
        seen.hosts.push(...vm.hosts);
        seen.datastores.push(...vm.datastores);
        for (const [k, v] of vm.nics) seen.nics.set(k, v);
      } else {
        out.set(vmId, vm);
      }
    }
    stack.pop();
    pos = section.indexOf('<', gt + 1);
  }
  return out;
}
