/** The texts of HELP and HELP <topic> (shell commands only; CQL itself is documented online). */

export const HELP_TOPICS: Readonly<Record<string, string>> = {
  CONSISTENCY: `CONSISTENCY [level]
  Shows (no argument) or sets the consistency level of later requests: ANY, ONE, TWO,
  THREE, QUORUM, ALL, LOCAL_ONE, LOCAL_QUORUM, EACH_QUORUM, SERIAL, LOCAL_SERIAL.`,
  SERIAL: `SERIAL CONSISTENCY [level]
  Shows or sets the serial consistency level of conditional updates: SERIAL, LOCAL_SERIAL.`,
  DESCRIBE: `DESCRIBE | DESC
  CLUSTER; KEYSPACES; KEYSPACE [name]; TABLES; TABLE [ks.]name; TYPES; TYPE [ks.]name;
  INDEX [ks.]name; SCHEMA (every non-system keyspace); or just a keyspace or table name.
  Prints CQL that recreates the schema object.`,
  EXPAND: `EXPAND [ON|OFF]
  Shows or sets expanded (vertical) output of rows.`,
  PAGING: `PAGING [ON|OFF|<page size>]
  Shows or sets paging: on a terminal, results are fetched one page at a time and
  ---MORE--- waits for Enter after each page (default page size 100).`,
  TRACING: `TRACING [ON|OFF]
  Request tracing is not supported by this shell yet.`,
  SHOW: `SHOW VERSION | SHOW HOST
  Shows the versions of the shell and server, or where the shell is connected.`,
  SOURCE: `SOURCE '<file>'
  Executes the CQL statements and shell commands of a file. Errors do not stop it.`,
  USE: `USE <keyspace>
  Makes <keyspace> the current keyspace (shown in the prompt).`,
  CLEAR: `CLEAR | CLS
  Clears the terminal.`,
  EXIT: `EXIT | QUIT
  Leaves the shell (Ctrl-D does too).`,
  HELP: `HELP [topic]
  Lists the topics, or shows help on one.`,
};

/** HELP without a topic. */
export function helpIndex(): string[] {
  const names = ['CLEAR', 'CLS', 'CONSISTENCY', 'DESC', 'DESCRIBE', 'EXIT', 'EXPAND', 'HELP', 'PAGING', 'QUIT', 'SERIAL', 'SHOW', 'SOURCE', 'TRACING', 'USE'];
  return ['', 'Documented shell commands:', '===========================', names.join('  '), ''];
}

/** The help text of `topic`, or undefined. */
export function helpTopic(topic: string): string | undefined {
  const t = topic.toUpperCase();
  const alias: Record<string, string> = { DESC: 'DESCRIBE', CLS: 'CLEAR', QUIT: 'EXIT' };
  return HELP_TOPICS[alias[t] ?? t];
}
