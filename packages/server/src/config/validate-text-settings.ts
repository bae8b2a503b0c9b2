import { CONFIG_KEYS, type SettingKind } from './config-keys';
import type { SettingName } from './node-config';
import { validateSettings, type SettingsLayer } from './validate-settings';

/** A setting given as text, by an environment variable or a command-line option. */
export interface SettingText {
  readonly text: string;
  /** Who gave it, as messages say it: 'environment variable CHARYBDIS_SMP', 'option --smp'. */
  readonly source: string;
}

const BOOLEAN_WORDS = new Map([['true', true], ['false', false], ['yes', true], ['no', false], ['1', true], ['0', false]]);

// Decimal numbers only: '0x10' or '2 shards' stay text and are reported as such.
const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?$/i;

/**
 * Turns settings given as strings into typed values (numbers for integer settings,
 * comma-separated lists for list settings) and validates them like the config file's, so
 * the same rules apply everywhere; errors name the variable or option, e.g.
 * `charybdis: option --smp: expected an integer from 1 to 256, got "two"`.
 */
export function validateTextSettings(texts: ReadonlyMap<SettingName, SettingText>): SettingsLayer {
  const raw: Record<string, unknown> = {};
  for (const { name, kind } of CONFIG_KEYS) {
    const given = texts.get(name);
    if (given !== undefined) raw[name] = coerce(given.text, kind);
  }
  const sourceOf = (key: string): string => texts.get(key as SettingName)?.source ?? key;
  return validateSettings(raw, {
    name: 'the environment and options',
    where: sourceOf,
    origin: sourceOf,
    written: (key) => texts.get(key as SettingName)?.text,
  });
}

function coerce(text: string, kind: SettingKind): unknown {
  switch (kind) {
    case 'integer':
      return NUMBER.test(text.trim()) ? Number(text) : text;
    case 'list':
      return text.split(',').map((item) => item.trim());
    case 'boolean':
      return BOOLEAN_WORDS.get(text.trim().toLowerCase()) ?? text;
    case 'size':
    case 'string':
      return text;
  }
}
