import type { Clock } from '../clock/clock.js';
import type { DetectionStateStore } from './detection-state-store.js';

/** Markout horizons of the issue: 100 ms, 1 s, 5 s, 60 s. */
export const DEFAULT_MARKOUT_HORIZONS_MS: readonly number[] = Object.freeze([100, 1_000, 5_000, 60_000]);

/**
 * Upper bounds (µs) of the quote-age-at-execution buckets: fine below 100 ms,
 * where the per-instrument max ages live (crypto 15, gold 50, equities 100 ms),
 * so a cluster just under the max age shows. One more bucket holds the rest.
 */
export const DEFAULT_QUOTE_AGE_BOUNDS_US: readonly number[] = Object.freeze([
  1_000, 2_000, 5_000, 10_000, 15_000, 20_000, 25_000, 30_000, 35_000, 40_000, 45_000, 50_000, 60_000, 75_000,
  100_000, 150_000, 250_000, 500_000, 1_000_000, 3_000_000,
]);

/** Configuration of an {@link ArbitrageDetector}. Every bound is named; every unit is in the name. */
export interface DetectionOptions {
  /** Clock for converting `execEpochUs` to monotonic time and stamping flags. Default the system clock. */
  clock?: Clock;
  /** Per-client state store. Default an in-memory LRU store of `clientsMax` clients. */
  store?: DetectionStateStore;
  /** Maximum clients with state (LRU beyond it; evictions counted). Default 10 000. Ignored when `store` is given. */
  clientsMax?: number;
  /** Maximum instruments with a known mid. Default 1 024. */
  instrumentsMax?: number;
  /** Markout horizons, ascending, 1 ms to 1 h. Default {@link DEFAULT_MARKOUT_HORIZONS_MS}. */
  markoutHorizonsMs?: readonly number[];
  /** Maximum pending markouts per horizon; beyond it a markout is dropped and counted. Default 16 384. */
  pendingMarkoutsMax?: number;
  /** Maximum open entries on the review list; beyond it a new flag is kept on the client but not listed, and counted. Default 1 000. */
  reviewListMax?: number;
  /** Recent executions kept per client for evidence. Default 5. */
  samplesPerClientMax?: number;

  /** Executions in the per-client pre-filter window (ring). Default 16. */
  intervalWindowExecutions?: number;
  /** An interval shorter than this counts as fast. Default 15 ms. */
  fastIntervalMsMax?: number;
  /** Fast intervals in the window that put a client on watch (rule FAST_INTERVALS). Default 3. */
  fastIntervalsMin?: number;
  /** Consecutive executions examined by the burst rule (FAST_BURST). Default 10. */
  burstExecutionsMin?: number;
  /** The burst rule trips when those executions average less than this apart. Default 50 ms. */
  burstMeanIntervalMsMax?: number;

  /** Markouts needed at a horizon before its t-statistic counts. Default 30. */
  markoutNMin?: number;
  /** Same, for a client on watch (closer scrutiny). Default 20. */
  watchMarkoutNMin?: number;
  /** t-statistic a horizon must exceed. Default 3. */
  markoutTMin?: number;
  /**
   * Horizons that must each pass (n ≥ min and t > markoutTMin) to flag. Default 2:
   * one horizon re-tested after every markout crosses t > 3 by chance for
   * about 1 neutral client in 100 (see docs/detection.md); two agreeing horizons make that rare.
   */
  markoutHorizonsMin?: number;

  /** Stale-hit samples needed before the share counts. Default 30. */
  staleHitNMin?: number;
  /** Share of stale hits (mid already moved in the client's favour) that flags. Default 0.7 (uninformed flow ≈ 0.5). */
  staleHitShareMin?: number;
  /** Binomial z against 0.5 that must also be exceeded. Default 4. */
  staleHitZMin?: number;

  /** Quote-age-at-execution bucket bounds, µs, ascending. Default {@link DEFAULT_QUOTE_AGE_BOUNDS_US}. */
  quoteAgeBoundsUs?: readonly number[];
}

/** Options with every default filled in and validated. */
export type ResolvedDetectionOptions = Required<Omit<DetectionOptions, 'clock' | 'store'>>;

function intIn(field: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`ArbitrageDetector: ${field} must be an integer in [${min}, ${max}], got ${value}`);
  }
  return value;
}

function numIn(field: string, value: number, minExclusive: number, max: number): number {
  if (!Number.isFinite(value) || value <= minExclusive || value > max) {
    throw new RangeError(`ArbitrageDetector: ${field} must be a number in (${minExclusive}, ${max}], got ${value}`);
  }
  return value;
}

