/**
 * Builds DynamoDB update and condition expressions from named parts, with every
 * attribute name and value behind a placeholder (reserved words such as state, class
 * and name need no special care, and no value is ever spliced into an expression).
 */
export class ExpressionBuilder {
  private readonly names: Record<string, string> = {};
  private readonly values: Record<string, unknown> = {};
  private readonly sets: string[] = [];
  private readonly removes: string[] = [];
  private readonly adds: string[] = [];

  /** `#n` placeholder of an attribute name. */
  name(attribute: string): string {
    const key = `#${attribute.replace(/[^A-Za-z0-9_]/g, '_')}`;
    this.names[key] = attribute;
    return key;
  }

  /** `:v` placeholder of a value. */
  value(value: unknown): string {
    const key = `:v${Object.keys(this.values).length}`;
    this.values[key] = value;
    return key;
  }

  set(attribute: string, value: unknown): this {
    this.sets.push(`${this.name(attribute)} = ${this.value(value)}`);
    return this;
  }

  appendToList(attribute: string, items: readonly unknown[]): this {
    const n = this.name(attribute);
    this.sets.push(`${n} = list_append(if_not_exists(${n}, ${this.value([])}), ${this.value(items)})`);
    return this;
  }

  add(attribute: string, amount: number): this {
    this.adds.push(`${this.name(attribute)} ${this.value(amount)}`);
    return this;
  }

  remove(attribute: string): this {
    this.removes.push(this.name(attribute));
    return this;
  }

  /** `#a = :v` */
  equals(attribute: string, value: unknown): string {
    return `${this.name(attribute)} = ${this.value(value)}`;
  }

  /** `#a IN (:v0, :v1)` */
  oneOf(attribute: string, values: readonly unknown[]): string {
    return `${this.name(attribute)} IN (${values.map((v) => this.value(v)).join(', ')})`;
  }

  exists(attribute: string): string {
    return `attribute_exists(${this.name(attribute)})`;
  }

  missing(attribute: string): string {
    return `attribute_not_exists(${this.name(attribute)})`;
  }

  lessThan(attribute: string, value: unknown): string {
    return `${this.name(attribute)} < ${this.value(value)}`;
  }

  updateExpression(): string {
    return [
      this.sets.length > 0 ? `SET ${this.sets.join(', ')}` : '',
      this.removes.length > 0 ? `REMOVE ${this.removes.join(', ')}` : '',
      this.adds.length > 0 ? `ADD ${this.adds.join(', ')}` : '',
    ].filter(Boolean).join(' ');
  }

  /** Names and values for the command; values omitted when there are none (DynamoDB refuses an empty map). */
  attributes(): { ExpressionAttributeNames: Record<string, string>; ExpressionAttributeValues?: Record<string, unknown> } {
    return {
      ExpressionAttributeNames: this.names,
      ...(Object.keys(this.values).length > 0 ? { ExpressionAttributeValues: this.values } : {}),
    };
  }
}

export const all = (...parts: string[]): string => parts.map((p) => `(${p})`).join(' AND ');
export const any = (...parts: string[]): string => parts.map((p) => `(${p})`).join(' OR ');
