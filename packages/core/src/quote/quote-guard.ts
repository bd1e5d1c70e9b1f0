import type { Clock } from '../clock/clock.js';
import { systemClock } from '../clock/system-clock.js';
import { ENFORCE_ALL, type RolloutDecider } from '../rollout/rollout-decider.js';
import { ZERO_SKEW } from '../skew/fixed-skew-source.js';
import type { SkewSource } from '../skew/skew-source.js';
import { InMemoryQuoteStore, type QuoteStore } from './quote-store.js';
import { InMemoryReplayGuard, type ReplayFullPolicy, type ReplayGuard, type ReplayMarkOutcome } from './replay-guard.js';
import { EmbeddedReplayMarks, markQuote, type MarkedQuote } from './embedded-replay-marks.js';
import {
  OTHER_INSTRUMENT_LABEL,
  replayTtlNs,
  resolveQuotePolicies,
  type QuotePolicy,
  type QuotePolicyOptions,
  type ResolvedQuotePolicies,
} from './quote-policy.js';
import {
  isValidQuoteCheckRequest,
  RECORD_QUOTE_REASONS,
  type QuoteCheckRequest,
  type QuoteCheckResult,
  type QuoteChecker,
  type RecordQuoteReason,
  type RecordQuoteResult,
} from './quote-check.js';
import {
  QUOTE_RECORD_FIELDS,
  invalidQuoteField,
  isPlausibleEpochUs,
  isValidId,
  isValidPx,
  type QuoteRecord,
  type QuoteRecordField,
  type StoredQuote,
} from './quote-record.js';
import { QUOTE_REASONS, QUOTE_REASON_CODE } from './quote-reasons.js';
import { decideQuoteCode, newQuoteDecisionDetail, newQuoteDecisionInput } from './quote-decision.js';
import { QuoteGuardCounters, type QuoteWindowOptions } from './quote-guard-counters.js';

/** Where a quote's age is measured. */
export type QuoteAgeBasis = 'local-monotonic' | 'wall';

/** Options for {@link QuoteGuard}. */
export interface QuoteGuardOptions {
  /** Default and per-instrument policies; validated at construction. */
  policy?: QuotePolicyOptions;
  /** Clock for ages, TTLs, hold time and windows. Default the system clock. */
  clock?: Clock;
  /** Clock error source, read only for wall-clock ages. Default ZERO_SKEW. */
  skew?: SkewSource;
  /** Rollout decider. Default ENFORCE_ALL. */
  rollout?: RolloutDecider;
  /**
   * `local-monotonic` (default): recorded quotes are aged on the monotonic clock
   * from recording (record them when issued). `wall`: always age on the wall clock
   * from issuedEpochUs, widened by the clock error (for quotes issued elsewhere).
   */
  ageBasis?: QuoteAgeBasis;
  /** Quote store. Default an {@link InMemoryQuoteStore} with `quoteTtlMs` and `quotesMax`. */
  store?: QuoteStore;
  /** Quote retention of the default store, ms. */
  quoteTtlMs?: number;
  /** Bound of the default store. */
  quotesMax?: number;
  /**
   * Replay guard. Default: when none of `store`, `replay`, `replayMax`, `replayOnFull`
   * is given, each quote's replay mark is kept in its own stored record
   * ({@link EmbeddedReplayMarks}: bounded by the store, dropped with its quote, so a
   * later check of an evicted quote is QUOTE_UNKNOWN); otherwise an
   * {@link InMemoryReplayGuard} with `replayMax` and `replayOnFull`.
   */
  replay?: ReplayGuard;
  /** Bound of a separate default replay guard (giving it selects an {@link InMemoryReplayGuard}). */
  replayMax?: number;
  /** Full policy of a separate default replay guard (giving it selects an {@link InMemoryReplayGuard}). */
  replayOnFull?: ReplayFullPolicy;
  /**
   * Most instruments whose latest mid is tracked for the price check (configured
   * ones included). Beyond it an instrument gets no price check and is counted in
   * `counters.instrumentsUntrackedTotal`. Default {@link INSTRUMENTS_TRACKED_MAX_DEFAULT}.
   */
  instrumentsTrackedMax?: number;
  /** Window settings of the age and hold windows (5 s sliding by 1 s by default). */
  window?: QuoteWindowOptions;
  /** Start an unref'd timer rotating the windows. Default true; tests with a ManualClock pass false and call tick(). */
  autoTick?: boolean;
}

