/**
 * The shell proper: runs one statement or shell command at a time against a Session and
 * prints what cqlsh would. Used by the interactive loop (interactive.ts) and by the batch
 * runners (-e, -f, piped stdin, SOURCE).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { types } from 'cassandra-driver';
import type { types as DriverTypes } from 'cassandra-driver';
import { CQLSH_VERSION } from './cli-options';
import { parseIdentifier } from '@charybdis/schema';
import { runDescribe } from './describe/describe-command';
import { formatQueryError } from './error-format';
import { helpIndex, helpTopic } from './help-text';
import type { Session } from './session';
import { ShellError } from './shell-error';
import { splitStatements, stripLeading } from './statement-splitter';
import { printRows } from './result-printer';

/** Where the shell writes, and (on a terminal) how it asks to go on after a page. */
export interface ShellIO {
  out(line: string): void;
  err(line: string): void;
  /** Shows `---MORE---` and resolves true to go on, false when the user cancelled. */
  more?(): Promise<boolean>;
  /** Clears the terminal. */
  clear?(): void;
  /** The terminal's height in lines (0 when unknown). */
  screenRows?(): number;
}

/** Where a statement came from, for `file:line:` error prefixes. */
export interface SourceLocation {
  source: string;
  line: number;
}

const CONSISTENCY_LEVELS = ['ANY', 'ONE', 'TWO', 'THREE', 'QUORUM', 'ALL', 'LOCAL_ONE', 'LOCAL_QUORUM', 'EACH_QUORUM', 'SERIAL', 'LOCAL_SERIAL'];
const SERIAL_LEVELS = ['SERIAL', 'LOCAL_SERIAL'];
/** Default page size (cqlsh's). */
export const DEFAULT_PAGE_SIZE = 100;
/**
 * Page size when nothing pauses (paging off, not a terminal, SOURCE): results up to this
 * many rows print as one aligned table; the bound on rows held in memory.
 */
const BULK_FETCH_SIZE = 5000;
/** SOURCE may nest this deep (a file sourcing itself would loop forever). */
const MAX_SOURCE_DEPTH = 10;

/** Session state and the commands that change it. */
export class Shell {
  keyspace: string | undefined;
  consistency = 'ONE';
  serialConsistency = 'SERIAL';
  expand = false;
  paging = true;
  pageSize = DEFAULT_PAGE_SIZE;
  /** Set by EXIT/QUIT. */
  stopped = false;
  /** Set by every error printed (cqlsh exits 2 in batch mode when set). */
  hadError = false;
  #depth = 0;

  /**
   * @param tty true for an interactive terminal: no `file:line:` prefixes, paging with
   *   ---MORE---, a blank line after tables.
   */
  constructor(
    readonly session: Session,
    readonly io: ShellIO,
    readonly tty: boolean,
  ) {}

