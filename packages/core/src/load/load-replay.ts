import { systemClock } from '../clock/system-clock.js';
import type { LoadReportRow } from './load-report.js';
import { resolveLoadReplayOptions, type LoadReplayOptions } from './load-replay-options.js';
import { runTimetable } from './load-timetable-run.js';

/**
 * Replays load on `fn` on an open-loop timetable: for each multiplier in turn
 * (default 1x, 2x, 5x), request `i` is due at `i / (tps × multiplier)` seconds
 * after the start, for `durationMs`, whether or not earlier requests finished.
 * Latency is measured from each request's intended start (coordinated omission
 * corrected, as wrk2 does) into an HDR histogram (ns, 3 significant digits);
 * the service time from the actual start is kept beside it, to show what a
 * closed-loop tool would have reported. At most `concurrencyMax` requests are
 * in flight; a due request beyond that waits, and the wait counts.
 *
 * Never throws for an operating condition: errors of `fn` are counted, a rate
 * that could not be offered is reported in the row (`rateOffered`, `shortfalls`).
 * Throws a RangeError/TypeError naming the field for bad configuration.
 * Note: a synchronous `fn` runs on the dispatcher's thread, so a slow call also
 * delays the dispatcher; that delay is counted in corrected latency and, when
 * above `lagMaxMs`, reported as `DISPATCH_LAG`.
 *
 * @example
 * const rows = await replayLoad({ fn: () => signer.sign(payload), tps: 2_000, durationMs: 3_000 });
 * console.log(formatLoadReport(rows));
 */
export async function replayLoad(options: LoadReplayOptions): Promise<LoadReportRow[]> {
  const o = resolveLoadReplayOptions(options);
  const clock = o.clock ?? systemClock();
  const rows: LoadReportRow[] = [];
  for (let i = 0; i < o.multipliers.length; i++) {
    if (i > 0 && o.restMs > 0) await new Promise((r) => setTimeout(r, o.restMs));
    const multiplier = o.multipliers[i]!;
    rows.push(
      await runTimetable({
        fn: o.fn,
        name: o.name,
        multiplier,
        targetTps: o.tps * multiplier,
        durationMs: o.durationMs,
        concurrencyMax: o.concurrencyMax,
        overrunMaxMs: o.overrunMaxMs,
        offeredRatioMin: o.offeredRatioMin,
        lagMaxMs: o.lagMaxMs,
        clock,
        progress: o.progress,
      }),
    );
  }
  return rows;
}