/** Default of {@link QuoteGuardOptions.instrumentsTrackedMax}. */
export const INSTRUMENTS_TRACKED_MAX_DEFAULT = 4_096;

/** Receives every check's age (ns, NaN when not measured) and hold time (ns) with its slot; for OpenTelemetry histograms. */
export type QuoteSampleSink = (slot: number, ageNs: number, holdNs: number) => void;

/** Per-instrument state, created once; the check reaches it through one Map lookup (or the last-instrument cache). */
interface InstrumentState {
  readonly slot: number;
  readonly policy: QuotePolicy;
  readonly replayTtlNs: number;
  /** Latest mid (NaN until a quote or market data arrives) and the issue time it came from. */
  midPx: number;
  midEpochUs: number;
}

const OK = QUOTE_REASON_CODE.OK;
const INVALID = QUOTE_REASON_CODE.INVALID_REQUEST;
const UNAVAILABLE = QUOTE_REASON_CODE.GUARD_UNAVAILABLE;
const REPLAYED = QUOTE_REASON_CODE.QUOTE_REPLAYED;
const PRICE_MOVED = QUOTE_REASON_CODE.PRICE_MOVED;
const REASONS = QUOTE_REASONS.length;

function recordResult(reason: RecordQuoteReason, field: QuoteRecordField | undefined): RecordQuoteResult {
  return Object.freeze({ ok: reason === 'OK', reason, field });
}
/** Record results are preallocated and frozen: recording allocates only the stored quote. */
const RECORD_OK = recordResult('OK', undefined);
const RECORD_DUPLICATE = recordResult('DUPLICATE_QUOTE_ID', undefined);
const RECORD_UNAVAILABLE = recordResult('GUARD_UNAVAILABLE', undefined);
const RECORD_INVALID = Object.freeze(
  Object.fromEntries(QUOTE_RECORD_FIELDS.map((f) => [f, recordResult('INVALID_QUOTE', f)])) as Record<QuoteRecordField, RecordQuoteResult>,
);
const REC_OK = RECORD_QUOTE_REASONS.indexOf('OK');
const REC_INVALID = RECORD_QUOTE_REASONS.indexOf('INVALID_QUOTE');
const REC_DUPLICATE = RECORD_QUOTE_REASONS.indexOf('DUPLICATE_QUOTE_ID');
const REC_UNAVAILABLE = RECORD_QUOTE_REASONS.indexOf('GUARD_UNAVAILABLE');

/**
 * The last-look quote guard, in memory: the embedded default of
 * {@link QuoteChecker}. Records issued quotes and checks execution requests
 * against them synchronously; the replay mark is taken in the same synchronous
 * call as the decision, so nothing can interleave between check and mark.
 *
 * Check order (docs/quote-guard.md has the full table):
 * 0. rollout `off`: nothing is evaluated or marked; `{ ok: true, reason: 'OK', enforced: false }`, counted as bypassed;
 * 1. INVALID_REQUEST for a malformed request (IDs empty or > 256 chars, side, px, implausible nowEpochUs);
 * 2. then {@link decideQuoteCode}: UNKNOWN, INVALID_REQUEST (instrument or limit mismatch),
 *    OK for a same-execId retry, CLOCK_UNSYNCED, FROM_FUTURE, EXPIRED, STALE, REPLAYED, PRICE_MOVED;
 * 3. on OK, the replay mark; a refused mark yields GUARD_UNAVAILABLE, handled per `onStoreUnavailable`.
 * An exception from an injected store or replay guard also yields GUARD_UNAVAILABLE.
 *
 * Replay marks: with the default store and no replay option, the mark (execId,
 * expiry = the policy's replay TTL) is kept in the quote's own stored record, so
 * an accept costs the single store lookup the check already does. It is bounded
 * by `quotesMax`/`quoteTtlMs`: when the store drops a quote (TTL or eviction) its
 * mark goes with it and a later check of that ID is QUOTE_UNKNOWN, never an
 * accept. Size `quoteTtlMs` above the replay TTL (the default 5 s is). With a
 * custom `store` or `replay` (or `replayMax`/`replayOnFull`) marks live in the
 * {@link ReplayGuard} instead.
 *
 * Hot path: `check` allocates one small fixed-shape result object (use
 * {@link checkInto} with a reused result to allocate nothing); no strings are
 * built; counters are preallocated typed arrays indexed [instrument][reason][enforced].
 */
