/**
 * Opaque pagination cursors: DynamoDB's LastEvaluatedKey, bound to the query that
 * produced it (index and owner), so a cursor cannot be replayed against another query.
 */
import { InvalidCursorError } from './errors';

export interface CursorScope {
  readonly index: string;
  /** The attributes of a key of this index (table key included). */
  readonly keyAttributes: readonly string[];
  readonly owner?: string;
  /** The query's partition key and value: a cursor's key must lie in that partition, or DynamoDB refuses the query. */
  readonly partition: { readonly name: string; readonly value: string };
}

type Key = Record<string, string>;

export function encodeCursor(scope: CursorScope, key: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify({ v: 1, i: scope.index, o: scope.owner ?? null, k: key }), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string, scope: CursorScope): Key {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch (cause) {
    throw new InvalidCursorError('not a cursor', { cause });
  }
  const c = parsed as { v?: unknown; i?: unknown; o?: unknown; k?: unknown };
  if (typeof c !== 'object' || c === null || c.v !== 1 || typeof c.k !== 'object' || c.k === null) throw new InvalidCursorError('not a cursor');
  if (c.i !== scope.index || c.o !== (scope.owner ?? null)) throw new InvalidCursorError('it belongs to another query');
  const key = c.k as Record<string, unknown>;
  const names = Object.keys(key).sort();
  const wellFormed = names.join() === [...scope.keyAttributes].sort().join()
    && Object.values(key).every((v) => typeof v === 'string' && v.length <= 1024)
    && key[scope.partition.name] === scope.partition.value;
  if (!wellFormed) throw new InvalidCursorError('malformed key');
  return key as Key;
}
