/**
 * What the quote guard needs to know about the local clock's error. Read
 * synchronously on the hot path: implementations refresh it off the hot path
 * and return a cached object.
 */
export interface SkewStatus {
  /** False when the clock cannot be trusted (unsynchronised, stale, leap pending, source failing). */
  readonly synchronized: boolean;
  /** Upper bound of |local wall clock − true time| in µs. Meaningless when not synchronised. */
  readonly maxErrorUs: number;
  /** Short machine-readable reason when not synchronised (for logs and metrics), else 'ok'. */
  readonly reason: string;
}

/** A source of clock-error status (chrony, a Redis TIME probe, a fixed value in tests). */
export interface SkewSource {
  /** Current status; synchronous and cheap (cached). */
  status(): SkewStatus;
}
