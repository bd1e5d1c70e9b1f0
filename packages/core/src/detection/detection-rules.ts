/**
 * Rules that put a client on the review list. Only markout and stale-hit
 * evidence flags: a fast cadence alone never does (that was the published
 * fix's mistake, which flagged fast legitimate algos). Only ever appended.
 */
export const DETECTION_RULES = ['MARKOUT_T', 'STALE_HIT_SHARE'] as const;

/** One of {@link DETECTION_RULES}. */
export type DetectionRule = (typeof DETECTION_RULES)[number];

/**
 * Pattern pre-filter rules. Tripping one puts a client on `watch` (closer
 * markout scrutiny: a lower minimum n), never on the review list.
 */
export const PREFILTER_RULES = ['FAST_INTERVALS', 'FAST_BURST'] as const;

/** One of {@link PREFILTER_RULES}. */
export type PrefilterRule = (typeof PREFILTER_RULES)[number];

/** Status of a client in the detector. `unknown` means no state is held (never seen, or evicted). */
export const CLIENT_STATUSES = ['unknown', 'normal', 'watch', 'flagged'] as const;

/** One of {@link CLIENT_STATUSES}. */
export type ClientStatus = (typeof CLIENT_STATUSES)[number];

/** Outcome reasons of feeding a fill or a mid to the detector. Malformed input is counted and skipped, never thrown. */
export const DETECTION_INPUT_REASONS = [
  'OK',
  'INVALID_CLIENT_ID',
  'INVALID_EXEC_ID',
  'INVALID_INSTRUMENT',
  'INVALID_SIDE',
  'INVALID_PRICE',
  'INVALID_TIME',
  'INVALID_QUOTE_AGE',
  'INSTRUMENTS_FULL',
] as const;

/** One of {@link DETECTION_INPUT_REASONS}. */
export type DetectionInputReason = (typeof DETECTION_INPUT_REASONS)[number];

/** Result of {@link ArbitrageDetector.onFill} / `onMid`: preallocated, never thrown. */
export interface DetectionInputResult {
  readonly ok: boolean;
  readonly reason: DetectionInputReason;
}

/** Frozen results, one per reason, so the feed path allocates nothing. */
export const DETECTION_INPUT_RESULTS: Readonly<Record<DetectionInputReason, DetectionInputResult>> = Object.freeze(
  Object.fromEntries(
    DETECTION_INPUT_REASONS.map((reason) => [reason, Object.freeze({ ok: reason === 'OK', reason })]),
  ) as Record<DetectionInputReason, DetectionInputResult>,
);
