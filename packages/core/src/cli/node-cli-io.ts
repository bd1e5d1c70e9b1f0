import type { CliIo } from './cli-command.js';

/** The real process edges: stdout, stderr and stdin. */
export function nodeCliIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin };
}
