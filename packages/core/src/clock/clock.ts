/**
 * The two clocks the SDK reads. Durations come from the monotonic clock in
 * nanoseconds; instants compared across hosts come from the wall clock in epoch
 * microseconds. Both are plain `number`s: 2^53 ns is 104 days of uptime and
 * 2^53 µs is 285 years, so no bigint is needed per sample.
 */
export interface Clock {
  /** Monotonic time in nanoseconds since an arbitrary origin. Only differences are meaningful. */
  monoNs(): number;
  /** Wall-clock time in microseconds since the Unix epoch. */
  wallEpochUs(): number;
}
