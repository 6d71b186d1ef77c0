/**
 * Attribute lookup as OpenNebula's rank placer does it (ObjectXML::search): a name is appended
 * to each of the object's search paths and the union is evaluated as ONE XPath expression, so
 * the values come in document order, not in the order of the paths
 * (src/schedm_mad/remotes/rank/src/pool/HostXML.cc, DatastoreXML.cc, VirtualNetworkXML.cc).
 * A name starting with '/' is an absolute XPath instead. Each value is the element's whole
 * text content (xmlNodeGetContent).
 *
 * Each object's index is built once, on first use, and each name's answer is kept: the
 * planner asks the same few names of thousands of objects many times.
 */
import type { Datastore, Host, Vnet, XmlNode } from '../snapshot';
import type { AttrLookup } from './compiled';
import { isPlainAttributeName, searchExpression } from './names';
import { readXPath, selectElements } from './xpath';
import { parseIntLikeIstream } from './numbers';

export type ObjectKind = 'host' | 'datastore' | 'vnet';

/** HostXML's pseudo-attribute: `CURRENT_VMS = 5` holds when VM 5 runs on (or was just dispatched to) the host. */
export const CURRENT_VMS = 'CURRENT_VMS';

/**
 * The VM ids behind each host lookup. Kept beside the lookup functions rather than as a property
 * on them: a property added to thousands of closures makes every call on them slow in V8.
 */
const currentVms = new WeakMap<AttrLookup, readonly number[]>();

interface SearchPaths {
  readonly root: string;
  /** The same paths as XPath prefixes ("/HOST/TEMPLATE/"), for names that are XPath. */
  readonly prefixes: readonly string[];
  /** Parent elements, as steps below the root, whose children are attributes. */
  readonly parents: readonly (readonly string[])[];
}

function searchPaths(root: string, parents: readonly (readonly string[])[]): SearchPaths {
  return { root, parents, prefixes: parents.map((p) => `/${[root, ...p].join('/')}/`) };
}

const SEARCH_PATHS: Record<ObjectKind, SearchPaths> = {
  host: searchPaths('HOST', [['TEMPLATE'], ['HOST_SHARE'], ['HOST_SHARE', 'DATASTORES'], ['MONITORING', 'CAPACITY'], ['MONITORING', 'SYSTEM'], [], ['CLUSTER_TEMPLATE']]),
  datastore: searchPaths('DATASTORE', [['TEMPLATE'], []]),
  vnet: searchPaths('VNET', [['TEMPLATE'], []]),
};

const NONE: readonly string[] = Object.freeze([]);

/**
 * xmlNodeGetContent: the text of the element and of all its descendants, in document order.
 * In a pretty-printed document that includes the indentation between children, where
 * OpenNebula's number reads stop: `<DS>\n  <ID>0</ID>\n  <FREE_MB>9</FREE_MB>\n</DS>` reads as 0.
 */
function content(node: XmlNode): string {
  if (node.children.length === 0) return node.text;
  const runs = node.runs;
  if (runs === undefined) {
    let s = node.text;
    for (const child of node.children) s += content(child);
    return s;
  }
  let s = runs[0];
  for (let k = 0; k < node.children.length; k++) s += content(node.children[k]) + runs[k + 1];
  return s;
}

function childrenNamed(nodes: readonly XmlNode[], name: string): XmlNode[] {
  const out: XmlNode[] = [];
  for (const n of nodes) for (const c of n.children) if (name === '*' || c.name === name) out.push(c);
  return out;
}

/** The attribute values of one XML object, computed once per name. */
class XmlIndex {
  /** Answers so far, by name: lookups read it directly, the hot path is one Map.get. */
  readonly answers = new Map<string, readonly string[]>();
  private parents: readonly XmlNode[] | undefined;
  /** Every child of the search-path elements, in document order (found once, filtered by name per attribute). */
  private attributes: readonly XmlNode[] | undefined;
  private order: Map<XmlNode, number> | undefined;

