import type { SkewStatus } from './skew-source.js';

/**
 * Why a chrony skew source is (not) trusted, in the order they are checked.
 * Closed union: reasons are only ever appended.
 *
 * - `ok`: synchronised; `maxErrorUs` is the bound.
 * - `no_poll_yet`: no `chronyc` answer yet (start-up).
 * - `chronyc_failed` / `chronyc_timeout` / `chronyc_unparseable`: the last good
 *   answer is older than `pollAgeMsMax` and the latest poll failed this way
 *   (chronyd down, socket missing, hung, or output this parser does not know).
 * - `poll_stale`: the last good answer is older than `pollAgeMsMax` and no poll
 *   failed (polling stopped, or the event loop starved the poll timer).
 * - `chrony_unsynchronized`: chrony reports leap status `Not synchronised`.
 * - `local_reference`: chrony serves its own clock (`local`) and the source is
 *   configured not to trust that.
 * - `settling`: fewer than `settlePolls` consecutive synchronised answers since
 *   start or since chrony was last unsynchronised or unreachable.
 * - `leap_pending`: chrony announces a leap second (within `leapWindowMs` of a UTC midnight).
 * - `reference_stale`: chrony still says `Normal` but its last clock update
 *   (ref time) is older than the staleness limit: its source has gone quiet.
 * - `no_reachable_source`: with `pollSources`, no source answered any of its last 8 polls.
 */
export const CHRONY_SKEW_REASONS = [
  'ok',
  'no_poll_yet',
  'chronyc_failed',
  'chronyc_timeout',
  'chronyc_unparseable',
  'poll_stale',
  'chrony_unsynchronized',
  'local_reference',
  'settling',
  'leap_pending',
  'reference_stale',
  'no_reachable_source',
] as const;

/** One of {@link CHRONY_SKEW_REASONS}. */
export type ChronySkewReason = (typeof CHRONY_SKEW_REASONS)[number];

/** A {@link SkewStatus} whose reason is a {@link ChronySkewReason}. `maxErrorUs` is `Infinity` when not synchronised. */
export interface ChronySkewStatus extends SkewStatus {
  readonly reason: ChronySkewReason;
}

/** How a poll of chronyc can fail; counted per kind and exported as `tailguard_clock_poll_failures_total{reason}`. */
export const CHRONY_POLL_FAILURE_KINDS = ['failed', 'timeout', 'unparseable'] as const;

/** One of {@link CHRONY_POLL_FAILURE_KINDS}. */
export type ChronyPollFailureKind = (typeof CHRONY_POLL_FAILURE_KINDS)[number];
