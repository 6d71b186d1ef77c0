export {
  XmlRpcOneClient, VM_ACTIONS, POOL_FILTER, MIGRATION_TYPES,
  type OneClient, type OneLogger, type VmAction, type VmPoolQuery, type VmPoolState, type MigrationType, type XmlRpcOneClientOptions,
} from './client';
export { resolveOneConnection, DEFAULT_ONE_ENDPOINT, type OneConnection, type OneConnectionOptions } from './config';
export {
  OneError, OneRpcFaultError, OneUnavailableError, OneTimeoutError, OneProtocolError, OneXmlError, OneAuthMissingError,
  ONE_ERROR_CODES, oneErrorName, type OneErrorName,
} from './errors';
export { parseXml, child, childrenNamed, at, textAt, writeXml, escapeXml } from './xml';
export * from './parse';