  constructor(
    private readonly root: XmlNode,
    private readonly paths: SearchPaths,
  ) {}

  values(name: string): readonly string[] {
    const known = this.answers.get(name);
    if (known !== undefined) return known;
    const nodes = this.resolve(name);
    const values = nodes.length === 0 ? NONE : nodes.map(content);
    this.answers.set(name, values);
    return values;
  }

  private resolve(name: string): readonly XmlNode[] {
    // Most names are one element name: one walk, no parsing.
    const direct = this.named(name);
    if (direct.length !== 0) return direct;
    if (!isPlainAttributeName(name)) return this.xpath(name);
    if (name.startsWith('/')) return this.absolute(name);
    const steps = name.split('/').map((s) => s.trim());
    if (steps.length === 1 && steps[0] !== '*') return this.named(steps[0]);
    let found: XmlNode[] = [];
    for (const parent of this.parentNodes()) {
      let set: XmlNode[] = [parent];
      for (const step of steps) set = childrenNamed(set, step);
      found = found.concat(set);
    }
    return this.inDocumentOrder(found);
  }

  /**
   * A quoted name that is XPath beyond plain steps, spliced into the search expression as
   * OpenNebula does; text that is not XPath finds nothing (the compiler refused the rest).
   */
  private xpath(name: string): readonly XmlNode[] {
    const reading = readXPath(searchExpression(name, this.paths.prefixes));
    return reading.kind === 'paths' ? selectElements(this.root, reading.paths) : [];
  }

  /** An absolute XPath made of plain steps; anything else (predicates, axes, functions) finds nothing. */
  private absolute(name: string): readonly XmlNode[] {
    const steps = name.slice(1).split('/').map((s) => s.trim());
    const [first, ...rest] = steps;
    if (first !== '*' && first !== this.root.name) return [];
    let set: XmlNode[] = [this.root];
    for (const step of rest) set = childrenNamed(set, step);
    return this.inDocumentOrder(set);
  }

  /** Every element of the search paths (/HOST/TEMPLATE, /HOST/HOST_SHARE, ... as node sets). */
  private parentNodes(): readonly XmlNode[] {
    if (this.parents === undefined) {
      const out: XmlNode[] = [];
      if (this.root.name === this.paths.root) {
        for (const path of this.paths.parents) {
          let set: XmlNode[] = [this.root];
          for (const step of path) set = childrenNamed(set, step);
          out.push(...set);
        }
      }
      this.parents = out;
    }
    return this.parents;
  }

  /**
   * Children named `name` of the search-path elements, in document order (the name is literal
   * here: an element named "*" does not exist).
   */
  private named(name: string): XmlNode[] {
    if (this.attributes === undefined) {
      const all: XmlNode[] = [];
      if (this.root.name === this.paths.root) collectAttributes(this.root, trieOf(this.paths), all);
      this.attributes = all;
    }
    const out: XmlNode[] = [];
    for (const c of this.attributes) if (c.name === name) out.push(c);
    return out;
  }

  private inDocumentOrder(nodes: XmlNode[]): XmlNode[] {
    if (nodes.length < 2) return nodes;
    if (this.order === undefined) {
      const order = new Map<XmlNode, number>();
      const walk = (n: XmlNode): void => {
        order.set(n, order.size);
        for (const c of n.children) walk(c);
      };
      walk(this.root);
      this.order = order;
    }
    const order = this.order;
    // An XPath union is a node set: each node once, sorted in document order.
    return [...new Set(nodes)].sort((a, b) => order.get(a)! - order.get(b)!);
  }
}

/** The search paths as a trie of element names; `parent` marks a node whose children are attributes. */
interface PathTrie {
  parent: boolean;
  readonly next: Map<string, PathTrie>;
}

const tries = new WeakMap<SearchPaths, PathTrie>();

