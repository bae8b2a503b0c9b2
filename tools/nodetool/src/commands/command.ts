import type { AdminClient } from '../admin-client';
import type { OptionSpec, ParsedCommand } from '../command-line';

/** Where a command writes. `isTTY`: stdout is a terminal (progress lines are shown only then). */
export interface NodetoolIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  readonly isTTY: boolean;
}

/** What a command runs with. */
export interface CommandContext {
  readonly client: AdminClient;
  readonly io: NodetoolIo;
  readonly parsed: ParsedCommand;
  /** Writes one line to stdout. */
  out(line?: string): void;
}

/** One nodetool command: its names, usage, options and argument count, and what it does. */
export interface Command {
  readonly name: string;
  readonly aliases?: readonly string[];
  /** The arguments part of the synopsis, e.g. `[<keyspace> <tables>...]`. */
  readonly synopsis: string;
  readonly summary: string;
  readonly options: readonly OptionSpec[];
  readonly minArgs: number;
  readonly maxArgs: number;
  run(ctx: CommandContext): Promise<void>;
}
