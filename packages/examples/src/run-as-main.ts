/**
 * Running an example module as the process entry point: every program in this
 * package exports `main(argv)` for its tests and runs it only when node was
 * started on that file, so importing a module never starts anything.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * What a throw out of `main` means: `'failure'` is unexpected (the whole error,
 * stack included, goes to stderr; exit code 1); `'usage'` is the user's input,
 * such as a flag out of range (only its message; exit code 2).
 */
export type ThrownErrorMeaning = 'failure' | 'usage';

/** True when the module at `moduleUrl` (pass `import.meta.url`) is the script node was started with. */
export function isEntryPoint(moduleUrl: string): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    // Resolve symlinks on both sides: a bin link or a symlinked checkout still matches.
    return realpathSync(script) === realpathSync(fileURLToPath(moduleUrl));
  } catch {
    return false;
  }
}

/**
 * When the module at `moduleUrl` is the entry point, runs `main` with the
 * process's flags and sets `process.exitCode` from what it resolves to; a throw
 * is reported as `thrown` says. Otherwise does nothing.
 */
export function runAsMain(
  moduleUrl: string,
  main: (argv: readonly string[]) => Promise<number>,
  thrown: ThrownErrorMeaning = 'failure',
): void {
  if (!isEntryPoint(moduleUrl)) return;
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      if (thrown === 'usage') {
        console.error(error instanceof Error ? error.message : error);
        process.exitCode = 2;
      } else {
        console.error(error);
        process.exitCode = 1;
      }
    },
  );
}
