import type { Clock } from '../clock/clock.js';
import { DEFAULT_LATENCY_BOUNDS_NS } from '../window/latency-buckets.js';
import { SlidingWindow, type SlidingWindowOptions } from '../window/sliding-window.js';
import { RECORD_QUOTE_REASONS } from './quote-check.js';
import { PRICE_MOVE_DIRECTIONS, QUOTE_REASONS } from './quote-reasons.js';

/**
 * Upper bounds (ns) of the cumulative quote-age histogram: dense around the
 * presets (15, 50, 100 ms) so ages clustering just under a max age show.
 */
export const QUOTE_AGE_BOUNDS_NS: readonly number[] = Object.freeze(
  [0.5, 1, 2.5, 5, 10, 15, 20, 25, 30, 40, 45, 50, 60, 75, 100, 150, 250, 500, 1_000, 2_500, 5_000, 10_000, 60_000].map((ms) => ms * 1e6),
);

/** Window settings shared by the age and hold windows (clock and bounds are the guard's). */
export type QuoteWindowOptions = Omit<SlidingWindowOptions, 'clock' | 'cumulativeBoundsNs' | 'highestTrackableNs'>;

const R = QUOTE_REASONS.length;
const D = PRICE_MOVE_DIRECTIONS.length;

/**
 * The guard's counters and windows, preallocated at construction. Slot `i` is
 * the i-th configured instrument; the last slot is `other`. Flat typed arrays:
 * - `checks[(slot × reasons + reason) × 2 + enforced]`
 * - `wouldReject[slot × reasons + reason]`
 * - `priceRejects[slot × 2 + direction]` (0 client_favourable, 1 dealer_favourable)
 * - `records[recordReason]` (index in RECORD_QUOTE_REASONS)
 * The hot path only increments these; exporters read them at scrape time.
 */
export class QuoteGuardCounters {
  /** Label of each slot: configured instruments, then `other`. */
  readonly instrumentLabels: readonly string[];
  readonly checks: Float64Array;
  readonly wouldReject: Float64Array;
  readonly priceRejects: Float64Array;
  readonly records: Float64Array;
  /** Quote age at each check where it was measured (≥ 0), ns, per slot. */
  readonly ageWindows: readonly SlidingWindow[];
  /** Time inside the guard per check, ns, per slot. */
  readonly holdWindows: readonly SlidingWindow[];
  /** Checks passed through unevaluated because the rollout mode was `off`. */
  bypassedTotal = 0;
  /** Instruments seen beyond the tracked-instrument bound (their mid is not tracked: no price check). */
  instrumentsUntrackedTotal = 0;

  constructor(instrumentLabels: readonly string[], clock: Clock, window: QuoteWindowOptions = {}) {
    this.instrumentLabels = Object.freeze([...instrumentLabels]);
    const n = instrumentLabels.length;
    this.checks = new Float64Array(n * R * 2);
    this.wouldReject = new Float64Array(n * R);
    this.priceRejects = new Float64Array(n * D);
    this.records = new Float64Array(RECORD_QUOTE_REASONS.length);
    // Not frozen (the readonly type guards them): the check indexes these per call, and
    // a frozen array's element load went through V8's generic keyed-load stub (~1.4 %
    // of an accept's CPU in a perf profile), where a plain array's is inlined.
    this.ageWindows = instrumentLabels.map(() => new SlidingWindow({ ...window, clock, highestTrackableNs: 60e9, cumulativeBoundsNs: QUOTE_AGE_BOUNDS_NS }));
    this.holdWindows = instrumentLabels.map(() => new SlidingWindow({ ...window, clock, highestTrackableNs: 10e9, cumulativeBoundsNs: DEFAULT_LATENCY_BOUNDS_NS }));
  }

  /** Checks of slot `slot` answered with reason code `reason`, enforced or not. */
  checksTotal(slot: number, reason: number, enforced: boolean): number {
    return this.checks[(slot * R + reason) * 2 + (enforced ? 1 : 0)]!;
  }

  /** Unenforced failures of slot `slot` with reason code `reason`. */
  wouldRejectTotal(slot: number, reason: number): number {
    return this.wouldReject[slot * R + reason]!;
  }

  /** PRICE_MOVED outcomes of slot `slot` in direction index `direction` (0 client_favourable, 1 dealer_favourable). */
  priceRejectsTotal(slot: number, direction: number): number {
    return this.priceRejects[slot * D + direction]!;
  }

  /** Rotates every window whose slice is due. */
  tick(nowNs?: number): void {
    for (const w of this.ageWindows) w.tick(nowNs);
    for (const w of this.holdWindows) w.tick(nowNs);
  }

  /** Bytes held by the windows (the counters are negligible). */
  get footprintBytes(): number {
    let total = 0;
    for (const w of this.ageWindows) total += w.footprintBytes;
    for (const w of this.holdWindows) total += w.footprintBytes;
    return total;
  }
}
