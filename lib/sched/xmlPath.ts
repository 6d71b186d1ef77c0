/** Minimal reads of an XmlNode tree by child path ("HOST_SHARE/DATASTORES/DS"), for the few raw fields the planner needs. */
import type { XmlNode } from './snapshot';

/** Every node at `path` under `node`, in document order. */
export function nodesAt(node: XmlNode | undefined, path: string): XmlNode[] {
  if (!node) return [];
  let level: XmlNode[] = [node];
  for (const name of path.split('/')) {
    const next: XmlNode[] = [];
    for (const n of level) for (const c of n.children) if (c.name === name) next.push(c);
    level = next;
  }
  return level;
}

/** Text of the first node at `path`, or undefined when there is none. */
export function textAt(node: XmlNode | undefined, path: string): string | undefined {
  return nodesAt(node, path)[0]?.text;
}

/**
 * A number as C++ `istringstream >> long long` reads it: leading blanks skipped, an optional
 * sign and digits; anything else (no digits) gives the fallback.
 */
export function readInt(text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const m = /^\s*([+-]?\d+)/.exec(text);
  return m ? Number(m[1]) : fallback;
}

/** A number as `istringstream >> float/double` reads it (leading numeric prefix). */
export function readFloat(text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const m = /^\s*([+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?)/.exec(text);
  return m ? Number(m[1]) : fallback;
}
