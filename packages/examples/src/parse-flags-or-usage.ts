/**
 * The flag handling every demo's `main` starts with: bad flags print the
 * problem and the usage text on stderr (exit code 2), `--help` prints the
 * usage text on stdout (exit code 0), anything else goes on to run.
 */

/** Where a demo writes. */
interface TextOutput {
  write(text: string): unknown;
}

/** Parsed flags to run with, or the exit code `main` returns at once. */
export type FlagsOrExit<T> = { ok: true; args: T } | { ok: false; exitCode: 0 | 2 };

/**
 * Parses `argv` with `parse` (which throws an error naming the flag on bad
 * input); on a throw or `--help` writes as above and returns the exit code.
 */
export function parseFlagsOrUsage<T extends { help: boolean }>(
  argv: readonly string[],
  parse: (argv: readonly string[]) => T,
  usage: string,
  out: TextOutput,
  err: TextOutput,
): FlagsOrExit<T> {
  let args: T;
  try {
    args = parse(argv);
  } catch (error) {
    err.write(`${error instanceof Error ? error.message : String(error)}\n\n${usage}`);
    return { ok: false, exitCode: 2 };
  }
  if (args.help) {
    out.write(usage);
    return { ok: false, exitCode: 0 };
  }
  return { ok: true, args };
}
