import type { QuotePolicy } from './quote-policy.js';
import { QUOTE_REASON_CODE, QUOTE_REASONS, type QuoteReason } from './quote-reasons.js';

/** Replay state of the quote as seen before the decision. */
export type ReplayState = 'none' | 'same' | 'other' | 'unavailable';

/**
 * Everything the decision needs, as plain values (NaN for "absent"), so the same
 * rules can be ported to Redis Lua and tested against {@link decideQuote}.
 * The guard reuses one instance of this per check.
 */
export interface QuoteDecisionInput {
  /** The quote was found (live) in the store. */
  found: boolean;
  /** The request named no instrument or the quote's instrument. */
  instrumentMatches: boolean;
  /** Client side of the execution. */
  side: 'buy' | 'sell';
  /** Client limit price; NaN when absent. A buy needs pxLimit ≥ ask, a sell pxLimit ≤ bid. */
  pxLimit: number;
  bidPx: number;
  askPx: number;
  issuedEpochUs: number;
  /** NaN when the quote has no ValidUntilTime. */
  validUntilEpochUs: number;
  /** Monotonic ns when this process recorded the quote; NaN when not recorded here (wall age is used). */
  recordedMonoNs: number;
  nowMonoNs: number;
  nowEpochUs: number;
  /** Skew source status: only read when wall age is used. */
  skewSynchronized: boolean;
  skewMaxErrorUs: number;
  /** Latest mid known for the instrument (newest recorded quote or market data); NaN when none. */
  referenceMidPx: number;
  /** Replay entry of the quote. */
  replay: ReplayState;
}

/** Figures of one decision, written in place (reused per check). */
export interface QuoteDecisionDetail {
  /** Quote age in µs (monotonic or wall); NaN when not measured. May be negative on the wall clock. */
  ageUs: number;
  /** Clock error applied, µs: 0 for monotonic age; the source's bound for wall age; NaN when not measured or unsynchronised. */
  clockErrorUs: number;
  /** |reference mid − quoted mid| in bps of the quoted mid; NaN when not measured. */
  priceMoveBps: number;
  /** 0 none, 1 client-favourable, 2 dealer-favourable (see PRICE_MOVE_DIRECTIONS, index + 1). */
  priceDirection: number;
}

/** A fresh {@link QuoteDecisionInput} with neutral values, to be filled per check. */
export function newQuoteDecisionInput(): QuoteDecisionInput {
  return {
    found: false,
    instrumentMatches: true,
    side: 'buy',
    pxLimit: NaN,
    bidPx: NaN,
    askPx: NaN,
    issuedEpochUs: NaN,
    validUntilEpochUs: NaN,
    recordedMonoNs: NaN,
    nowMonoNs: 0,
    nowEpochUs: NaN,
    skewSynchronized: true,
    skewMaxErrorUs: 0,
    referenceMidPx: NaN,
    replay: 'none',
  };
}

/** A fresh {@link QuoteDecisionDetail}. */
export function newQuoteDecisionDetail(): QuoteDecisionDetail {
  return { ageUs: NaN, clockErrorUs: NaN, priceMoveBps: NaN, priceDirection: 0 };
}

const C = QUOTE_REASON_CODE;

