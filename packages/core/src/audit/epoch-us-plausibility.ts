/** Earliest plausible wall instant, epoch microseconds (2000-01-01T00:00:00Z). */
export const EPOCH_US_PLAUSIBLE_MIN = 946_684_800_000_000;
/** Latest plausible wall instant, epoch microseconds (2100-01-01T00:00:00Z). */
export const EPOCH_US_PLAUSIBLE_MAX = 4_102_444_800_000_000;

/**
 * Why a number is not a plausible epoch-microsecond instant. The unit hints
 * catch the usual mistake of feeding seconds, milliseconds or nanoseconds.
 */
export const EPOCH_US_PROBLEMS = ['not-finite', 'looks-like-epoch-seconds', 'looks-like-epoch-milliseconds', 'looks-like-epoch-nanoseconds', 'out-of-range'] as const;

/** One of {@link EPOCH_US_PROBLEMS}. */
export type EpochUsProblem = (typeof EPOCH_US_PROBLEMS)[number];

const EPOCH_S_MIN = EPOCH_US_PLAUSIBLE_MIN / 1e6;
const EPOCH_S_MAX = EPOCH_US_PLAUSIBLE_MAX / 1e6;

/**
 * Checks that `value` is a finite epoch-microsecond instant between 2000 and
 * 2100; returns `undefined` when it is, else the problem (never throws).
 */
export function epochUsProblem(value: number): EpochUsProblem | undefined {
  if (!Number.isFinite(value)) return 'not-finite';
  if (value >= EPOCH_US_PLAUSIBLE_MIN && value <= EPOCH_US_PLAUSIBLE_MAX) return undefined;
  if (value >= EPOCH_S_MIN && value <= EPOCH_S_MAX) return 'looks-like-epoch-seconds';
  if (value >= EPOCH_S_MIN * 1e3 && value <= EPOCH_S_MAX * 1e3) return 'looks-like-epoch-milliseconds';
  if (value >= EPOCH_S_MIN * 1e9 && value <= EPOCH_S_MAX * 1e9) return 'looks-like-epoch-nanoseconds';
  return 'out-of-range';
}

/** A sentence for an operator: `quoteEpochUs 1700000000000 looks like epoch milliseconds; expected epoch microseconds`. */
export function describeEpochUsProblem(field: string, value: number, problem: EpochUsProblem): string {
  switch (problem) {
    case 'not-finite':
      return `${field} ${value} is not a finite number`;
    case 'looks-like-epoch-seconds':
      return `${field} ${value} looks like epoch seconds; expected epoch microseconds`;
    case 'looks-like-epoch-milliseconds':
      return `${field} ${value} looks like epoch milliseconds; expected epoch microseconds`;
    case 'looks-like-epoch-nanoseconds':
      return `${field} ${value} looks like epoch nanoseconds; expected epoch microseconds`;
    case 'out-of-range':
      return `${field} ${value} is not an epoch-microsecond instant between 2000 and 2100`;
  }
}
