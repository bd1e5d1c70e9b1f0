import type { Clock } from '../clock/clock.js';
import { systemClock } from '../clock/system-clock.js';
import {
  createClientDetectionState,
  resetClientEvidence,
  type ClientDetectionState,
  type ClientStateShape,
} from './client-detection-state.js';
import { buildClientEvidence, firstTrippedRule, trippedRules, type ClientEvidence, type RuleThresholds } from './client-evidence.js';
import { resolveDetectionOptions, type DetectionOptions, type ResolvedDetectionOptions } from './detection-options.js';
import {
  DETECTION_INPUT_RESULTS,
  DETECTION_RULES,
  type ClientStatus,
  type DetectionInputResult,
  type DetectionRule,
} from './detection-rules.js';
import { InMemoryDetectionStateStore, type DetectionStateStore } from './detection-state-store.js';
import { evaluatePrefilter, type PrefilterThresholds } from './interval-prefilter.js';
import { favourableMoveBps, type FillSide } from './markout-math.js';
import { PendingMarkoutQueue } from './pending-markouts.js';
import { quoteAgeBucketIndex } from './quote-age-buckets.js';

/** A fill as the detector needs it. Times share the detector clock's monotonic origin. */
export interface DetectionFill {
  clientId: string;
  execId: string;
  instrument: string;
  /** The client's side. */
  side: FillSide;
  /** Fill price. */
  px: number;
  /** Dealer mid at execution. */
  midAtExecPx: number;
  /** Mid when the executed quote was issued; enables the stale-hit share. */
  quoteMidPx?: number;
  /** Execution instant on the monotonic clock, ns. Preferred. */
  execMonoNs?: number;
  /** Execution instant, epoch µs; mapped onto the monotonic clock when execMonoNs is absent. */
  execEpochUs?: number;
  /** Age of the executed quote at execution, µs. */
  quoteAgeUs: number;
}

/** A review-list entry: a flag with the evidence as it stood when it was raised. Never a ban. */
export interface ReviewEntry {
  clientId: string;
  /** The rule that raised the flag. */
  rule: DetectionRule;
  /** Every rule that tripped at that moment. */
  rules: DetectionRule[];
  flaggedMonoNs: number;
  flaggedEpochUs: number;
  evidence: ClientEvidence;
}

/** Who cleared a flag and why; both required. */
export interface ClearFlagRequest {
  reason: string;
  by: string;
}

/** Reasons of {@link ArbitrageDetector.clearFlag}. */
export const CLEAR_FLAG_REASONS = ['CLEARED', 'NOT_FLAGGED'] as const;

/** One of {@link CLEAR_FLAG_REASONS}. */
export type ClearFlagReason = (typeof CLEAR_FLAG_REASONS)[number];

/** Outcome of {@link ArbitrageDetector.clearFlag}: the entry removed, for the app's audit log. */
export interface ClearFlagResult {
  ok: boolean;
  reason: ClearFlagReason;
  entry?: ReviewEntry;
  clearedEpochUs?: number;
  by?: string;
  clearReason?: string;
}

/** Counters of the detector (monotonic since construction), read at scrape time. */
export interface DetectionCounters {
  fillsTotal: number;
  invalidFillsTotal: number;
  invalidMidsTotal: number;
  /** Mids whose instant went backwards; used as the last instant instead. */
  midsOutOfOrderTotal: number;
  /** New instruments refused because instrumentsMax was reached. */
  instrumentsRefusedTotal: number;
  /** Flags raised, per rule. */
  flagsTotalByRule: Record<DetectionRule, number>;
  clientsEvictedTotal: number;
  /** Markouts dropped because a horizon's pending queue was full. */
  pendingMarkoutsOverflowTotal: number;
  markoutsResolvedTotal: number;
  /** Markouts dropped because no mid was known for their instrument. */
  markoutsNoMidTotal: number;
  /** Markouts dropped because the client was evicted or cleared since the execution. */
  markoutsDiscardedTotal: number;
  /** Fills not counted for a horizon because its window overlapped the previous counted one. */
  markoutsThinnedTotal: number;
  /** Flags kept on the client but not listed because the review list was full. */
  reviewListDroppedTotal: number;
  /** Clients put on watch by the pre-filter. */
  watchTotal: number;
  flagsClearedTotal: number;
}

const ID_LENGTH_MAX = 256;
const INSTRUMENT_LENGTH_MAX = 64;
const QUOTE_AGE_US_MAX = 3_600_000_000; // an hour: anything older is a unit error
const EPOCH_US_MIN = 1e15; // 2001-09-09; epoch ms (1.7e12) fall below it
const EPOCH_US_MAX = 1e17; // year 5138; epoch ns (1.7e18) fall above it

