/**
 * The tokens table, opened as the functions open it (SVMSCHED_TABLE_PREFIX, DYNAMODB_ENDPOINT),
 * with the command's flags taking precedence. DynamoDB's failures become TokenStoreError.
 */
import { DynamoDBClient, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { createDynamoClient, documentClient, DynamoTokenRepository, InvalidTokenRequestError, tableNamesFromEnv, TableDeclarationError, type TableNames, type TokenRepository } from '../store';
import { AdminError, AdminUsageError, TokenStoreError } from './errors';

export interface StoreOptions {
  readonly tablePrefix?: string;
  readonly endpoint?: string;
}

export interface OpenTokenStore {
  readonly tokens: TokenRepository;
  /** Where it points, for messages: table name and endpoint (or "AWS"). */
  readonly table: string;
  readonly where: string;
  close(): void;
}

export type Env = Readonly<Record<string, string | undefined>>;

/** The environment the functions would see, with the command's flags taking precedence, and the table names it gives. */
export function storeEnv(options: StoreOptions, env: Env): { readonly env: Env; readonly names: TableNames; readonly where: string } {
  const merged: Env = {
    ...env,
    ...(options.tablePrefix !== undefined ? { SVMSCHED_TABLE_PREFIX: options.tablePrefix } : {}),
    ...(options.endpoint !== undefined ? { DYNAMODB_ENDPOINT: options.endpoint } : {}),
  };
  try {
    return { env: merged, names: tableNamesFromEnv(merged), where: merged.DYNAMODB_ENDPOINT || 'AWS' };
  } catch (err) {
    if (err instanceof TableDeclarationError) throw new AdminUsageError('no table prefix: pass --table-prefix <service>-<stage> or set SVMSCHED_TABLE_PREFIX', { cause: err });
    throw err;
  }
}

export function openTokenStore(options: StoreOptions, env: Env): OpenTokenStore {
  const { env: merged, names, where } = storeEnv(options, env);
  const client: DynamoDBClient = createDynamoClient(merged);
  return { tokens: new DynamoTokenRepository(documentClient(client), names.tokens), table: names.tokens, where, close: () => client.destroy() };
}

/** What an operator can act on, from whatever DynamoDB or the SDK threw. */
export function storeFailure(err: unknown, store: Pick<OpenTokenStore, 'table' | 'where'>): AdminError {
  if (err instanceof AdminError) return err;
  if (err instanceof InvalidTokenRequestError) return new AdminUsageError(err.message, { cause: err });
  if (err instanceof ResourceNotFoundException) {
    return new TokenStoreError(`table ${store.table} does not exist at ${store.where}: check --table-prefix (or SVMSCHED_TABLE_PREFIX)`, { cause: err });
  }
  const e = err as { name?: string; code?: string; message?: string };
  const reason = e?.code ?? e?.name ?? 'error';
  return new TokenStoreError(`cannot use table ${store.table} at ${store.where}: ${reason}: ${e?.message ?? String(err)}`, { cause: err });
}