export class QuoteGuard implements QuoteChecker {
  /** Counters and windows, read by the exporters at scrape time. */
  readonly counters: QuoteGuardCounters;
  /** Resolved policies. */
  readonly policies: ResolvedQuotePolicies;
  /** The quote store in use. */
  readonly store: QuoteStore;
  /** The replay guard in use: an {@link EmbeddedReplayMarks} view of the store when marks are embedded. */
  readonly replay: ReplayGuard;
  /** Bound on tracked instruments. */
  readonly instrumentsTrackedMax: number;

  private readonly clock: Clock;
  private readonly skew: SkewSource;
  private readonly rollout: RolloutDecider;
  private readonly local: boolean;
  /** Set when the replay guard is the in-memory one: its lookup-then-mark needs no second Map lookup. */
  private readonly inMemoryReplay: InMemoryReplayGuard | undefined;
  /** True when marks live in the default store's quote records ({@link EmbeddedReplayMarks}). */
  private readonly embeddedMarks: boolean;
  private readonly states = new Map<string, InstrumentState>();
  private readonly overflowState: InstrumentState;
  private readonly otherSlot: number;
  private lastInstrument = '';
  private lastState: InstrumentState;
  private readonly input = newQuoteDecisionInput();
  private readonly detail = newQuoteDecisionDetail();
  private sink: QuoteSampleSink | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(options: QuoteGuardOptions = {}) {
    this.policies = resolveQuotePolicies(options.policy);
    this.clock = options.clock ?? systemClock();
    this.skew = options.skew ?? ZERO_SKEW;
    this.rollout = options.rollout ?? ENFORCE_ALL;
    const basis = options.ageBasis ?? 'local-monotonic';
    if (basis !== 'local-monotonic' && basis !== 'wall') {
      throw new TypeError(`QuoteGuard: ageBasis must be 'local-monotonic' or 'wall', got ${JSON.stringify(basis)}`);
    }
    this.local = basis === 'local-monotonic';
    this.embeddedMarks =
      options.store === undefined && options.replay === undefined && options.replayMax === undefined && options.replayOnFull === undefined;
    if (this.embeddedMarks) {
      const store = new InMemoryQuoteStore({ quoteTtlMs: options.quoteTtlMs, quotesMax: options.quotesMax });
      this.store = store;
      this.replay = new EmbeddedReplayMarks(store, this.clock);
    } else {
      this.store = options.store ?? new InMemoryQuoteStore({ quoteTtlMs: options.quoteTtlMs, quotesMax: options.quotesMax });
      this.replay = options.replay ?? new InMemoryReplayGuard({ replayMax: options.replayMax, onFull: options.replayOnFull });
    }
    // Only a guard of exactly this class (not a subclass or patched instance) takes the fast path.
    this.inMemoryReplay =
      this.replay instanceof InMemoryReplayGuard && Object.getPrototypeOf(this.replay) === InMemoryReplayGuard.prototype && !Object.hasOwn(this.replay, 'lookup')
        ? this.replay
        : undefined;
    const configured = [...this.policies.instruments.keys()];
    this.instrumentsTrackedMax = options.instrumentsTrackedMax ?? INSTRUMENTS_TRACKED_MAX_DEFAULT;
    if (!Number.isInteger(this.instrumentsTrackedMax) || this.instrumentsTrackedMax < configured.length || this.instrumentsTrackedMax > 1_000_000) {
      throw new RangeError(
        `QuoteGuard: instrumentsTrackedMax must be an integer in [${configured.length} (the configured instruments), 1000000], got ${this.instrumentsTrackedMax}`,
      );
    }
    this.counters = new QuoteGuardCounters([...configured, OTHER_INSTRUMENT_LABEL], this.clock, options.window);
    this.otherSlot = configured.length;
    configured.forEach((name, slot) => this.states.set(name, makeState(slot, this.policies.instruments.get(name)!)));
    this.overflowState = makeState(this.otherSlot, this.policies.default);
    this.lastState = this.overflowState;
    if (options.autoTick ?? true) {
      const sliceMs = this.counters.ageWindows[0]!.sliceNs / 1e6;
      this.timer = setInterval(() => this.tick(), Math.max(10, Math.floor(sliceMs / 2)));
      this.timer.unref();
    }
  }

