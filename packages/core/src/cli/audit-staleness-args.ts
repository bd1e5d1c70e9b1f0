import { CLI_EXIT, type CliArgs, type CliIo } from './cli-command.js';

/** Highest `--threshold-ms` accepted: one hour. */
const THRESHOLD_MS_MAX = 3_600_000;

/**
 * Writes a usage error of `tailguard audit-staleness` (FILE or `--redis`) to
 * stderr with the pointer to `--help`; returns the usage exit code.
 */
export function auditStalenessUsage(io: CliIo, message: string): number {
  io.stderr.write(`tailguard audit-staleness: ${message}\nRun \`tailguard audit-staleness --help\` for usage.\n`);
  return CLI_EXIT.usage;
}

/**
 * `--threshold-ms` in microseconds: `thresholdUs` undefined when the
 * flag is absent (the audit's default applies), or the problem to report when
 * it is not a number of milliseconds in [0, 3600000].
 */
export function thresholdUsOption(values: CliArgs['values']): { ok: true; thresholdUs: number | undefined } | { ok: false; problem: string } {
  const thresholdArg = values['threshold-ms'];
  if (typeof thresholdArg !== 'string') return { ok: true, thresholdUs: undefined };
  const ms = Number(thresholdArg);
  if (thresholdArg.trim() === '' || !Number.isFinite(ms) || ms < 0 || ms > THRESHOLD_MS_MAX) {
    return { ok: false, problem: `--threshold-ms must be a number of milliseconds in [0, ${THRESHOLD_MS_MAX}], got ${JSON.stringify(thresholdArg)}` };
  }
  return { ok: true, thresholdUs: Math.round(ms * 1_000) };
}
