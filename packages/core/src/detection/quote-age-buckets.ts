/**
 * Index of the bucket for `ageUs` among ascending upper `boundsUs` (a value
 * equal to a bound falls in that bound's bucket); `boundsUs.length` is the
 * overflow bucket. Binary search, no allocation.
 */
export function quoteAgeBucketIndex(boundsUs: readonly number[], ageUs: number): number {
  let lo = 0;
  let hi = boundsUs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ageUs <= boundsUs[mid]!) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Quote-age-at-execution distribution of one client, as evidence. */
export interface QuoteAgeDistribution {
  /** Upper bucket bounds, µs; the last count is for ages above the last bound. */
  boundsUs: readonly number[];
  /** Counts per bucket (length boundsUs.length + 1). */
  counts: number[];
  /** Executions counted. */
  total: number;
  /** Upper bound (µs) of the bucket holding the median; +Infinity in the overflow bucket; NaN when empty. */
  p50UsUpper: number;
  /** Upper bound (µs) of the bucket holding the 90th percentile; as above. */
  p90UsUpper: number;
  /** Upper bound (µs) of the fullest bucket (the mode): a cluster just under the max age shows here. NaN when empty. */
  modeUsUpper: number;
  /** Share of executions in the fullest bucket, 0-1. */
  modeShare: number;
}

/** Summarises bucket counts (bucket-resolution quantiles; fine enough to show a cluster). */
export function summarizeQuoteAges(boundsUs: readonly number[], counts: readonly number[]): QuoteAgeDistribution {
  let total = 0;
  let modeIndex = -1;
  for (let i = 0; i < counts.length; i++) {
    total += counts[i]!;
    if (counts[i]! > 0 && (modeIndex < 0 || counts[i]! > counts[modeIndex]!)) modeIndex = i;
  }
  const upper = (i: number): number => (i < boundsUs.length ? boundsUs[i]! : Number.POSITIVE_INFINITY);
  const quantileUpper = (q: number): number => {
    if (total === 0) return Number.NaN;
    const rank = Math.max(1, Math.ceil(q * total));
    let seen = 0;
    for (let i = 0; i < counts.length; i++) {
      seen += counts[i]!;
      if (seen >= rank) return upper(i);
    }
    return Number.POSITIVE_INFINITY;
  };
  return {
    boundsUs,
    counts: [...counts],
    total,
    p50UsUpper: quantileUpper(0.5),
    p90UsUpper: quantileUpper(0.9),
    modeUsUpper: modeIndex < 0 ? Number.NaN : upper(modeIndex),
    modeShare: modeIndex < 0 ? 0 : counts[modeIndex]! / total,
  };
}
