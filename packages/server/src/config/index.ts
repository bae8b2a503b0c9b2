/**
 * Node configuration: conf/charybdis.yaml, CHARYBDIS_* environment variables and
 * command-line options, merged and validated into one NodeConfig at start-up.
 */
export { loadConfig } from './load-config';
export type { LoadConfigOptions, LoadConfigResult } from './load-config';
export type { NodeConfig, SettingName } from './node-config';
export { ConfigError } from './config-error';
export { helpText } from './help-text';
export { defaultConfig } from './default-config';
export type { DefaultConfigOptions } from './default-config';
export { CONFIG_KEYS } from './config-keys';
export type { ConfigKey } from './config-keys';
