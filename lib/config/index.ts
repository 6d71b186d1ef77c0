export { loadConfig, parseConfig, type ConfigEnv, type ParseOptions } from './load';
export { ConfigInvalidError } from './errors';
export * from './types';