/**
 * The quote decision as a pure function returning a reason code (index into
 * QUOTE_REASONS). Allocation-free; `out` receives the figures. Order:
 *
 * 1. QUOTE_UNKNOWN: not in the store (never issued, expired from it, or evicted).
 * 2. INVALID_REQUEST: the request names another instrument, or its limit price is
 *    not met by the quote (buy below the ask, sell above the bid).
 * 3. OK when the quote is already marked by this same execId (idempotent retry:
 *    the execution was accepted before, and answering otherwise would disown a fill).
 * 4. Age basis: monotonic age since local recording (error 0), else wall age
 *    `nowEpochUs − issuedEpochUs`, which needs a trusted clock: CLOCK_UNSYNCED when
 *    the skew source is unsynchronised or its error exceeds maxClockErrorMs.
 *    A local (monotonic) age never needs the wall clock, so never yields CLOCK_UNSYNCED.
 * 5. QUOTE_FROM_FUTURE: wall age < −(maxFutureSkew + error) (policy-independent:
 *    within the error bound a future stamp is explained by the clocks).
 * 6. QUOTE_EXPIRED: judged age > validUntil − issued (the issuer's own lifetime,
 *    measured on the same basis as age, so a local quote needs no wall clock).
 * 7. QUOTE_STALE: judged age > maxAge, judged = age + error (dealer-safe) or age − error (client-safe).
 * 8. QUOTE_REPLAYED (marked by another execId) / GUARD_UNAVAILABLE (replay state
 *    unknown). Age comes first so a replay store that lost its keys still cannot
 *    let a quote be filled past its max age.
 * 9. PRICE_MOVED: |reference mid − quoted mid| × 10 000 > tolerance × quoted mid
 *    (one symmetric tolerance; the direction is reported for measurement).
 * 10. OK.
 */
export function decideQuoteCode(input: QuoteDecisionInput, policy: QuotePolicy, out: QuoteDecisionDetail): number {
  out.ageUs = NaN;
  out.clockErrorUs = NaN;
  out.priceMoveBps = NaN;
  out.priceDirection = 0;
  if (!input.found) return C.QUOTE_UNKNOWN;
  if (!input.instrumentMatches) return C.INVALID_REQUEST;
  const limit = input.pxLimit;
  if (limit === limit && (input.side === 'buy' ? limit < input.askPx : limit > input.bidPx)) return C.INVALID_REQUEST;
  if (input.replay === 'same') return C.OK;

  let ageUs: number;
  let errorUs: number;
  const recorded = input.recordedMonoNs;
  if (recorded === recorded) {
    ageUs = (input.nowMonoNs - recorded) / 1_000;
    errorUs = 0;
  } else {
    ageUs = input.nowEpochUs - input.issuedEpochUs;
    out.ageUs = ageUs;
    if (!input.skewSynchronized) return C.CLOCK_UNSYNCED;
    errorUs = input.skewMaxErrorUs;
    out.clockErrorUs = errorUs;
    if (!(errorUs <= policy.maxClockErrorMs * 1_000)) return C.CLOCK_UNSYNCED;
    if (-ageUs > policy.maxFutureSkewMs * 1_000 + errorUs) return C.QUOTE_FROM_FUTURE;
  }
  out.ageUs = ageUs;
  out.clockErrorUs = errorUs;
  const judgedUs = policy.clockErrorPolicy === 'dealer-safe' ? ageUs + errorUs : ageUs - errorUs;
  const validUntil = input.validUntilEpochUs;
  if (validUntil === validUntil && judgedUs > validUntil - input.issuedEpochUs) return C.QUOTE_EXPIRED;
  if (judgedUs > policy.maxAgeMs * 1_000) return C.QUOTE_STALE;

  if (input.replay === 'other') return C.QUOTE_REPLAYED;
  if (input.replay === 'unavailable') return C.GUARD_UNAVAILABLE;

  const ref = input.referenceMidPx;
  if (ref === ref) {
    const mid = (input.bidPx + input.askPx) / 2;
    const diff = ref - mid;
    const absDiff = diff < 0 ? -diff : diff;
    out.priceMoveBps = (absDiff / mid) * 10_000;
    if (absDiff * 10_000 > policy.priceToleranceBps * mid) {
      // The market moved up: a buyer at the old quote gains; moved down: a seller gains.
      out.priceDirection = (diff > 0) === (input.side === 'buy') ? 1 : 2;
      return C.PRICE_MOVED;
    }
  }
  return C.OK;
}

/** {@link decideQuoteCode} returning the reason string; `out` is optional. */
export function decideQuote(input: QuoteDecisionInput, policy: QuotePolicy, out: QuoteDecisionDetail = newQuoteDecisionDetail()): QuoteReason {
  return QUOTE_REASONS[decideQuoteCode(input, policy, out)]!;
}
