import { hasErrorCode } from '@charybdis/core';
import { closestName } from './closest-name';
import { ConfigError } from './config-error';
import { CONFIG_KEYS } from './config-keys';
import type { SettingName } from './node-config';
import type { SettingText } from './validate-text-settings';

/** The command line, understood but not yet validated. */
export type ParsedArgs =
  | { readonly kind: 'help' }
  | { readonly kind: 'version' }
  | {
      readonly kind: 'run';
      /** The config file named by --config/-c, as typed (not resolved). */
      readonly configFile: SettingText | null;
      readonly settings: ReadonlyMap<SettingName, SettingText>;
    };

const HELP = new Set(['--help', '-h']);
const VERSION = new Set(['--version', '-V']);
const CONFIG = new Set(['--config', '-c']);
const SETTING_FLAGS = new Map<string, SettingName>(
  CONFIG_KEYS.flatMap((key) => [key.flag, ...key.flagAliases].map((flag) => [flag, key.name] as const)),
);
const ALL_FLAGS = [...SETTING_FLAGS.keys(), ...HELP, ...VERSION, ...CONFIG].filter((flag) => flag.startsWith('--'));
const NEGATIVE_NUMBER = /^-\d/;
const SEE_HELP = '(see charybdis --help)';

/**
 * Parses `argv` (the arguments after the script, process.argv.slice(2)): `--key VALUE`
 * and `--key=VALUE` for every setting, `--config/-c FILE`, `--help/-h`, `--version/-V`.
 * A later option overrides an earlier one. --help and --version win over everything
 * else, so help can be had even with a broken command line; otherwise the first problem
 * (unknown option, missing value, stray argument) is thrown as a ConfigError.
 */
export function parseArgs(argv: readonly string[]): ParsedArgs {
  let action: 'help' | 'version' | undefined;
  let firstError: ConfigError | undefined;
  let configFile: SettingText | null = null;
  const settings = new Map<SettingName, SettingText>();

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const flag = eq === -1 ? arg : arg.slice(0, eq);
    const inline = eq === -1 ? undefined : arg.slice(eq + 1);
    try {
      if (HELP.has(flag) || VERSION.has(flag)) {
        if (inline !== undefined) throw new ConfigError(`charybdis: option ${flag} takes no value ${SEE_HELP}`);
        action ??= HELP.has(flag) ? 'help' : 'version';
        continue;
      }
      const name = SETTING_FLAGS.get(flag);
      if (name === undefined && !CONFIG.has(flag)) throw unknownArgument(arg, flag);
      let text = inline;
      if (text === undefined) {
        const next = argv[i + 1];
        if (next === undefined || (next.startsWith('-') && next !== '-' && !NEGATIVE_NUMBER.test(next))) {
          throw new ConfigError(`charybdis: option ${flag} needs a value: ${flag} VALUE or ${flag}=VALUE ${SEE_HELP}`);
        }
        text = next;
        i += 1;
      }
      const given = { text, source: `option ${flag}` };
      if (name === undefined) configFile = given;
      else settings.set(name, given);
    } catch (err) {
      if (!hasErrorCode(err, ConfigError.CODE)) throw err;
      firstError ??= err as ConfigError;
    }
  }
  if (action !== undefined) return { kind: action };
  if (firstError !== undefined) throw firstError;
  return { kind: 'run', configFile, settings };
}

function unknownArgument(arg: string, flag: string): ConfigError {
  if (!arg.startsWith('-') || arg === '-') {
    return new ConfigError(`charybdis: unexpected argument ${JSON.stringify(arg)}; settings are given as --key VALUE ${SEE_HELP}`);
  }
  // --native_transport_port is a plausible slip for --native-transport-port.
  const guess = closestName(flag.replace(/_/g, '-'), ALL_FLAGS);
  const hint = guess === undefined ? '' : `; did you mean ${guess}?`;
  return new ConfigError(`charybdis: unknown option ${flag}${hint} ${SEE_HELP}`);
}
