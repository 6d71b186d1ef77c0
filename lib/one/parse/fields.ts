/** Reading typed fields from OpenNebula XML elements, with the element path in every error. */
import type { XmlNode } from '../../sched/snapshot';
import { OneXmlError } from '../errors';
import { child, childrenNamed } from '../xml';

const INTEGER = /^\s*[-+]?\d+\s*$/;

function where(node: XmlNode, name: string): string {
  return `${node.name}/${name}`;
}

/** A required xs:integer child. */
export function requiredInt(node: XmlNode, name: string): number {
  const element = child(node, name);
  if (element === undefined) throw new OneXmlError(where(node, name), 'missing');
  return toInt(element.text, where(node, name));
}

/** An optional xs:integer child: `fallback` when missing or empty. */
export function optionalInt(node: XmlNode | undefined, name: string, fallback: number): number {
  const element = node && child(node, name);
  if (element === undefined || element.text.trim() === '') return fallback;
  return toInt(element.text, where(node!, name));
}

/** An optional integer child that may be absent: undefined when missing or empty. */
export function maybeInt(node: XmlNode | undefined, name: string): number | undefined {
  const element = node && child(node, name);
  if (element === undefined || element.text.trim() === '') return undefined;
  return toInt(element.text, where(node!, name));
}

/** xs:integer text as a number; integers beyond 2^53 would lose digits, so they are refused. */
export function toInt(text: string, path: string): number {
  if (!INTEGER.test(text)) throw new OneXmlError(path, `not an integer: ${JSON.stringify(text)}`);
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new OneXmlError(path, `integer out of range: ${text.trim()}`);
  return value;
}

/**
 * A number in a template attribute (CPU = "0.5", MEMORY = "1024"): template values are strings,
 * oned already checked them at allocate, so anything unreadable counts as 0 as in a rank.
 */
export function templateNumber(node: XmlNode | undefined, name: string, fallback = 0): number {
  const element = node && child(node, name);
  if (element === undefined) return fallback;
  const text = element.text.trim();
  if (text === '') return fallback;
  const value = Number(text);
  return Number.isFinite(value) ? value : fallback;
}

/** Text of a child ('' when missing): template attributes and names, exactly as sent. */
export function text(node: XmlNode | undefined, name: string): string {
  const element = node && child(node, name);
  return element === undefined ? '' : element.text;
}

/** A required child element. */
export function requiredChild(node: XmlNode, name: string): XmlNode {
  const element = child(node, name);
  if (element === undefined) throw new OneXmlError(where(node, name), 'missing');
  return element;
}

/** The IDs of an IDS-typed child (`<HOSTS><ID>1</ID><ID>4</ID></HOSTS>`); [] when missing. */
export function ids(node: XmlNode, name: string): number[] {
  const element = child(node, name);
  if (element === undefined) return [];
  return childrenNamed(element, 'ID').map((id) => toInt(id.text, `${where(node, name)}/ID`));
}

/** A state number mapped to its name in OpenNebula's table. */
export function stateName<T extends string>(node: XmlNode, name: string, table: readonly T[]): T {
  const value = requiredInt(node, name);
  const stateName = table[value];
  if (stateName === undefined || stateName === '') throw new OneXmlError(where(node, name), `unknown state ${value}`);
  return stateName;
}

/** Checks the root element's name. */
export function expectRoot(node: XmlNode, name: string): void {
  if (node.name !== name) throw new OneXmlError(node.name, `expected a ${name} element`);
}
