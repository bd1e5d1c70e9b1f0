/**
 * Pure statistics over plain counters (n, Σ, Σ²), so the same numbers can be
 * kept in memory, in Redis, or merged across processes by addition.
 */

/** Client side of a fill, as the client sees it. */
export type FillSide = 'buy' | 'sell';

/**
 * Mid move from `fromMidPx` to `toMidPx` in basis points, signed so that a
 * positive value favours the client: for a client buy the mid rose, for a sell it fell.
 */
export function favourableMoveBps(side: FillSide, fromMidPx: number, toMidPx: number): number {
  const moveBps = ((toMidPx - fromMidPx) / fromMidPx) * 10_000;
  return side === 'buy' ? moveBps : -moveBps;
}

/** Mean of n values from their sum; 0 when n is 0. */
export function meanOf(n: number, sum: number): number {
  return n > 0 ? sum / n : 0;
}

/**
 * Sample standard deviation (n − 1 denominator) from n, Σ, Σ². Rounding can
 * make the variance a tiny negative number; it is clamped to 0. 0 when n < 2.
 */
export function sampleSdOf(n: number, sum: number, sumSq: number): number {
  if (n < 2) return 0;
  const variance = (sumSq - (sum * sum) / n) / (n - 1);
  return variance > 0 ? Math.sqrt(variance) : 0;
}

/**
 * One-sample t-statistic of the mean against 0: mean / (sd / √n), from n, Σ, Σ².
 * NaN when n < 2. With zero spread it is ±Infinity (every value equal and
 * non-zero: certain evidence) or 0 (every value 0).
 */
export function tStatistic(n: number, sum: number, sumSq: number): number {
  if (n < 2) return Number.NaN;
  const mean = sum / n;
  const sd = sampleSdOf(n, sum, sumSq);
  // Relative floor: a spread below 1e-12 of the mean is rounding, not data.
  if (sd <= Math.abs(mean) * 1e-12) {
    return mean > 0 ? Number.POSITIVE_INFINITY : mean < 0 ? Number.NEGATIVE_INFINITY : 0;
  }
  return mean / (sd / Math.sqrt(n));
}

/**
 * Binomial z-score of `successes` out of `n` against a success probability
 * `p0` (normal approximation): (k − n·p0) / √(n·p0·(1 − p0)). NaN when n is 0.
 */
export function binomialZ(successes: number, n: number, p0: number): number {
  if (n <= 0) return Number.NaN;
  return (successes - n * p0) / Math.sqrt(n * p0 * (1 - p0));
}

/** Running markout counters of one client at one horizon: plain numbers, additive across processes. */
export interface MarkoutStats {
  /** Markouts counted. */
  n: number;
  /** Σ of client-favourable moves, bps. */
  sumBps: number;
  /** Σ of squared moves, bps². */
  sumSqBps: number;
}

/** Merges two sets of counters (as a shared store would when two processes saw the same client). */
export function mergeMarkoutStats(a: MarkoutStats, b: MarkoutStats): MarkoutStats {
  return { n: a.n + b.n, sumBps: a.sumBps + b.sumBps, sumSqBps: a.sumSqBps + b.sumSqBps };
}
