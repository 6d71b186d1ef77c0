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

const TAG = /<(\/?)([A-Za-z_][\w.-]*)[^>]*?(\/?)>|<!\[CDATA\[([\s\S]*?)\]\]>|([^<]+)/g;

/** Splits the request into its REQUIREMENTS section and the rest (with an empty REQUIREMENTS). */
export function splitRequirements(xml: string): { rest: string; section: string } {
  const start = xml.lastIndexOf('<REQUIREMENTS');
  if (start < 0) throw new PlacerInputError('Missing `/SCHEDULER_DRIVER_ACTION/REQUIREMENTS` section in scheduler input');
  const close = xml.indexOf('</REQUIREMENTS>', start);
  const end = close < 0 ? xml.indexOf('>', start) + 1 : close + '</REQUIREMENTS>'.length;
  return { rest: `${xml.slice(0, start)}<REQUIREMENTS/>${xml.slice(end)}`, section: xml.slice(start, end) };
}

export function scanRequirements(section: string): Map<number, Prerequisites> {
  const out = new Map<number, Prerequisites>();
  const path: string[] = [];
  let text = '';
  let vm: Prerequisites | undefined;
  let vmId: number | undefined;
  let nicId: number | undefined;
  let nicVnets: number[] = [];
  const int = (s: string): number => {
    const m = /^\s*([+-]?\d+)/.exec(s);
    return m ? Number(m[1]) : -1;
  };
  TAG.lastIndex = 0;
  for (let m = TAG.exec(section); m; m = TAG.exec(section)) {
    if (m[4] !== undefined || m[5] !== undefined) {
      text += m[4] ?? m[5];
      continue;
    }
    const [, closing, name, selfClosing] = m;
    if (!closing) {
      path.push(name);
      text = '';
      if (name === 'VM' && path.length === 2) {
        vm = { hosts: [], datastores: [], nics: new Map() };
        vmId = undefined;
      } else if (name === 'NIC' && path.length === 3) {
        nicId = undefined;
        nicVnets = [];
      }
      if (!selfClosing) continue;
    }
    const where = path.join('/');
    path.pop();
    if (name !== 'ID' && name !== 'VM' && name !== 'NIC') continue;
    if (where === 'REQUIREMENTS/VM/ID') vmId = int(text);
    else if (where === 'REQUIREMENTS/VM/HOSTS/ID') vm?.hosts.push(int(text));
    else if (where === 'REQUIREMENTS/VM/DATASTORES/ID') vm?.datastores.push(int(text));
    else if (where === 'REQUIREMENTS/VM/NIC/ID') nicId = int(text);
    else if (where === 'REQUIREMENTS/VM/NIC/VNETS/ID') nicVnets.push(int(text));
    else if (where === 'REQUIREMENTS/VM/NIC' && vm && nicId !== undefined) vm.nics.set(nicId, nicVnets);
    else if (where === 'REQUIREMENTS/VM' && vm && vmId !== undefined) {
      const seen = out.get(vmId);
      if (seen) {
        seen.hosts.push(...vm.hosts);
        seen.datastores.push(...vm.datastores);
        for (const [k, v] of vm.nics) seen.nics.set(k, v);
      } else {
        out.set(vmId, vm);
      }
    }
  }
  return out;
}
