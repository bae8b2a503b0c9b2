import { CONFIG_KEYS } from './config-keys';
import type { SettingName } from './node-config';
import type { SettingText } from './validate-text-settings';

/**
 * The settings the environment gives: CHARYBDIS_<KEY> for every key (and aliases such as
 * CHARYBDIS_DATA_DIR for workdir, read only when the main variable is not set). An empty
 * variable counts as unset, as with `CHARYBDIS_SMP= charybdis`. Other CHARYBDIS_*
 * variables belong to other parts of the node and are not looked at.
 */
export function readEnv(env: NodeJS.ProcessEnv): Map<SettingName, SettingText> {
  const texts = new Map<SettingName, SettingText>();
  for (const key of CONFIG_KEYS) {
    const variable = [key.envVar, ...key.envAliases].find((name) => (env[name] ?? '') !== '');
    const text = variable === undefined ? undefined : env[variable];
    if (variable !== undefined && text !== undefined) {
      texts.set(key.name, { text, source: `environment variable ${variable}` });
    }
  }
  return texts;
}