  /**
   * Records an issued quote (call it when the quote is issued). Never throws:
   * invalid input returns INVALID_QUOTE naming the field, a live duplicate ID
   * DUPLICATE_QUOTE_ID; each outcome is counted. Also updates the instrument's
   * reference mid when this quote is the newest seen.
   */
  recordQuote(quote: QuoteRecord): RecordQuoteResult {
    const field = invalidQuoteField(quote);
    const records = this.counters.records;
    if (field !== undefined) {
      records[REC_INVALID]!++;
      return RECORD_INVALID[field];
    }
    const nowMonoNs = this.clock.monoNs();
    // Always the MarkedQuote shape (one hidden class); the mark fields are used only when marks are embedded.
    const stored: MarkedQuote = {
      quoteId: quote.quoteId,
      instrument: quote.instrument,
      bidPx: quote.bidPx,
      askPx: quote.askPx,
      issuedEpochUs: quote.issuedEpochUs,
      validUntilEpochUs: quote.validUntilEpochUs ?? NaN,
      recordedMonoNs: this.local ? nowMonoNs : NaN,
      markExecId: '',
      markExpiresMonoNs: -Infinity,
    };
    let added: boolean;
    try {
      added = this.store.put(stored, nowMonoNs);
    } catch {
      records[REC_UNAVAILABLE]!++;
      return RECORD_UNAVAILABLE;
    }
    if (!added) {
      records[REC_DUPLICATE]!++;
      return RECORD_DUPLICATE;
    }
    const st = this.stateFor(quote.instrument, true);
    if (st !== this.overflowState && !(quote.issuedEpochUs < st.midEpochUs)) {
      st.midPx = (quote.bidPx + quote.askPx) / 2;
      st.midEpochUs = quote.issuedEpochUs;
    }
    records[REC_OK]!++;
    return RECORD_OK;
  }

  /**
   * Sets the reference mid of an instrument from market data (the newest
   * recorded quote sets it too). Returns false for invalid input or an
   * untracked instrument. Never throws.
   */
  updateMid(instrument: string, midPx: number, epochUs: number = this.clock.wallEpochUs()): boolean {
    if (!isValidId(instrument) || !isValidPx(midPx) || !isPlausibleEpochUs(epochUs)) return false;
    const st = this.stateFor(instrument, true);
    if (st === this.overflowState || epochUs < st.midEpochUs) return false;
    st.midPx = midPx;
    st.midEpochUs = epochUs;
    return true;
  }

  /** Checks one execution request; returns a fresh result object. Never throws. */
  check(request: QuoteCheckRequest): QuoteCheckResult {
    return this.checkInto(request, { ok: false, reason: 'OK', enforced: false, wouldReject: false, ageUs: NaN, clockErrorUs: NaN, holdNs: 0 });
  }

