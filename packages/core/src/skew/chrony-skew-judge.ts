import type { ChronySourceRecord } from './chrony-sources-parser.js';
import { CHRONY_LOCAL_REF_ID, chronyErrorBoundUs, type ChronyTrackingRecord } from './chrony-tracking-record.js';
import {
  CHRONY_POLL_FAILURE_KINDS,
  type ChronyPollFailureKind,
  type ChronySkewReason,
  type ChronySkewStatus,
} from './chrony-skew-reasons.js';
import {
  resolveChronySkewJudgeOptions,
  type ChronySkewJudgeOptions,
  type ResolvedChronySkewJudgeOptions,
} from './chrony-skew-options.js';

const DAY_US = 86_400_000_000;

/** Everything the chrony source knows, for logs and metrics (read off the hot path). */
export interface ChronySkewSnapshot {
  /** The status the hot path sees. */
  readonly status: ChronySkewStatus;
  /** The last successfully parsed tracking record (undefined before the first). */
  readonly record: ChronyTrackingRecord | undefined;
  /** Age of the last good chronyc answer in ms (undefined before the first). */
  readonly pollAgeMs: number | undefined;
  /** Age of chrony's last clock update (ref time) in µs, extrapolated to now (undefined before the first record). */
  readonly refAgeUs: number | undefined;
  /** Error bound right now in µs, from the last record even when the status is unsynchronised (undefined when chrony itself is unsynchronised). */
  readonly boundUs: number | undefined;
  /** Polls completed (good or failed). */
  readonly pollsTotal: number;
  /** Failed polls per kind since start. */
  readonly pollFailures: Readonly<Record<ChronyPollFailureKind, number>>;
  /** Message of the most recent failed poll (cleared by a good one). */
  readonly lastFailureMessage: string | undefined;
  /** Sources from the last `chronyc -c sources` (only with `pollSources`). */
  readonly sources: readonly ChronySourceRecord[] | undefined;
}

function freezeStatus(synchronized: boolean, maxErrorUs: number, reason: ChronySkewReason): ChronySkewStatus {
  return Object.freeze({ synchronized, maxErrorUs, reason });
}

const NO_POLL_YET = freezeStatus(false, Number.POSITIVE_INFINITY, 'no_poll_yet');

/**
 * The decision half of the chrony source: fed poll outcomes with the monotonic
 * and wall time they were taken at, it answers the status at any monotonic
 * time. No process, no timer: deterministic under a `ManualClock`.
 *
 * `status(nowMonoNs)` returns a cached frozen object until the next
 * re-evaluation is due (every `statusRefreshMs`, or earlier at a known
 * deadline), so the hot path pays a comparison; the cached bound already
 * includes the growth up to that next evaluation.
 */
export class ChronySkewJudge {
  private readonly opts: ResolvedChronySkewJudgeOptions;
  private record: ChronyTrackingRecord | undefined;
  private goodPollMonoNs = 0;
  private goodPollWallUs = 0;
  private lastFailure: ChronyPollFailureKind | undefined;
  private lastFailureMessage: string | undefined;
  private syncedStreak = 0;
  private sources: readonly ChronySourceRecord[] | undefined;
  private pollsTotal = 0;
  private readonly failures: Record<ChronyPollFailureKind, number> = { failed: 0, timeout: 0, unparseable: 0 };
  private current: ChronySkewStatus = NO_POLL_YET;
  private validUntilMonoNs = Number.NEGATIVE_INFINITY;
  private readonly onChange: ((status: ChronySkewStatus, previous: ChronySkewStatus) => void) | undefined;

  /** Throws a RangeError naming the field for an invalid option. */
  constructor(
    options: ChronySkewJudgeOptions = {},
    onChange?: (status: ChronySkewStatus, previous: ChronySkewStatus) => void,
  ) {
    this.opts = resolveChronySkewJudgeOptions(options);
    this.onChange = onChange;
  }

  /**
   * Feeds a good tracking answer read at `monoNs` / `wallEpochUs`, with the
   * sources read at the same poll (`undefined` when not polled or unreadable:
   * reachability is then not judged).
   */
  observeTracking(
    record: ChronyTrackingRecord,
    monoNs: number,
    wallEpochUs: number,
    sources?: readonly ChronySourceRecord[],
  ): void {
    this.pollsTotal++;
    this.record = record;
    this.sources = sources;
    this.goodPollMonoNs = monoNs;
    this.goodPollWallUs = wallEpochUs;
    this.lastFailure = undefined;
    this.lastFailureMessage = undefined;
    this.syncedStreak = record.leapStatus === 'not_synchronized' ? 0 : this.syncedStreak + 1;
    this.evaluate(monoNs);
  }

  /** Feeds a failed poll. A failure restarts settling: a restarted chronyd must prove itself again. */
  observeFailure(kind: ChronyPollFailureKind, message: string, monoNs: number): void {
    this.pollsTotal++;
    this.failures[kind]++;
    this.lastFailure = kind;
    this.lastFailureMessage = message;
    this.syncedStreak = 0;
    this.evaluate(monoNs);
  }

  /** The status at `nowMonoNs`: the cached object unless a re-evaluation is due. */
  status(nowMonoNs: number): ChronySkewStatus {
    if (nowMonoNs >= this.validUntilMonoNs) this.evaluate(nowMonoNs);
    return this.current;
  }

