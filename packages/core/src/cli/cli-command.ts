import type { ParseArgsConfig } from 'node:util';

/** Somewhere a command writes text (process.stdout, or a buffer in tests). */
export interface CliOutput {
  write(text: string): unknown;
}

/** The process edges a command may use, passed in so commands run in-process in tests. */
export interface CliIo {
  stdout: CliOutput;
  stderr: CliOutput;
  /** Read when a command is given `-` as its file. */
  stdin?: NodeJS.ReadableStream;
}

/** Exit codes of the `tailguard` CLI. */
export const CLI_EXIT = Object.freeze({
  /** Success. */
  ok: 0,
  /** The input had malformed lines (each one was named on stderr). */
  malformedInput: 1,
  /** Bad arguments, unreadable file, unusable header: nothing was audited. */
  usage: 2,
  /** A bug: an unexpected exception. */
  internal: 70,
});

/** Parsed arguments handed to {@link CliCommand.run}. */
export interface CliArgs {
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  positionals: string[];
}

/**
 * One `tailguard <name>` subcommand. Commands are plain table entries (see
 * `CLI_COMMANDS`): a new command is one file and one line in the table.
 * `--help`/`-h` is added to every command by the dispatcher.
 */
export interface CliCommand {
  /** Subcommand name, e.g. `audit-staleness`. */
  name: string;
  /** One line for `tailguard --help`. */
  summary: string;
  /** Full text for `tailguard <name> --help`: usage line, arguments, options, exit codes. */
  help: string;
  /** node:util parseArgs options (strict parsing: unknown options are usage errors). */
  options: NonNullable<ParseArgsConfig['options']>;
  /** Runs the command and resolves to the process exit code (see {@link CLI_EXIT}). */
  run(args: CliArgs, io: CliIo): Promise<number>;
}