function validId(value: unknown, lengthMax: number): boolean {
  return typeof value === 'string' && value.length > 0 && value.length <= lengthMax;
}

function positivePx(value: unknown): boolean {
  return typeof value === 'number' && Number.isFinite(value) && value > 0;
}

/**
 * Arbitrage detection that never bans: it puts clients on a bounded review
 * list with evidence, and only an explicit {@link clearFlag} takes them off.
 *
 * Two layers. The pattern pre-filter over a bounded window of execution
 * instants (≥ 3 intervals under 15 ms; ≥ 10 executions averaging under 50 ms)
 * only puts a client on `watch`, which lowers the markout minimum n: a fast
 * cadence alone never flags, because fast legitimate algos have it too. Flags
 * come from evidence of information: markouts (the client-favourable mid move
 * at each horizon, t-test over per-client n, Σ, Σ²) and the stale-hit share
 * (fills where the mid had already moved in the client's favour between quote
 * and execution). The quote-age distribution is reported as evidence.
 *
 * Feed it fills ({@link onFill}) and the mid feed ({@link onMid}); markouts
 * resolve as mids pass their horizons. All state is bounded: clients (LRU),
 * instruments, pending markouts per horizon, review list, samples; every bound
 * hit is counted.
 */
export class ArbitrageDetector {
  /** Resolved options (defaults filled in). */
  readonly options: ResolvedDetectionOptions;
  /** Per-client state store. */
  readonly store: DetectionStateStore;
  private readonly clock: Clock;
  private readonly thresholds: RuleThresholds;
  private readonly prefilter: PrefilterThresholds;
  private readonly shape: ClientStateShape;
  private readonly queues: PendingMarkoutQueue[];
  private readonly mids = new Map<string, number>();
  private readonly review = new Map<string, ReviewEntry>();
  private readonly flagsByRule = new Float64Array(DETECTION_RULES.length);
  private lastMidMonoNs = Number.NEGATIVE_INFINITY;
  private resolvingHorizon = 0;
  /** Instant the current drain resolves up to: when a flag raised by a markout is stamped. */
  private drainMonoNs = 0;
  private readonly c = {
    fillsTotal: 0,
    invalidFillsTotal: 0,
    invalidMidsTotal: 0,
    midsOutOfOrderTotal: 0,
    instrumentsRefusedTotal: 0,
    pendingMarkoutsOverflowTotal: 0,
    markoutsResolvedTotal: 0,
    markoutsNoMidTotal: 0,
    markoutsDiscardedTotal: 0,
    markoutsThinnedTotal: 0,
    reviewListDroppedTotal: 0,
    watchTotal: 0,
    flagsClearedTotal: 0,
  };

  constructor(options: DetectionOptions = {}) {
    this.options = resolveDetectionOptions(options);
    const o = this.options;
    this.clock = options.clock ?? systemClock();
    this.store = options.store ?? new InMemoryDetectionStateStore({ clientsMax: o.clientsMax });
    this.thresholds = {
      markoutHorizonsMs: o.markoutHorizonsMs,
      markoutNMin: o.markoutNMin,
      watchMarkoutNMin: o.watchMarkoutNMin,
      markoutTMin: o.markoutTMin,
      markoutHorizonsMin: o.markoutHorizonsMin,
      staleHitNMin: o.staleHitNMin,
      staleHitShareMin: o.staleHitShareMin,
      staleHitZMin: o.staleHitZMin,
      quoteAgeBoundsUs: o.quoteAgeBoundsUs,
    };
    this.prefilter = {
      fastIntervalNsMax: o.fastIntervalMsMax * 1e6,
      fastIntervalsMin: o.fastIntervalsMin,
      burstExecutionsMin: o.burstExecutionsMin,
      burstMeanIntervalNsMax: o.burstMeanIntervalMsMax * 1e6,
    };
    this.shape = {
      horizons: o.markoutHorizonsMs.length,
      intervalWindowExecutions: o.intervalWindowExecutions,
      quoteAgeBuckets: o.quoteAgeBoundsUs.length + 1,
      samplesPerClientMax: o.samplesPerClientMax,
    };
    this.queues = o.markoutHorizonsMs.map((ms) => new PendingMarkoutQueue(ms * 1e6, o.pendingMarkoutsMax));
  }