  /**
   * Checks one request writing into `out` (returned): with a reused result,
   * the check allocates nothing. Never throws.
   */
  checkInto(request: QuoteCheckRequest, out: QuoteCheckResult): QuoteCheckResult {
    const clock = this.clock;
    const t0 = clock.monoNs();
    const counters = this.counters;
    const mode = this.rollout.mode();
    if (mode === 'off') {
      counters.bypassedTotal++;
      out.ok = true;
      out.reason = 'OK';
      out.enforced = false;
      out.wouldReject = false;
      out.ageUs = NaN;
      out.clockErrorUs = NaN;
      out.holdNs = clock.monoNs() - t0;
      return out;
    }
    const req = request as Partial<QuoteCheckRequest> | null | undefined;
    let code: number;
    let st = this.overflowState;
    let forceShadow = false;
    const detail = this.detail;
    detail.ageUs = NaN;
    detail.clockErrorUs = NaN;
    detail.priceDirection = 0;
    if (req === null || typeof req !== 'object' || !isValidQuoteCheckRequest(req)) {
      code = INVALID;
    } else {
      const input = this.input;
      let quote: StoredQuote | undefined;
      let storeFailed = false;
      try {
        quote = this.store.get(req.quoteId!, t0);
      } catch {
        storeFailed = true;
      }
      if (quote === undefined) {
        if (req.instrument !== undefined) st = this.stateFor(req.instrument, false);
        input.found = false;
        code = storeFailed ? UNAVAILABLE : decideQuoteCode(input, st.policy, detail);
      } else {
        st = this.stateFor(quote.instrument, false);
        if (this.embeddedMarks) {
          // The mark is in the record just read: no second lookup.
          const mq = quote as MarkedQuote;
          input.replay = mq.markExpiresMonoNs > t0 ? (mq.markExecId === req.execId ? 'same' : 'other') : 'none';
        } else {
          let marked: string | undefined;
          try {
            marked = this.replay.lookup(quote.quoteId, t0);
            input.replay = marked === undefined ? 'none' : marked === req.execId ? 'same' : 'other';
          } catch {
            // Unknown replay state: the age checks still run first (decideQuoteCode step 8).
            input.replay = 'unavailable';
          }
        }
        input.found = true;
        input.instrumentMatches = req.instrument === undefined || req.instrument === quote.instrument;
        input.side = req.side!;
        input.pxLimit = req.px === undefined ? NaN : req.px;
        input.bidPx = quote.bidPx;
        input.askPx = quote.askPx;
        input.issuedEpochUs = quote.issuedEpochUs;
        input.validUntilEpochUs = quote.validUntilEpochUs;
        input.recordedMonoNs = quote.recordedMonoNs;
        input.nowMonoNs = t0;
        input.referenceMidPx = st.midPx;
        if (quote.recordedMonoNs === quote.recordedMonoNs) {
          input.nowEpochUs = NaN;
          input.skewSynchronized = true;
          input.skewMaxErrorUs = 0;
        } else {
          input.nowEpochUs = req.nowEpochUs === undefined ? clock.wallEpochUs() : req.nowEpochUs;
          const status = this.skew.status();
          input.skewSynchronized = status.synchronized;
          input.skewMaxErrorUs = status.maxErrorUs;
        }
        code = decideQuoteCode(input, st.policy, detail);
        if (code === OK && input.replay === 'none') {
          // Same synchronous call as the decision: nothing can interleave.
          if (this.embeddedMarks) {
            const mq = quote as MarkedQuote;
            mq.markExecId = req.execId!;
            mq.markExpiresMonoNs = t0 + st.replayTtlNs;
          } else {
            try {
              const outcome =
                this.inMemoryReplay !== undefined
                  ? this.inMemoryReplay.markUnmarked(quote.quoteId, req.execId!, st.replayTtlNs, t0)
                  : this.replay.tryMark(quote.quoteId, req.execId!, st.replayTtlNs, t0);
              if (outcome === 'other') code = REPLAYED;
              else if (outcome === 'unavailable') code = UNAVAILABLE;
            } catch {
              code = UNAVAILABLE;
            }
          }
        }
      }
      if (code === UNAVAILABLE && st.policy.onStoreUnavailable === 'shadow') forceShadow = true;
    }

    let enforced: boolean;
    if (mode === 'enforce' && !forceShadow) {
      // A request without a usable client ID cannot be bucketed: enforce (it is malformed anyway).
      enforced = req !== null && typeof req === 'object' && isValidId(req.clientId) ? this.rollout.isEnforced(req.clientId) : true;
    } else {
      enforced = false;
    }
    const failed = code !== OK;
    const slot = st.slot;
    counters.checks[(slot * REASONS + code) * 2 + (enforced ? 1 : 0)]!++;
    if (failed && !enforced) counters.wouldReject[slot * REASONS + code]!++;
    if (code === PRICE_MOVED) counters.priceRejects[slot * 2 + detail.priceDirection - 1]!++;
    const ageUs = detail.ageUs;
    if (ageUs >= 0) counters.ageWindows[slot]!.recordNs(ageUs * 1_000);

    out.ok = !failed || !enforced;
    out.reason = QUOTE_REASONS[code]!;
    out.enforced = enforced;
    out.wouldReject = failed && !enforced;
    out.ageUs = ageUs;
    out.clockErrorUs = detail.clockErrorUs;
    const holdNs = clock.monoNs() - t0;
    out.holdNs = holdNs;
    counters.holdWindows[slot]!.recordNs(holdNs);
    const sink = this.sink;
    if (sink !== undefined) sink(slot, ageUs * 1_000, holdNs);
    return out;
  }

