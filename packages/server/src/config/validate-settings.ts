import type { z } from 'zod';
import { closestName } from './closest-name';
import { ConfigError } from './config-error';
import { CONFIG_KEYS } from './config-keys';
import { describeValue } from './describe-value';
import type { SettingName } from './node-config';
import { settingsSchema, type Settings } from './settings-schema';

/** The settings one source (the config file, the environment, the options) sets. */
export interface SettingsLayer {
  readonly values: Partial<Settings>;
  /** Where each value came from, for messages about several keys ('option --smp'). */
  readonly origins: Partial<Record<SettingName, string>>;
}

/** How error messages name one source and the values in it. */
export interface LayerSource {
  /** The source as a whole: the config file's path. */
  readonly name: string;
  /** Prefix of a message about `key`: '/abs/charybdis.yaml: smp', 'option --smp'. */
  where(key: string): string;
  /** Where the value of `key` came from, in messages about several keys: the file's path. */
  origin(key: SettingName): string;
  /** The value of `key` as the user wrote it, quoted after "got". */
  written(key: string): unknown;
}

const partialSchema = settingsSchema.partial();
const KNOWN_KEYS = CONFIG_KEYS.map((key) => key.name);

/**
 * Validates the settings of one source with the zod schema (unknown keys rejected, every
 * value checked on its own) and turns the first problem into a one-line ConfigError that
 * names the source and the key. A key whose value is null or undefined is left unset,
 * which is how YAML's `key:` asks for the default.
 */
export function validateSettings(raw: Readonly<Record<string, unknown>>, source: LayerSource): SettingsLayer {
  const present = Object.fromEntries(Object.entries(raw).filter(([, value]) => value != null));
  const result = partialSchema.safeParse(present);
  if (!result.success) throw issueToError(result.error.issues, source);
  const origins: Partial<Record<SettingName, string>> = {};
  for (const name of KNOWN_KEYS) {
    if (result.data[name] !== undefined) origins[name] = source.origin(name);
  }
  return { values: result.data, origins };
}

function issueToError(issues: readonly z.core.$ZodIssue[], source: LayerSource): ConfigError {
  // A misspelt key usually explains the other issues too, so it is reported first.
  const unknown = issues.find((issue) => issue.code === 'unrecognized_keys');
  if (unknown?.code === 'unrecognized_keys') {
    const key = unknown.keys[0] ?? '';
    const guess = closestName(key, KNOWN_KEYS);
    const hint = guess === undefined ? `known keys are listed by charybdis --help` : `did you mean '${guess}'?`;
    return new ConfigError(`charybdis: ${source.name}: unknown key '${key}' (${hint})`);
  }
  const key = String(issues[0]?.path[0] ?? '');
  const expected = CONFIG_KEYS.find((k) => k.name === key)?.expected ?? 'a valid value';
  return new ConfigError(`charybdis: ${source.where(key)}: expected ${expected}, got ${describeValue(source.written(key))}`);
}