  /** Bound once: the store calls it for a client it does not hold. */
  private readonly createState = (clientId: string, nowMonoNs: number): ClientDetectionState => {
    const state = createClientDetectionState(clientId, nowMonoNs, this.shape);
    // A flagged client evicted and seen again stays flagged until cleared.
    const listed = this.review.get(clientId);
    if (listed !== undefined) {
      state.flaggedRule = listed.rule;
      state.flaggedMonoNs = listed.flaggedMonoNs;
    }
    return state;
  };

  /** Bound once: resolves one due markout with the last mid known for its instrument. */
  private readonly resolveMarkout = (
    clientId: string,
    instrument: string,
    sign: number,
    midAtExecPx: number,
    execMonoNs: number,
  ): void => {
    const midPx = this.mids.get(instrument);
    if (midPx === undefined) {
      this.c.markoutsNoMidTotal++;
      return;
    }
    const state = this.store.peek(clientId);
    if (state === undefined || execMonoNs < state.evidenceSinceMonoNs) {
      this.c.markoutsDiscardedTotal++;
      return;
    }
    const bps = (sign * (midPx - midAtExecPx) * 10_000) / midAtExecPx;
    const h = this.resolvingHorizon;
    state.markoutN[h]!++;
    state.markoutSumBps[h]! += bps;
    state.markoutSumSqBps[h]! += bps * bps;
    this.c.markoutsResolvedTotal++;
    this.evaluate(state, this.drainMonoNs);
  };

  /**
   * Feeds one fill. Malformed input is counted and returned as a reason, never
   * thrown. Allocation-free except for a client's first fill.
   */
  onFill(fill: DetectionFill): DetectionInputResult {
    const invalid = this.validateFill(fill);
    if (invalid !== null) {
      this.c.invalidFillsTotal++;
      return invalid;
    }
    const execMonoNs =
      fill.execMonoNs !== undefined
        ? fill.execMonoNs
        : this.clock.monoNs() - (this.clock.wallEpochUs() - fill.execEpochUs!) * 1_000;
    const o = this.options;
    const state = this.store.getOrCreate(fill.clientId, execMonoNs, this.createState);
    this.c.fillsTotal++;
    state.fillsTotal++;
    if (execMonoNs > state.lastSeenMonoNs) state.lastSeenMonoNs = execMonoNs;

    // Pre-filter: watch, never flag.
    const ring = state.execRingMonoNs;
    ring[state.execRingNext] = execMonoNs;
    state.execRingNext = (state.execRingNext + 1) % ring.length;
    if (state.execRingCount < ring.length) state.execRingCount++;
    if (state.watchRule === null) {
      const rule = evaluatePrefilter(ring, state.execRingNext, state.execRingCount, this.prefilter);
      if (rule !== null) {
        state.watchRule = rule;
        state.watchSinceMonoNs = execMonoNs;
        this.c.watchTotal++;
      }
    }

    state.quoteAgeCounts[quoteAgeBucketIndex(o.quoteAgeBoundsUs, fill.quoteAgeUs)]!++;

    const hasQuoteMid = fill.quoteMidPx !== undefined;
    const staleMoveBps = hasQuoteMid ? favourableMoveBps(fill.side, fill.quoteMidPx!, fill.midAtExecPx) : Number.NaN;
    if (state.samples.length > 0) {
      const s = state.samples[state.samplesNext]!;
      s.execId = fill.execId;
      s.instrument = fill.instrument;
      s.side = fill.side;
      s.px = fill.px;
      s.midAtExecPx = fill.midAtExecPx;
      s.quoteMidPx = hasQuoteMid ? fill.quoteMidPx! : Number.NaN;
      s.quoteAgeUs = fill.quoteAgeUs;
      s.execMonoNs = execMonoNs;
      s.staleMoveBps = staleMoveBps;
      state.samplesNext = (state.samplesNext + 1) % state.samples.length;
    }

    const isEvidence = execMonoNs >= state.evidenceSinceMonoNs;
    if (hasQuoteMid && isEvidence) {
      // Count a fill only when its quote window [exec − age, exec] starts after the last counted one ended.
      const quoteMonoNs = execMonoNs - fill.quoteAgeUs * 1_000;
      if (quoteMonoNs >= state.staleHitNextMonoNs) {
        state.staleHitNextMonoNs = execMonoNs;
        if (staleMoveBps === 0) state.staleHitTies++;
        else {
          state.staleHitN++;
          if (staleMoveBps > 0) state.staleHitFavourable++;
          this.evaluate(state, execMonoNs);
        }
      }
    }

    if (isEvidence) {
      const sign = fill.side === 'buy' ? 1 : -1;
      for (let h = 0; h < this.queues.length; h++) {
        if (execMonoNs < state.markoutNextMonoNs[h]!) {
          this.c.markoutsThinnedTotal++;
          continue;
        }
        const q = this.queues[h]!;
        if (q.enqueue(fill.clientId, fill.instrument, sign, fill.midAtExecPx, execMonoNs)) {
          state.markoutNextMonoNs[h] = execMonoNs + q.horizonNs;
        } else {
          this.c.pendingMarkoutsOverflowTotal++;
        }
      }
    }
    return DETECTION_INPUT_RESULTS.OK;
  }

