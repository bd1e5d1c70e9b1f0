/**
 * Default upper bounds (ns) of the cumulative latency histogram exported to
 * Prometheus: 1-2.5-5 steps from 1 µs to 60 s, so microsecond signing and
 * second-long stalls both land in a bucket of their own.
 */
export const DEFAULT_LATENCY_BOUNDS_NS: readonly number[] = Object.freeze([
  1e3, 2.5e3, 5e3, 1e4, 2.5e4, 5e4, 1e5, 2.5e5, 5e5, 1e6, 2.5e6, 5e6, 1e7, 2.5e7, 5e7, 1e8, 2.5e8, 5e8, 1e9,
  2.5e9, 5e9, 1e10, 3e10, 6e10,
]);
