/** A single attribute: `NAME = "value"`. */
export interface TemplateSingle {
  readonly name: string;
  readonly value: string;
}

/** One `NAME = value` pair inside a vector attribute. */
export interface TemplatePair {
  readonly name: string;
  readonly value: string;
}

/** A vector attribute: `DISK = [ IMAGE_ID = "3", SIZE = "10" ]`. */
export interface TemplateVector {
  readonly name: string;
  readonly vector: readonly TemplatePair[];
}

/** One top-level attribute of an OpenNebula template, in document order (NIC, DISK... may repeat). */
export type TemplateAttr = TemplateSingle | TemplateVector;

export function isVector(attr: TemplateAttr): attr is TemplateVector {
  return 'vector' in attr;
}

/** Value of the first single attribute called `name` (case-insensitive), or undefined. */
export function templateGet(attrs: readonly TemplateAttr[], name: string): string | undefined {
  const upper = name.toUpperCase();
  for (const attr of attrs) {
    if (!isVector(attr) && attr.name.toUpperCase() === upper) return attr.value;
  }
  return undefined;
}

/** Every vector attribute called `name` (case-insensitive), in document order. */
export function templateVectors(attrs: readonly TemplateAttr[], name: string): TemplateVector[] {
  const upper = name.toUpperCase();
  return attrs.filter((a): a is TemplateVector => isVector(a) && a.name.toUpperCase() === upper);
}

/** Value of `name` inside a vector attribute (case-insensitive), or undefined. */
export function vectorGet(vector: TemplateVector, name: string): string | undefined {
  const upper = name.toUpperCase();
  return vector.vector.find((p) => p.name.toUpperCase() === upper)?.value;
}
