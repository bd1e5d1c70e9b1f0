import type { ProgressWriter } from './load-replay-options.js';

/** How often the progress line is redrawn. */
const PROGRESS_INTERVAL_MS = 250;

/**
 * Redraws one status line (carriage return, erase line) every 250 ms on an
 * unref'd timer, off the dispatch path. Returns a function that stops it and
 * erases the line. With no writer it does nothing.
 */
export function startProgressLine(writer: ProgressWriter | undefined, text: () => string): () => void {
  if (writer === undefined) return () => {};
  const draw = (): void => {
    writer.write(`\r\x1b[2K${text()}`);
  };
  const timer = setInterval(draw, PROGRESS_INTERVAL_MS);
  timer.unref();
  return () => {
    clearInterval(timer);
    writer.write('\r\x1b[2K');
  };
}