  /** Prints an error, prefixed by `source:line:` outside a terminal (as cqlsh does). */
  printError(message: string, loc?: SourceLocation): void {
    this.hadError = true;
    this.io.err(loc !== undefined && (!this.tty || this.#depth > 0) ? `${loc.source}:${loc.line}:${message}` : message);
  }

  /**
   * Runs a whole script (a file, -e text, piped input): every complete statement in turn,
   * errors reported and skipped; an unfinished statement at the end is an error.
   */
  async runScript(text: string, source: string): Promise<void> {
    const body = text.replace(/^\ufeff/, ''); // a UTF-8 byte order mark is not part of the first statement
    const input = body.endsWith('\n') ? body : `${body}\n`;
    const { statements, incomplete } = splitStatements(input);
    for (const st of statements) {
      if (this.stopped) return;
      await this.runStatement(st.text, { source, line: st.endLine });
    }
    if (incomplete && !this.stopped) {
      this.printError('Incomplete statement at end of file', { source, line: input.split('\n').length - 1 });
    }
  }

  /** Runs one statement or shell command (without its `;`). */
  async runStatement(statement: string, loc?: SourceLocation): Promise<void> {
    const text = stripLeading(statement).trim();
    if (text === '') return;
    const m = /^([A-Za-z_?]+)\s*(.*)$/s.exec(text);
    const word = m?.[1]?.toLowerCase() ?? '';
    const args = m?.[2] ?? '';
    try {
      switch (word) {
        case 'exit':
        case 'quit':
          this.#expectNoArgs(word, args);
          this.stopped = true;
          return;
        case 'use':
          return await this.#use(text, args, loc);
        case 'consistency':
          return this.#consistency(args);
        case 'serial':
          return this.#serialConsistency(args);
        case 'expand':
          this.expand = this.#onOff('EXPAND', this.expand, args);
          return;
        case 'paging':
          return this.#pagingCommand(args);
        case 'tracing':
          return this.#tracing(args);
        case 'show':
          return this.#show(args);
        case 'help':
        case '?':
          return this.#help(args);
        case 'clear':
        case 'cls':
          this.#expectNoArgs(word, args);
          this.io.clear?.();
          return;
        case 'source':
          return await this.#source(args);
        case 'capture':
        case 'copy':
        case 'login':
        case 'history':
          throw new ShellError(`${word.toUpperCase()} is not supported by this cqlsh yet.`);
        case 'describe':
        case 'desc': {
          const lines = await runDescribe({ client: this.session.client, clusterName: this.session.info.clusterName, keyspace: this.keyspace }, args);
          for (const l of lines) this.io.out(l);
          return;
        }
        default:
          await this.#execute(text, word, loc);
      }
    } catch (err) {
      if ((err as { code?: unknown }).code === 'CQLSH_SHELL_ERROR') this.printError((err as Error).message, loc);
      else this.printError(formatQueryError(err), loc);
    }
  }

  #expectNoArgs(word: string, args: string): void {
    if (args.trim() !== '') throw new ShellError(`Improper ${word.toUpperCase()} command.`);
  }

  async #use(text: string, args: string, loc?: SourceLocation): Promise<void> {
    const name = args.trim();
    if (!/^("(?:[^"]|"")+"|[A-Za-z0-9_]+)$/.test(name)) throw new ShellError('Improper USE command.');
    if (await this.#execute(text, 'use', loc)) this.keyspace = this.session.client.keyspace ?? parseIdentifier(name);
  }

  #consistency(args: string): void {
    const level = args.trim().toUpperCase();
    if (level === '') {
      this.io.out(`Current consistency level is ${this.consistency}.`);
      return;
    }
    if (!CONSISTENCY_LEVELS.includes(level)) throw new ShellError('Improper CONSISTENCY command.');
    this.consistency = level;
    this.io.out(`Consistency level set to ${level}.`);
  }