function trieOf(paths: SearchPaths): PathTrie {
  let trie = tries.get(paths);
  if (trie === undefined) {
    trie = { parent: false, next: new Map() };
    for (const path of paths.parents) {
      let t = trie;
      for (const step of path) {
        let n = t.next.get(step);
        if (n === undefined) {
          n = { parent: false, next: new Map() };
          t.next.set(step, n);
        }
        t = n;
      }
      t.parent = true;
    }
    tries.set(paths, trie);
  }
  return trie;
}

/** A child is taken before the walk goes below it: document order, as the union's node set. */
function collectAttributes(node: XmlNode, trie: PathTrie, out: XmlNode[]): void {
  const children = node.children;
  for (let k = 0; k < children.length; k++) {
    const c = children[k];
    if (trie.parent) out.push(c);
    const below = trie.next.get(c.name);
    if (below !== undefined) collectAttributes(c, below, out);
  }
}

const indexes: Record<ObjectKind, WeakMap<XmlNode, XmlIndex>> = {
  host: new WeakMap(),
  datastore: new WeakMap(),
  vnet: new WeakMap(),
};

function indexOf(root: XmlNode, kind: ObjectKind): XmlIndex {
  let index = indexes[kind].get(root);
  if (index === undefined) {
    index = new XmlIndex(root, SEARCH_PATHS[kind]);
    indexes[kind].set(root, index);
  }
  return index;
}

function plainLookup(root: XmlNode, kind: ObjectKind): AttrLookup {
  const index = indexOf(root, kind);
  const answers = index.answers;
  return (attr) => answers.get(attr) ?? index.values(attr);
}

/** Gives a lookup HostXML's CURRENT_VMS pseudo-attribute over these VM ids (e.g. with VMs dispatched earlier in a plan). */
export function withCurrentVms(lookup: AttrLookup, vmIds: readonly number[]): AttrLookup {
  const wrapped: AttrLookup = (attr) => lookup(attr);
  currentVms.set(wrapped, vmIds);
  return wrapped;
}

function hostXmlLookup(root: XmlNode, vmIds: readonly number[]): AttrLookup {
  const lookup = plainLookup(root, 'host');
  currentVms.set(lookup, vmIds);
  return lookup;
}

/** The VM ids behind CURRENT_VMS, when the lookup is a host's; undefined otherwise. */
export function currentVmsOf(lookup: AttrLookup): readonly number[] | undefined {
  return currentVms.get(lookup);
}

/**
 * Lookup over an object's XML element (HOST, DATASTORE or VNET). For a host, CURRENT_VMS is read
 * from its VMS/ID elements, as HostXML does.
 */
export function xmlLookup(root: XmlNode, kind: ObjectKind): AttrLookup {
  if (kind !== 'host') return plainLookup(root, kind);
  const ids = childrenNamed(childrenNamed([root], 'VMS'), 'ID')
    .map((n) => parseIntLikeIstream(content(n)))
    .filter((v) => v === v);
  return hostXmlLookup(root, ids);
}

const hostLookups = new WeakMap<object, AttrLookup>();

/**
 * A host's attributes: one union over TEMPLATE, HOST_SHARE, HOST_SHARE/DATASTORES,
 * MONITORING/CAPACITY, MONITORING/SYSTEM, the HOST element and CLUSTER_TEMPLATE, first match
 * in document order; CURRENT_VMS over host.vmIds (include VMs already dispatched there in this plan).
 */
export function hostLookup(host: Pick<Host, 'xml' | 'vmIds'>): AttrLookup {
  let lookup = hostLookups.get(host);
  if (lookup === undefined) {
    lookup = hostXmlLookup(host.xml, host.vmIds);
    hostLookups.set(host, lookup);
  }
  return lookup;
}

/** A datastore's attributes: its TEMPLATE and the DATASTORE element. */
export function datastoreLookup(ds: Pick<Datastore, 'xml'>): AttrLookup {
  return plainLookup(ds.xml, 'datastore');
}

/** A virtual network's attributes: its TEMPLATE and the VNET element. */
export function vnetLookup(vnet: Pick<Vnet, 'xml'>): AttrLookup {
  return plainLookup(vnet.xml, 'vnet');
}