  /**
   * Feeds the mid of `instrument` at `nowMonoNs` and resolves every markout
   * whose horizon has passed, each with the last mid at or before its due
   * instant. Malformed input is counted and returned as a reason.
   */
  onMid(instrument: string, midPx: number, nowMonoNs: number): DetectionInputResult {
    if (!validId(instrument, INSTRUMENT_LENGTH_MAX)) {
      this.c.invalidMidsTotal++;
      return DETECTION_INPUT_RESULTS.INVALID_INSTRUMENT;
    }
    if (!positivePx(midPx)) {
      this.c.invalidMidsTotal++;
      return DETECTION_INPUT_RESULTS.INVALID_PRICE;
    }
    if (typeof nowMonoNs !== 'number' || !Number.isFinite(nowMonoNs) || nowMonoNs < 0) {
      this.c.invalidMidsTotal++;
      return DETECTION_INPUT_RESULTS.INVALID_TIME;
    }
    let now = nowMonoNs;
    if (now < this.lastMidMonoNs) {
      this.c.midsOutOfOrderTotal++;
      now = this.lastMidMonoNs;
    }
    // Markouts due strictly before this mid read the mids as they were.
    this.drain(now, false);
    let result = DETECTION_INPUT_RESULTS.OK;
    if (this.mids.has(instrument) || this.mids.size < this.options.instrumentsMax) this.mids.set(instrument, midPx);
    else {
      this.c.instrumentsRefusedTotal++;
      result = DETECTION_INPUT_RESULTS.INSTRUMENTS_FULL;
    }
    this.drain(now, true);
    this.lastMidMonoNs = now;
    return result;
  }

  /** Resolves markouts due at or before `nowMonoNs` with the last mids known (for a quiet mid feed). */
  advanceTo(nowMonoNs: number): void {
    if (!Number.isFinite(nowMonoNs) || nowMonoNs < this.lastMidMonoNs) return;
    this.drain(nowMonoNs, true);
    this.lastMidMonoNs = nowMonoNs;
  }

  /** Pending markouts across all horizons. */
  pendingMarkouts(): number {
    let n = 0;
    for (const q of this.queues) n += q.size();
    return n;
  }

  /** Status of a client: `flagged` (until cleared), `watch`, `normal`, or `unknown` (no state held). */
  status(clientId: string): ClientStatus {
    if (this.review.has(clientId)) return 'flagged';
    const state = this.store.peek(clientId);
    if (state === undefined) return 'unknown';
    if (state.flaggedRule !== null) return 'flagged';
    return state.watchRule !== null ? 'watch' : 'normal';
  }

  /** True when the client is flagged (listed, or flagged while the list was full). */
  isFlagged(clientId: string): boolean {
    return this.status(clientId) === 'flagged';
  }

  /** Open review-list entries, oldest first (a copy of the list; entries are snapshots). */
  reviewList(): ReviewEntry[] {
    return [...this.review.values()];
  }

  /** Open review-list entries. */
  flaggedCount(): number {
    return this.review.size;
  }

  /** Clients currently on watch (O(clients), for scrapes and reports). */
  watchedCount(): number {
    let n = 0;
    for (const s of this.store.values()) if (s.watchRule !== null && s.flaggedRule === null) n++;
    return n;
  }

  /** Live evidence figures of a client, or undefined when no state is held. */
  clientEvidence(clientId: string): ClientEvidence | undefined {
    const state = this.store.peek(clientId);
    return state === undefined ? undefined : buildClientEvidence(state, this.thresholds);
  }

