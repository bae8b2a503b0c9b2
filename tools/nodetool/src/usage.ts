import { DEFAULT_HOST, DEFAULT_PORT } from './command-line';
import type { Command } from './commands/command';
import { COMMANDS } from './commands';

const GLOBAL_SYNOPSIS = '[(-h <host> | --host <host>)] [(-p <port> | --port <port>)]';

/** `nodetool help`: the synopsis, the global options and every command. */
export function generalHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length)) + 4;
  const lines = [
    `usage: nodetool ${GLOBAL_SYNOPSIS} <command> [<args>]`,
    '',
    'Global options:',
    `    -h <host>, --host <host>   Node hostname or ip address of the admin API (default ${DEFAULT_HOST})`,
    `    -p <port>, --port <port>   The node's REST admin API port, api_port (default ${DEFAULT_PORT});`,
    '                               not the JMX port of Cassandra: Charybdis has no JMX',
    '    -u, -pw, -pwf              Accepted and ignored (the admin API has no login; keep it on loopback)',
    '',
    'The most commonly used nodetool commands are:',
    ...COMMANDS.map((c) => `    ${c.name.padEnd(width)}${c.summary}`),
    '',
    "See 'nodetool help <command>' for more information on a specific command.",
    'Exit status: 0 success, 1 the operation failed, 2 bad command line.',
  ];
  return lines.join('\n') + '\n';
}

/** `nodetool help <command>`: its synopsis and options. */
export function commandHelp(command: Command): string {
  const lines = [
    'NAME',
    `        nodetool ${command.name} - ${command.summary}`,
    '',
    'SYNOPSIS',
    `        nodetool ${GLOBAL_SYNOPSIS} ${command.name} ${command.synopsis}`.trimEnd(),
  ];
  if (command.aliases !== undefined) lines.push('', 'ALIASES', `        ${command.aliases.join(', ')}`);
  if (command.options.length > 0) {
    lines.push('', 'OPTIONS');
    for (const o of command.options) lines.push(`        ${o.names.join(', ')}${o.takesValue ? ' <value>' : ''}`, `            ${o.help}`, '');
  }
  return lines.join('\n').trimEnd() + '\n';
}
