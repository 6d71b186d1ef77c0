/** Which attribute names svmsched evaluates exactly as OpenNebula does. */
import { readXPath } from './xpath';

const NAME_STEP = /^(?:\*|[A-Za-z_][\w.-]*)$/;

/**
 * True for element paths: NAME, A/B, `*` steps, or an absolute /ROOT/A path (blanks around a
 * step are allowed, as in XPath). Other XPath (operators, predicates, '.', '|') is not evaluated.
 */
export function isPlainAttributeName(name: string): boolean {
  const steps = (name.startsWith('/') ? name.slice(1) : name).split('/');
  return steps.every((s) => NAME_STEP.test(s.trim()));
}

/**
 * The XPath expression OpenNebula's search builds from a name (ObjectXML::search): an absolute
 * name as it is, any other after each of the object's search paths, joined by '|'.
 */
export function searchExpression(name: string, searchPaths: readonly string[]): string {
  return name.startsWith('/') ? name : searchPaths.map((p) => p + name).join('|');
}

/** The search paths of each kind of object, as prefixes (HostXML, DatastoreXML, VirtualNetworkXML). */
export const SEARCH_PREFIXES: readonly (readonly string[])[] = [
  ['/HOST/TEMPLATE/', '/HOST/HOST_SHARE/', '/HOST/HOST_SHARE/DATASTORES/', '/HOST/MONITORING/CAPACITY/', '/HOST/MONITORING/SYSTEM/', '/HOST/', '/HOST/CLUSTER_TEMPLATE/'],
  ['/DATASTORE/TEMPLATE/', '/DATASTORE/'],
  ['/VNET/TEMPLATE/', '/VNET/'],
];

/**
 * Why a name is refused, or undefined when it is fine. `""` reaches OpenNebula's search as a
 * NULL name, which it dereferences (the scheduler aborts). Any other quoted name becomes part
 * of an XPath expression: one that is not XPath finds nothing in OpenNebula (false, or 0 in a
 * rank), and so it does here; XPath beyond element paths (predicates, functions, operators,
 * other axes) would be evaluated by libxml2 in ways not reproduced here, and is refused rather
 * than read differently.
 */
export function nameProblem(name: string | null): string | undefined {
  if (name === null) return 'an attribute name cannot be empty';
  if (isPlainAttributeName(name)) return undefined;
  for (const prefixes of SEARCH_PREFIXES) {
    const reading = readXPath(searchExpression(name, prefixes));
    if (reading.kind === 'unsupported') {
      return `an attribute name must be an element path (NAME, "A/B", "*", "//A", "A|B", "/HOST/A"); ${reading.what} in XPath is not supported`;
    }
  }
  return undefined;
}
