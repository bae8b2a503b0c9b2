/**
 * Splits shell input into statements the way cqlsh does: a statement ends at a `;` outside
 * strings, quoted names and comments; shell commands such as DESCRIBE or EXIT also end at
 * the end of their line (cqlsh's `commands_end_with_newline`); a `BEGIN ... BATCH` runs to
 * its `APPLY BATCH;` whatever `;` it contains. Pure: text in, statements out.
 */

/** Shell commands that a newline ends as well as a `;` (cqlsh's list). */
export const COMMANDS_ENDING_AT_NEWLINE: ReadonlySet<string> = new Set([
  'help', '?', 'consistency', 'serial', 'describe', 'desc', 'show', 'source', 'capture', 'login',
  'debug', 'tracing', 'expand', 'paging', 'exit', 'quit', 'clear', 'cls', 'history',
]);

/** One complete statement found in the input. */
export interface SplitStatement {
  /** The statement without leading comments/whitespace and without its final `;`. */
  text: string;
  /** 1-based line (of the whole input) on which the statement ended. */
  endLine: number;
}

/** What `splitStatements` found. */
export interface SplitResult {
  statements: SplitStatement[];
  /** Input after the last complete statement (an incomplete statement, or blanks/comments). */
  rest: string;
  /** True when `rest` holds the start of a statement (not only whitespace and comments). */
  incomplete: boolean;
}

type State = 'code' | 'single' | 'double' | 'dollar' | 'line-comment' | 'block-comment';

/**
 * Splits `input` into complete statements. Line numbers count from `firstLine` (the line
 * number of the input's first character in its file or session).
 */
export function splitStatements(input: string, firstLine = 1): SplitResult {
  const statements: SplitStatement[] = [];
  let state: State = 'code';
  let line = firstLine;
  let start = 0; // start of the current statement in `input`
  let hasCode = false; // the current statement has a token
  let firstWord: string | undefined;
  let words: string[] = []; // last words of the current statement (for APPLY BATCH)
  let word = '';
  let i = 0;

  const endWord = (): void => {
    if (word === '') return;
    if (firstWord === undefined) firstWord = word.toLowerCase();
    words.push(word.toLowerCase());
    if (words.length > 2) words = words.slice(-2);
    word = '';
  };
  const finish = (end: number, next: number): void => {
    statements.push({ text: stripLeading(input.slice(start, end)).trimEnd(), endLine: line });
    start = next;
    hasCode = false;
    firstWord = undefined;
    words = [];
  };

  while (i < input.length) {
    const c = input[i]!;
    const n = input[i + 1];
    if (c === '\n') line++;
    switch (state) {
      case 'code':
        if (/[A-Za-z0-9_?]/.test(c)) {
          word += c;
          hasCode = true;
          i++;
          continue;
        }
        endWord();
        if (c === '-' && n === '-') state = 'line-comment';
        else if (c === '/' && n === '/') state = 'line-comment';
        else if (c === '/' && n === '*') {
          state = 'block-comment';
          i++;
        } else if (c === "'") {
          state = 'single';
          hasCode = true;
        } else if (c === '"') {
          state = 'double';
          hasCode = true;
        } else if (c === '$' && n === '$') {
          state = 'dollar';
          hasCode = true;
          i++;
        } else if (c === ';') {
          const inBatch = firstWord === 'begin' && !(words[0] === 'apply' && words[1] === 'batch');
          if (!inBatch) {
            if (hasCode) finish(i, i + 1);
            else start = i + 1;
          }
        } else if (c === '\n' && hasCode && firstWord !== undefined && COMMANDS_ENDING_AT_NEWLINE.has(firstWord)) {
          line--; // the statement ended on the previous line
          finish(i, i + 1);
          line++;
        } else if (!/\s/.test(c)) {
          hasCode = true;
          // punctuation separates words: "apply batch" must be adjacent words
          if (firstWord === undefined) firstWord = c;
          words.push(c);
          if (words.length > 2) words = words.slice(-2);
        }
        break;
      case 'single':
        if (c === "'") {
          if (n === "'") i++;
          else state = 'code';
        }
        break;
      case 'double':
        if (c === '"') {
          if (n === '"') i++;
          else state = 'code';
        }
        break;
      case 'dollar':
        if (c === '$' && n === '$') {
          state = 'code';
          i++;
        }
        break;
      case 'line-comment':
        if (c === '\n') state = 'code';
        break;
      case 'block-comment':
        if (c === '*' && n === '/') {
          state = 'code';
          i++;
        }
        break;
    }
    i++;
  }
  endWord();
  // A shell command at the very end of the input (no newline yet) is complete too: cqlsh
  // reads whole lines, so `-e "DESCRIBE KEYSPACES"` works without `;`.
  const rest = input.slice(start);
  const incomplete = hasCode || state === 'single' || state === 'double' || state === 'dollar';
  return { statements, rest, incomplete };
}

/** `text` without leading whitespace and comments. */
export function stripLeading(text: string): string {
  let s = text;
  for (;;) {
    const t = s.replace(/^\s+/, '');
    if (t.startsWith('--') || t.startsWith('//')) {
      const nl = t.indexOf('\n');
      s = nl < 0 ? '' : t.slice(nl + 1);
    } else if (t.startsWith('/*')) {
      const end = t.indexOf('*/', 2);
      s = end < 0 ? '' : t.slice(end + 2);
    } else return t;
  }
}
