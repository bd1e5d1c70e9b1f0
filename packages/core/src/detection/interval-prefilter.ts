import type { PrefilterRule } from './detection-rules.js';

/** Thresholds of the pattern pre-filter, in the units their names carry. */
export interface PrefilterThresholds {
  /** An interval shorter than this is fast. */
  fastIntervalNsMax: number;
  /** Fast intervals in the window that trip FAST_INTERVALS. */
  fastIntervalsMin: number;
  /** Most recent executions examined by FAST_BURST. */
  burstExecutionsMin: number;
  /** FAST_BURST trips when those executions average less than this apart. */
  burstMeanIntervalNsMax: number;
}

/**
 * Pattern pre-filter over a ring of recent execution instants (ns, oldest
 * overwritten first). `next` is the slot the next execution will take and
 * `count` how many slots hold data. Returns the first rule that trips, or null.
 *
 * - FAST_INTERVALS: at least `fastIntervalsMin` consecutive-execution intervals
 *   in the window shorter than `fastIntervalNsMax` (15 ms by default).
 * - FAST_BURST: the last `burstExecutionsMin` executions (10) span less than
 *   (burstExecutionsMin − 1) × `burstMeanIntervalNsMax` (50 ms), i.e. average less than that apart.
 *
 * Pure, allocation-free; intervals are taken in ring (arrival) order, and a
 * negative one (out-of-order input) never counts as fast.
 */
export function evaluatePrefilter(
  ringMonoNs: readonly number[],
  next: number,
  count: number,
  t: PrefilterThresholds,
): PrefilterRule | null {
  const size = ringMonoNs.length;
  if (count < 2) return null;
  const oldest = (next - count + size) % size;
  let fast = 0;
  let prev = ringMonoNs[oldest]!;
  for (let i = 1; i < count; i++) {
    const cur = ringMonoNs[(oldest + i) % size]!;
    const intervalNs = cur - prev;
    if (intervalNs >= 0 && intervalNs < t.fastIntervalNsMax) fast++;
    prev = cur;
  }
  if (fast >= t.fastIntervalsMin) return 'FAST_INTERVALS';
  if (count >= t.burstExecutionsMin) {
    const newest = ringMonoNs[(next - 1 + size) % size]!;
    const first = ringMonoNs[(next - t.burstExecutionsMin + size) % size]!;
    const spanNs = newest - first;
    if (spanNs >= 0 && spanNs < (t.burstExecutionsMin - 1) * t.burstMeanIntervalNsMax) return 'FAST_BURST';
  }
  return null;
}
