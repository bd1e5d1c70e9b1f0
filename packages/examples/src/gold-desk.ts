/**
 * The main demo: an XAUUSD desk behind a quote-guarded FIX venue, honest
 * clients, a fast algo, two latency arbitrageurs and a replayer over FIX on
 * 127.0.0.1, the guard rolled out off → shadow → 10 % → 50 % → 100 %, a table
 * after each phase and /metrics served on a printed port.
 * `pnpm demo` builds and runs it; docs/gold-desk.md explains the figures.
 */
import { GOLD_DESK_USAGE, parseGoldDeskArgs } from './gold-desk/desk-args.js';
import { runGoldDesk, type DeskOutput } from './gold-desk/gold-desk-run.js';
import { parseFlagsOrUsage } from './parse-flags-or-usage.js';
import { runAsMain } from './run-as-main.js';

export { runGoldDesk, DESK_DETECTION, type DeskOutput, type GoldDeskResult } from './gold-desk/gold-desk-run.js';
export { parseGoldDeskArgs, GOLD_DESK_USAGE, type GoldDeskArgs } from './gold-desk/desk-args.js';

/**
 * Runs the demo with `argv` (flags only) and resolves to the exit code: 0 done,
 * 2 bad flags or the Redis guard unavailable. Everything it starts is stopped
 * before it resolves.
 */
export async function main(argv: readonly string[], out: DeskOutput = process.stdout, err: DeskOutput = process.stderr): Promise<number> {
  const flags = parseFlagsOrUsage(argv, parseGoldDeskArgs, GOLD_DESK_USAGE, out, err);
  if (!flags.ok) return flags.exitCode;
  const args = flags.args;
  const result = await runGoldDesk(args, out, { err });
  return result.exitCode;
}

runAsMain(import.meta.url, main);
