import path from 'node:path';
import { checkConfig } from './check-config';
import { CONFIG_KEYS } from './config-keys';
import { defaultConfig, type DefaultConfigOptions } from './default-config';
import type { NodeConfig, SettingName } from './node-config';
import type { Settings } from './settings-schema';
import type { SettingsLayer } from './validate-settings';

/**
 * Merges validated layers, lowest precedence first, over the embedded defaults: a later
 * layer wins key by key. The directory defaults follow the final workdir; every path is
 * made absolute against `cwd`. Then the cross-key checks run. Returns a frozen config.
 */
export function resolveConfig(layers: readonly SettingsLayer[], machine: Omit<DefaultConfigOptions, 'workdir'>): NodeConfig {
  const merged: Partial<Record<SettingName, unknown>> = {};
  const origins: Partial<Record<SettingName, string>> = {};
  for (const layer of layers) {
    for (const { name } of CONFIG_KEYS) {
      if (layer.values[name] === undefined) continue;
      merged[name] = layer.values[name];
      origins[name] = layer.origins[name];
    }
  }
  const set = merged as Partial<Settings>;
  const defaults = defaultConfig({ ...machine, workdir: set.workdir });
  const config: NodeConfig = {
    ...defaults,
    ...set,
    workdir: defaults.workdir,
    data_file_directories: set.data_file_directories?.map((dir) => path.resolve(machine.cwd, dir)) ?? defaults.data_file_directories,
    commitlog_directory:
      set.commitlog_directory === undefined ? defaults.commitlog_directory : path.resolve(machine.cwd, set.commitlog_directory),
    io_properties_file:
      set.io_properties_file === undefined ? defaults.io_properties_file : path.resolve(machine.cwd, set.io_properties_file),
    client_encryption_certificate: resolveOptional(machine.cwd, set.client_encryption_certificate),
    client_encryption_keyfile: resolveOptional(machine.cwd, set.client_encryption_keyfile),
    client_encryption_truststore: resolveOptional(machine.cwd, set.client_encryption_truststore),
  };
  checkConfig(config, machine.totalMemoryBytes, (key) => origins[key] ?? 'default');
  return Object.freeze({ ...config, data_file_directories: Object.freeze([...config.data_file_directories]) });
}

function resolveOptional(cwd: string, file: string | undefined): string | null {
  return file === undefined ? null : path.resolve(cwd, file);
}