  /**
   * Marks `quoteId` as executed by `execId`, as an accepted check would, with the
   * replay TTL of the quote's instrument policy (embedded marks: the stored
   * quote's instrument; a separate replay guard: `instrument`, else the default
   * policy). For callers that accepted the execution elsewhere (the Redis guard
   * keeps its local-only fallback in step). With embedded marks a quote the store
   * does not hold cannot be marked (`unavailable`; a check of it is QUOTE_UNKNOWN).
   * Never throws: a failing replay guard yields `unavailable`.
   */
  markExecuted(quoteId: string, execId: string, instrument?: string): ReplayMarkOutcome {
    if (!isValidId(quoteId) || !isValidId(execId)) return 'unavailable';
    const nowMonoNs = this.clock.monoNs();
    try {
      if (this.embeddedMarks) {
        const q = this.store.get(quoteId, nowMonoNs) as MarkedQuote | undefined;
        return q === undefined ? 'unavailable' : markQuote(q, execId, this.stateFor(q.instrument, false).replayTtlNs, nowMonoNs);
      }
      const st = instrument === undefined ? this.overflowState : this.stateFor(instrument, false);
      return this.replay.tryMark(quoteId, execId, st.replayTtlNs, nowMonoNs);
    } catch {
      return 'unavailable';
    }
  }

  /** Sets (or clears with undefined) the per-check sample sink; used by the OpenTelemetry exporter. */
  setSampleSink(sink: QuoteSampleSink | undefined): void {
    this.sink = sink;
  }

  /** The resolved policy that applies to `instrument` (the default for unconfigured ones). */
  policyFor(instrument: string): QuotePolicy {
    return this.policies.instruments.get(instrument) ?? this.policies.default;
  }

  /** Rotates the age and hold windows; called by the timer, or by tests with a ManualClock. */
  tick(nowNs: number = this.clock.monoNs()): void {
    this.counters.tick(nowNs);
  }

  /** Stops the window timer. The guard keeps working; windows rotate on queries. */
  close(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  private stateFor(instrument: string, create: boolean): InstrumentState {
    if (instrument === this.lastInstrument) return this.lastState;
    let st = this.states.get(instrument);
    if (st === undefined) {
      if (!create) return this.overflowState;
      if (this.states.size >= this.instrumentsTrackedMax) {
        this.counters.instrumentsUntrackedTotal++;
        return this.overflowState;
      }
      st = makeState(this.otherSlot, this.policies.default);
      this.states.set(instrument, st);
    }
    this.lastInstrument = instrument;
    this.lastState = st;
    return st;
  }
}

function makeState(slot: number, policy: QuotePolicy): InstrumentState {
  return { slot, policy, replayTtlNs: replayTtlNs(policy), midPx: NaN, midEpochUs: -Infinity };
}

