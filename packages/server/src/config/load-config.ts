import fs from 'node:fs';
import path from 'node:path';
import { ConfigError } from './config-error';
import { flattenNestedSettings } from './flatten-nested-settings';
import { helpText } from './help-text';
import type { NodeConfig } from './node-config';
import { parseArgs } from './parse-args';
import { readConfigFile } from './read-config-file';
import { readEnv } from './read-env';
import { resolveConfig } from './resolve-config';
import { validateSettings, type SettingsLayer } from './validate-settings';
import { validateTextSettings, type SettingText } from './validate-text-settings';

/** Everything loadConfig reads, passed in so that it stays a pure function of them. */
export interface LoadConfigOptions {
  /** Command-line arguments after the script: process.argv.slice(2). */
  readonly argv: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  /** Folder relative paths (config file, directories) resolve against. */
  readonly cwd: string;
  /** Config file read when neither --config nor CHARYBDIS_CONF names one, if it exists. */
  readonly defaultConfigPath: string;
  /** Default smp. */
  readonly cpuCount: number;
  /** Default memory is half of it; memory may not exceed it. */
  readonly totalMemoryBytes: number;
}

/** What the supervisor should do: run with a config, or print help or the version. */
export type LoadConfigResult =
  | { readonly kind: 'config'; readonly config: NodeConfig; readonly configPath: string | null }
  | { readonly kind: 'help'; readonly text: string }
  | { readonly kind: 'version' };

/**
 * Builds the node's configuration at start-up from, lowest to highest precedence: the
 * embedded defaults, the config file (--config/-c, else CHARYBDIS_CONF, else
 * `defaultConfigPath` when it exists), CHARYBDIS_* environment variables, command-line
 * options. Pure apart from reading the config file: no output, no exit. Throws a
 * ConfigError (code CHARYBDIS_CONFIG_INVALID) whose one-line message names the source and
 * the key of the first problem found.
 */
export function loadConfig(opts: LoadConfigOptions): LoadConfigResult {
  const args = parseArgs(opts.argv);
  if (args.kind === 'help') return { kind: 'help', text: helpText(opts.defaultConfigPath) };
  if (args.kind === 'version') return { kind: 'version' };

  const layers: SettingsLayer[] = [];
  const configPath = findConfigFile(args.configFile, opts);
  if (configPath !== null) {
    const namedBy = configPath.namedBy;
    const raw = flattenNestedSettings(readConfigFile(configPath.path, namedBy), configPath.path);
    layers.push(
      validateSettings(raw, {
        name: configPath.path,
        where: (key) => `${configPath.path}: ${key}`,
        origin: () => configPath.path,
        written: (key) => raw[key],
      }),
    );
  }
  layers.push(validateTextSettings(readEnv(opts.env)), validateTextSettings(args.settings));
  const config = resolveConfig(layers, opts);
  return { kind: 'config', config, configPath: configPath?.path ?? null };
}

function findConfigFile(
  fromArgs: SettingText | null,
  opts: LoadConfigOptions,
): { path: string; namedBy: string | null } | null {
  const envConf = opts.env.CHARYBDIS_CONF ?? '';
  const named = fromArgs ?? (envConf === '' ? null : { text: envConf, source: 'environment variable CHARYBDIS_CONF' });
  if (named !== null) {
    if (named.text === '') throw new ConfigError(`charybdis: ${named.source} needs a file name (see charybdis --help)`);
    return { path: path.resolve(opts.cwd, named.text), namedBy: named.source };
  }
  const fallback = path.resolve(opts.cwd, opts.defaultConfigPath);
  return fs.existsSync(fallback) ? { path: fallback, namedBy: null } : null;
}