  /** Everything known at `nowMonoNs`, for logs and metrics. Allocates: call it off the hot path. */
  snapshot(nowMonoNs: number): ChronySkewSnapshot {
    const status = this.status(nowMonoNs);
    const r = this.record;
    const failures = {} as Record<ChronyPollFailureKind, number>;
    for (const k of CHRONY_POLL_FAILURE_KINDS) failures[k] = this.failures[k];
    return {
      status,
      record: r,
      pollAgeMs: r === undefined ? undefined : (nowMonoNs - this.goodPollMonoNs) / 1e6,
      refAgeUs: r === undefined ? undefined : this.refAgeUs(r, nowMonoNs),
      boundUs: r === undefined || r.leapStatus === 'not_synchronized' ? undefined : this.boundUs(r, nowMonoNs),
      pollsTotal: this.pollsTotal,
      pollFailures: Object.freeze(failures),
      lastFailureMessage: this.lastFailureMessage,
      sources: this.sources,
    };
  }

  private refAgeUs(r: ChronyTrackingRecord, nowMonoNs: number): number {
    return this.goodPollWallUs - r.refTimeEpochUs + (nowMonoNs - this.goodPollMonoNs) / 1_000;
  }

  private boundUs(r: ChronyTrackingRecord, atMonoNs: number): number {
    const ratePpm = Math.max(this.opts.growthPpm, r.skewPpm + Math.abs(r.residualFrequencyPpm));
    const elapsedUs = Math.max(0, atMonoNs - this.goodPollMonoNs) / 1_000;
    return chronyErrorBoundUs(r) + (elapsedUs * ratePpm) / 1e6;
  }

  private staleRefAgeUsMax(r: ChronyTrackingRecord): number {
    return Math.max(this.opts.staleRefAgeUsMin, this.opts.staleRefAgeUpdateIntervals * r.updateIntervalUs);
  }

  private anySourceReachable(): boolean {
    const s = this.sources;
    if (s === undefined) return true;
    for (let i = 0; i < s.length; i++) if (s[i]!.reachRegister !== 0) return true;
    return false;
  }

  private evaluate(nowMonoNs: number): void {
    const previous = this.current;
    let next: ChronySkewStatus;
    let validUntil = nowMonoNs + this.opts.statusRefreshNs;
    const r = this.record;
    const pollDeadline = this.goodPollMonoNs + this.opts.pollAgeNsMax;
    if (r === undefined) {
      next = this.lastFailure === undefined ? NO_POLL_YET : this.unsynced(`chronyc_${this.lastFailure}`);
    } else if (nowMonoNs > pollDeadline) {
      next = this.unsynced(this.lastFailure === undefined ? 'poll_stale' : `chronyc_${this.lastFailure}`);
    } else {
      validUntil = Math.min(validUntil, pollDeadline + 1);
      const local = r.refId === CHRONY_LOCAL_REF_ID;
      if (r.leapStatus === 'not_synchronized') next = this.unsynced('chrony_unsynchronized');
      else if (local && !this.opts.localReferenceTrusted) next = this.unsynced('local_reference');
      else if (this.syncedStreak < this.opts.settlePolls) next = this.unsynced('settling');
      else if (r.leapStatus !== 'normal' && this.nearUtcMidnight(nowMonoNs)) next = this.unsynced('leap_pending');
      else if (!local && this.refAgeUs(r, nowMonoNs) > this.staleRefAgeUsMax(r)) next = this.unsynced('reference_stale');
      else if (!local && !this.anySourceReachable()) next = this.unsynced('no_reachable_source');
      else {
        if (!local) {
          // Turn stale exactly when the reference crosses its limit, not up to one refresh later.
          const staleAtMonoNs = nowMonoNs + (this.staleRefAgeUsMax(r) - this.refAgeUs(r, nowMonoNs)) * 1_000;
          validUntil = Math.min(validUntil, staleAtMonoNs + 1);
        }
        const maxErrorUs = this.boundUs(r, validUntil);
        next = previous.reason === 'ok' && previous.maxErrorUs === maxErrorUs ? previous : freezeStatus(true, maxErrorUs, 'ok');
      }
    }
    this.current = next;
    this.validUntilMonoNs = validUntil;
    if (next.reason !== previous.reason && this.onChange !== undefined) {
      try {
        this.onChange(next, previous);
      } catch {
        // A failing log callback must not break the hot path's status read or stop the polls.
      }
    }
  }

  private nearUtcMidnight(nowMonoNs: number): boolean {
    const windowUs = this.opts.leapWindowUs;
    if (windowUs === Number.POSITIVE_INFINITY) return true;
    if (windowUs === 0) return false;
    const wallUs = this.goodPollWallUs + (nowMonoNs - this.goodPollMonoNs) / 1_000;
    const intoDayUs = ((wallUs % DAY_US) + DAY_US) % DAY_US;
    return Math.min(intoDayUs, DAY_US - intoDayUs) <= windowUs;
  }

  private unsynced(reason: ChronySkewReason): ChronySkewStatus {
    return this.current.reason === reason ? this.current : freezeStatus(false, Number.POSITIVE_INFINITY, reason);
  }
}