function ascending(field: string, values: readonly number[], min: number, max: number, maxLength: number): readonly number[] {
  if (!Array.isArray(values) || values.length < 1 || values.length > maxLength) {
    throw new RangeError(`ArbitrageDetector: ${field} must be a non-empty array of at most ${maxLength} numbers`);
  }
  for (let i = 0; i < values.length; i++) {
    intIn(`${field}[${i}]`, values[i]!, min, max);
    if (i > 0 && values[i]! <= values[i - 1]!) {
      throw new RangeError(`ArbitrageDetector: ${field} must be strictly ascending; ${field}[${i}] = ${values[i]} follows ${values[i - 1]}`);
    }
  }
  return Object.freeze([...values]);
}

/** Fills in defaults and validates; throws naming the field and the accepted range. */
export function resolveDetectionOptions(o: DetectionOptions): ResolvedDetectionOptions {
  const r: ResolvedDetectionOptions = {
    clientsMax: intIn('clientsMax', o.clientsMax ?? 10_000, 1, 10_000_000),
    instrumentsMax: intIn('instrumentsMax', o.instrumentsMax ?? 1_024, 1, 1_000_000),
    markoutHorizonsMs: ascending('markoutHorizonsMs', o.markoutHorizonsMs ?? DEFAULT_MARKOUT_HORIZONS_MS, 1, 3_600_000, 16),
    pendingMarkoutsMax: intIn('pendingMarkoutsMax', o.pendingMarkoutsMax ?? 16_384, 1, 10_000_000),
    reviewListMax: intIn('reviewListMax', o.reviewListMax ?? 1_000, 1, 1_000_000),
    samplesPerClientMax: intIn('samplesPerClientMax', o.samplesPerClientMax ?? 5, 0, 100),
    intervalWindowExecutions: intIn('intervalWindowExecutions', o.intervalWindowExecutions ?? 16, 2, 1_024),
    fastIntervalMsMax: numIn('fastIntervalMsMax', o.fastIntervalMsMax ?? 15, 0, 60_000),
    fastIntervalsMin: intIn('fastIntervalsMin', o.fastIntervalsMin ?? 3, 1, 1_023),
    burstExecutionsMin: intIn('burstExecutionsMin', o.burstExecutionsMin ?? 10, 2, 1_024),
    burstMeanIntervalMsMax: numIn('burstMeanIntervalMsMax', o.burstMeanIntervalMsMax ?? 50, 0, 60_000),
    markoutNMin: intIn('markoutNMin', o.markoutNMin ?? 30, 2, 1_000_000),
    watchMarkoutNMin: intIn('watchMarkoutNMin', o.watchMarkoutNMin ?? 20, 2, 1_000_000),
    markoutTMin: numIn('markoutTMin', o.markoutTMin ?? 3, 0, 1_000),
    markoutHorizonsMin: intIn('markoutHorizonsMin', o.markoutHorizonsMin ?? 2, 1, 16),
    staleHitNMin: intIn('staleHitNMin', o.staleHitNMin ?? 30, 1, 1_000_000),
    staleHitShareMin: numIn('staleHitShareMin', o.staleHitShareMin ?? 0.7, 0.5, 1),
    staleHitZMin: numIn('staleHitZMin', o.staleHitZMin ?? 4, 0, 1_000),
    quoteAgeBoundsUs: ascending('quoteAgeBoundsUs', o.quoteAgeBoundsUs ?? DEFAULT_QUOTE_AGE_BOUNDS_US, 1, 3_600_000_000, 64),
  };
  if (r.fastIntervalsMin > r.intervalWindowExecutions - 1) {
    throw new RangeError(
      `ArbitrageDetector: fastIntervalsMin (${r.fastIntervalsMin}) must be at most intervalWindowExecutions - 1 (${r.intervalWindowExecutions - 1}); raise intervalWindowExecutions`,
    );
  }
  if (r.burstExecutionsMin > r.intervalWindowExecutions) {
    throw new RangeError(
      `ArbitrageDetector: burstExecutionsMin (${r.burstExecutionsMin}) must be at most intervalWindowExecutions (${r.intervalWindowExecutions}); raise intervalWindowExecutions`,
    );
  }
  if (r.markoutHorizonsMin > r.markoutHorizonsMs.length) {
    throw new RangeError(
      `ArbitrageDetector: markoutHorizonsMin (${r.markoutHorizonsMin}) exceeds the number of markoutHorizonsMs (${r.markoutHorizonsMs.length})`,
    );
  }
  return r;
}
