import { performance } from 'node:perf_hooks';

/**
 * Monotonic nanoseconds from `performance.now()`. Measured here it is the
 * cheapest sub-microsecond monotonic read Node offers without allocating
 * (`process.hrtime.bigint()` allocates a bigint, `process.hrtime()` an array).
 */
export function monoNowNs(): number {
  return performance.now() * 1e6;
}