  #serialConsistency(args: string): void {
    const m = /^consistency\s*(\S*)$/i.exec(args.trim());
    if (m === null) throw new ShellError('Improper SERIAL command.');
    const level = m[1]!.toUpperCase();
    if (level === '') {
      this.io.out(`Current serial consistency level is ${this.serialConsistency}.`);
      return;
    }
    if (!SERIAL_LEVELS.includes(level)) throw new ShellError('Improper SERIAL command.');
    this.serialConsistency = level;
    this.io.out(`Serial consistency level set to ${level}.`);
  }

  /** cqlsh's ON/OFF switch: shows the state without argument, else sets it. */
  #onOff(name: string, current: boolean, args: string): boolean {
    const arg = args.trim().toUpperCase();
    const state = (on: boolean): string => (on ? 'ON' : 'OFF');
    if (arg === '') {
      this.io.out(`${name} is ${state(current)}`);
      return current;
    }
    if (arg !== 'ON' && arg !== 'OFF') throw new ShellError(`Improper ${name} command.`);
    const next = arg === 'ON';
    this.io.out(next === current ? `${name} is already ${state(current)}` : `${name} set to ${arg}`);
    return next;
  }

  #pagingCommand(args: string): void {
    const arg = args.trim();
    if (/^\d+$/.test(arg)) {
      const n = Number(arg);
      if (n < 1) throw new ShellError('Improper PAGING command.');
      this.paging = true;
      this.pageSize = n;
    } else {
      this.paging = this.#onOff('PAGING', this.paging, arg);
      if (!this.paging) this.pageSize = DEFAULT_PAGE_SIZE;
    }
    if (this.paging) this.io.out(`Page size: ${this.pageSize}`);
  }

  #tracing(args: string): void {
    const arg = args.trim().toUpperCase();
    if (arg === '' || arg === 'OFF') {
      this.io.out(arg === '' ? 'TRACING is OFF' : 'TRACING is already OFF');
      return;
    }
    if (arg !== 'ON') throw new ShellError('Improper TRACING command.');
    this.io.out('Tracing is not supported yet: TRACING stays OFF.');
  }

  #show(args: string): void {
    const what = args.trim().toLowerCase();
    const { info, contactPoint } = this.session;
    if (what === 'version') {
      this.io.out(`[cqlsh ${CQLSH_VERSION} | Cassandra ${info.releaseVersion} | CQL spec ${info.cqlVersion} | Native protocol v${info.protocolVersion}]`);
    } else if (what === 'host') {
      this.io.out(`Connected to ${info.clusterName} at ${contactPoint}`);
    } else {
      throw new ShellError('Improper SHOW command.');
    }
  }

  #help(args: string): void {
    const topics = args.trim().split(/\s+/).filter((t) => t !== '');
    if (topics.length === 0) {
      for (const l of helpIndex()) this.io.out(l);
      return;
    }
    for (const t of topics) {
      const text = helpTopic(t);
      if (text === undefined) throw new ShellError(`*** No help on ${t}`);
      for (const l of text.split('\n')) this.io.out(l);
    }
  }

  async #source(args: string): Promise<void> {
    const m = /^'((?:[^']|'')*)'$/.exec(args.trim());
    if (m === null) throw new ShellError('Improper SOURCE command.');
    const file = m[1]!.replace(/''/g, "'").replace(/^~(?=$|\/)/, os.homedir());
    if (this.#depth >= MAX_SOURCE_DEPTH) throw new ShellError(`SOURCE nested more than ${MAX_SOURCE_DEPTH} deep`);
    let text: string;
    try {
      text = fs.readFileSync(path.resolve(file), 'utf8');
    } catch (err) {
      throw new ShellError(`Could not open '${file}': ${(err as Error).message}`);
    }
    this.#depth++;
    try {
      await this.runScript(text, file);
    } finally {
      this.#depth--;
      this.stopped = false; // EXIT in a sourced file ends that file only (cqlsh runs it in a subshell)
    }
  }

  /** Sends a CQL statement and prints its result; false when it failed. */
  async #execute(text: string, word: string, loc?: SourceLocation): Promise<boolean> {
    const interactivePaging = this.tty && this.paging && this.#depth === 0 && this.io.more !== undefined;
    const fetchSize = interactivePaging ? this.pageSize : BULK_FETCH_SIZE;
    const options = {
      prepare: false,
      autoPage: false,
      fetchSize,
      consistency: types.consistencies[toDriverLevel(this.consistency)],
      serialConsistency: types.consistencies[toDriverLevel(this.serialConsistency)],
    };
    let result: DriverTypes.ResultSet;
    try {
      result = await this.session.client.execute(text, [], options);
    } catch (err) {
      this.printError(formatQueryError(err), loc);
      return false;
    }
    const warnings = result.info?.warnings ?? [];
    if (warnings.length > 0) {
      this.io.out('');
      this.io.out('Warnings :');
      for (const w of warnings) {
        this.io.out(w);
        this.io.out('');
      }
    }
    if ((result.columns ?? []).length === 0) return true;
    this.io.out('');
    const count = await printRows(
      {
        out: (l) => this.io.out(l),
        ...(interactivePaging ? { more: () => this.io.more!(), screenRows: this.io.screenRows?.() ?? 0 } : {}),
        expand: this.expand,
        pageSize: this.pageSize,
        nextPage: (pageState) => this.session.client.execute(text, [], { ...options, pageState }),
      },
      result,
    );
    if (word === 'select') this.io.out(`(${count} rows)`);
    return true;
  }
}

function toDriverLevel(level: string): keyof typeof types.consistencies {
  const names: Record<string, keyof typeof types.consistencies> = {
    ANY: 'any', ONE: 'one', TWO: 'two', THREE: 'three', QUORUM: 'quorum', ALL: 'all', LOCAL_ONE: 'localOne',
    LOCAL_QUORUM: 'localQuorum', EACH_QUORUM: 'eachQuorum', SERIAL: 'serial', LOCAL_SERIAL: 'localSerial',
  };
  return names[level] ?? 'one';
}
