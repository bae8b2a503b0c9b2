/**
 * Asks for a password on the terminal without echoing it (cqlsh's getpass when `-u` is
 * given without `-p`). Enter ends it, Backspace edits, Ctrl-C or Ctrl-D abandon it.
 */
import type { ReadStream } from 'node:tty';

/** Resolves the typed password, or undefined when the user pressed Ctrl-C or Ctrl-D. */
export function askPassword(input: ReadStream, output: NodeJS.WritableStream, prompt = 'Password: '): Promise<string | undefined> {
  return new Promise((resolve) => {
    let typed = '';
    // Echo off before the prompt shows: a password typed ahead must not be echoed.
    input.setRawMode(true);
    input.resume();
    output.write(prompt);
    const finish = (value: string | undefined): void => {
      input.off('data', onData);
      input.setRawMode(false);
      input.pause();
      output.write('\n');
      resolve(value);
    };
    const onData = (chunk: Buffer): void => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return finish(typed);
        if (ch === '\x03' || ch === '\x04') return finish(undefined);
        if (ch === '\x7f' || ch === '\b') typed = [...typed].slice(0, -1).join('');
        else if (ch >= ' ') typed += ch;
      }
    };
    input.on('data', onData);
  });
}
