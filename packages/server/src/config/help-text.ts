import { CONFIG_KEYS } from './config-keys';

/**
 * The text of `charybdis --help`: usage, how sources combine and where the config file is
 * looked for, then every setting with its option, environment variable and default.
 * Lines fit in 80 columns (except a long `defaultConfigPath`, printed on its own line).
 */
export function helpText(defaultConfigPath = 'conf/charybdis.yaml'): string {
  const lines = [
    'Usage: charybdis [options]',
    '',
    'Starts a Charybdis node. Each setting is taken from, lowest to highest',
    'precedence: its built-in default, the config file, its environment variable,',
    'its command-line option. Options are written --key VALUE or --key=VALUE; in',
    'the config file the key is the option name with underscores (smp: 4).',
    '',
    'Config file: the one named by --config, else by CHARYBDIS_CONF, else',
    `  ${defaultConfigPath}`,
    'if it exists (else none). Relative paths resolve against the current folder.',
    '',
    'Options:',
    '  -c, --config FILE',
    '      YAML config file. env CHARYBDIS_CONF',
    '  -h, --help',
    '      Print this help and exit.',
    '  -V, --version',
    '      Print the version and exit.',
    '',
    'Settings:',
  ];
  for (const key of CONFIG_KEYS) {
    const flags = [key.flag, ...key.flagAliases].map((flag) => `${flag} ${key.metavar}`).join(', ');
    const envs = [key.envVar, ...key.envAliases].join(' or ');
    lines.push(`  ${flags}`, `      ${key.summary}`, `      env ${envs}; default ${key.defaultText}`);
  }
  return `${lines.join('\n')}\n`;
}