  /**
   * Clears a flag: the only way off the review list. `reason` and `by` are
   * required (throws when empty: a programmer error). The client's markout and
   * stale-hit evidence restarts from now, so it is flagged again only on new
   * executions; markouts still pending for earlier ones are discarded.
   */
  clearFlag(clientId: string, request: ClearFlagRequest): ClearFlagResult {
    if (!validId(request?.reason, 1_024)) {
      throw new TypeError('ArbitrageDetector.clearFlag: request.reason must be a non-empty string of at most 1024 characters');
    }
    if (!validId(request.by, ID_LENGTH_MAX)) {
      throw new TypeError('ArbitrageDetector.clearFlag: request.by must be a non-empty string of at most 256 characters');
    }
    const entry = this.review.get(clientId);
    const state = this.store.peek(clientId);
    const stateFlagged = state !== undefined && state.flaggedRule !== null;
    if (entry === undefined && !stateFlagged) return { ok: false, reason: 'NOT_FLAGGED' };
    this.review.delete(clientId);
    const nowMonoNs = this.clock.monoNs();
    if (state !== undefined) {
      resetClientEvidence(state, Math.max(nowMonoNs, state.lastSeenMonoNs));
      state.clearedTotal++;
    }
    this.c.flagsClearedTotal++;
    const result: ClearFlagResult = {
      ok: true,
      reason: 'CLEARED',
      clearedEpochUs: this.clock.wallEpochUs(),
      by: request.by,
      clearReason: request.reason,
    };
    if (entry !== undefined) result.entry = entry;
    return result;
  }

  /** Counters since construction (a fresh object; read at scrape time). */
  counters(): DetectionCounters {
    const flagsTotalByRule = {} as Record<DetectionRule, number>;
    DETECTION_RULES.forEach((rule, i) => (flagsTotalByRule[rule] = this.flagsByRule[i]!));
    return { ...this.c, flagsTotalByRule, clientsEvictedTotal: this.store.evictedTotal() };
  }

  private drain(limitMonoNs: number, inclusive: boolean): void {
    this.drainMonoNs = limitMonoNs;
    for (let h = 0; h < this.queues.length; h++) {
      this.resolvingHorizon = h;
      this.queues[h]!.drainDue(limitMonoNs, inclusive, this.resolveMarkout);
    }
  }

  private evaluate(state: ClientDetectionState, atMonoNs: number): void {
    if (state.flaggedRule !== null) return;
    const rule = firstTrippedRule(state, this.thresholds);
    if (rule === null) return;
    state.flaggedRule = rule;
    state.flaggedMonoNs = atMonoNs;
    this.flagsByRule[DETECTION_RULES.indexOf(rule)]!++;
    if (this.review.size >= this.options.reviewListMax) {
      this.c.reviewListDroppedTotal++;
      return;
    }
    this.review.set(state.clientId, {
      clientId: state.clientId,
      rule,
      rules: trippedRules(state, this.thresholds),
      flaggedMonoNs: atMonoNs,
      flaggedEpochUs: this.clock.wallEpochUs(),
      evidence: buildClientEvidence(state, this.thresholds),
    });
  }

  private validateFill(f: DetectionFill): DetectionInputResult | null {
    if (f === null || typeof f !== 'object' || !validId(f.clientId, ID_LENGTH_MAX)) return DETECTION_INPUT_RESULTS.INVALID_CLIENT_ID;
    if (typeof f.execId !== 'string' || f.execId.length > ID_LENGTH_MAX) return DETECTION_INPUT_RESULTS.INVALID_EXEC_ID;
    if (!validId(f.instrument, INSTRUMENT_LENGTH_MAX)) return DETECTION_INPUT_RESULTS.INVALID_INSTRUMENT;
    if (f.side !== 'buy' && f.side !== 'sell') return DETECTION_INPUT_RESULTS.INVALID_SIDE;
    if (!positivePx(f.px) || !positivePx(f.midAtExecPx) || (f.quoteMidPx !== undefined && !positivePx(f.quoteMidPx))) {
      return DETECTION_INPUT_RESULTS.INVALID_PRICE;
    }
    if (f.execMonoNs !== undefined) {
      if (typeof f.execMonoNs !== 'number' || !Number.isFinite(f.execMonoNs) || f.execMonoNs < 0) return DETECTION_INPUT_RESULTS.INVALID_TIME;
    } else if (
      typeof f.execEpochUs !== 'number' ||
      !Number.isFinite(f.execEpochUs) ||
      f.execEpochUs < EPOCH_US_MIN ||
      f.execEpochUs >= EPOCH_US_MAX
    ) {
      return DETECTION_INPUT_RESULTS.INVALID_TIME;
    }
    if (typeof f.quoteAgeUs !== 'number' || !Number.isFinite(f.quoteAgeUs) || f.quoteAgeUs < 0 || f.quoteAgeUs > QUOTE_AGE_US_MAX) {
      return DETECTION_INPUT_RESULTS.INVALID_QUOTE_AGE;
    }
    return null;
  }
}
