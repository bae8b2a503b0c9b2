/** Where progress goes: process.stderr, or a fake in tests. */
export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(text: string): boolean;
}

/** Width of the bar itself, in characters. */
const BAR_WIDTH = 24;
/** Erase the current terminal line and return to its start. */
const CLEAR_LINE = '\r\x1b[2K';

/**
 * Shows the run's progress on stderr. On a terminal: one line, redrawn in place, with a
 * bar of the planned time done, the current step and its live numbers; warnings are
 * printed above it. Otherwise (a pipe, a log file, CI): one line per finished step and
 * nothing in between. Progress is by plan: finished and skipped steps count their
 * planned time, the running step its elapsed time, so a ramp that stops early moves
 * the bar forward.
 */
export class ProgressReporter {
  readonly #stream: ProgressStream;
  readonly #tty: boolean;
  readonly #totalMs: number;
  #doneMs = 0;
  #step: { label: string; plannedMs: number; elapsedMs: number; live: string } | null = null;
  #drawn = false;

  constructor(stream: ProgressStream, totalPlannedMs: number) {
    this.#stream = stream;
    this.#tty = stream.isTTY === true;
    this.#totalMs = totalPlannedMs;
  }

  /** A step of `plannedMs` starts. */
  begin(label: string, plannedMs: number): void {
    this.#step = { label, plannedMs, elapsedMs: 0, live: '' };
    this.#draw();
  }

  /** Live numbers of the running step (TTY only; ignored otherwise). */
  update(elapsedMs: number, live: string): void {
    if (this.#step === null) return;
    this.#step.elapsedMs = Math.min(elapsedMs, this.#step.plannedMs);
    this.#step.live = live;
    this.#draw();
  }

  /** The running step ended; `line` is its result ("sequential write …: 512 MB/s"). */
  finish(line: string): void {
    if (this.#step !== null) this.#doneMs += this.#step.plannedMs;
    this.#step = null;
    if (this.#tty) this.#draw();
    else this.#stream.write(`iotune: ${line}\n`);
  }

  /** Planned time that will not run (a ramp stopped early); `line` says why. */
  skip(plannedMs: number, line: string): void {
    this.#doneMs += plannedMs;
    if (this.#tty) this.#draw();
    else this.#stream.write(`iotune: ${line}\n`);
  }

  /** A line that must stay visible (a warning, a note). */
  note(line: string): void {
    if (this.#tty && this.#drawn) this.#stream.write(CLEAR_LINE);
    this.#stream.write(`iotune: ${line}\n`);
    this.#drawn = false;
    if (this.#tty && this.#step !== null) this.#draw();
  }

  /** Removes the bar (before the summary is printed). */
  close(): void {
    if (this.#tty && this.#drawn) this.#stream.write(CLEAR_LINE);
    this.#drawn = false;
  }

  #draw(): void {
    if (!this.#tty) return;
    const doneMs = this.#doneMs + (this.#step?.elapsedMs ?? 0);
    const fraction = this.#totalMs > 0 ? Math.min(1, doneMs / this.#totalMs) : 1;
    const filled = Math.round(fraction * BAR_WIDTH);
    const bar = `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}]`;
    const percent = `${String(Math.floor(fraction * 100)).padStart(3)}%`;
    const step = this.#step === null ? '' : `  ${this.#step.label}${this.#step.live === '' ? '' : `  ${this.#step.live}`}`;
    let line = `iotune ${bar} ${percent}${step}`;
    const columns = this.#stream.columns ?? 80;
    if (line.length > columns - 1) line = line.slice(0, Math.max(0, columns - 1));
    this.#stream.write(`${CLEAR_LINE}${line}`);
    this.#drawn = true;
  }
}
