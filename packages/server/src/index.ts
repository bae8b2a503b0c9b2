/**
 * @charybdis/server — the composition root and the `charybdis` process. See README.md.
 */
export { loadConfig, helpText, ConfigError, CONFIG_KEYS, defaultConfig } from './config';
export type { NodeConfig, SettingName, LoadConfigOptions, LoadConfigResult, ConfigKey } from './config';
export { main } from './node/main';
export { NodeSupervisor } from './node/node-supervisor';
