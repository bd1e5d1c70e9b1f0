import type { QuoteReason } from './quote-reasons.js';
import { isPlausibleEpochUs, isValidId, isValidPx, type QuoteRecord, type QuoteRecordField } from './quote-record.js';

/** An execution request against a quote (from a FIX NewOrderSingle with QuoteID(117), an API call...). */
export interface QuoteCheckRequest {
  /** Quote being executed. */
  quoteId: string;
  /** Client executing; used for rollout and never as a metric label. */
  clientId: string;
  /** Execution (ClOrdID) identity: a retry with the same execId is accepted again. */
  execId: string;
  /** Instrument, when the request names it; must match the quote's. */
  instrument?: string | undefined;
  /** Client side. */
  side: 'buy' | 'sell';
  /** Client limit price, when given: a buy needs ≥ the quoted ask, a sell ≤ the quoted bid. */
  px?: number | undefined;
  /**
   * Request time, epoch µs (e.g. the NIC receive stamp); only used for a
   * wall-clock age. Default: the guard's clock at check time.
   */
  nowEpochUs?: number | undefined;
}

/**
 * The answer to a check. One flat, fixed-shape object. `ok` is what the engine
 * acts on: false means reject with `reason`.
 */
export interface QuoteCheckResult {
  /** Fill (true) or reject (false). True for a failed check that is not enforced. */
  ok: boolean;
  /** Outcome of the evaluation (OK when passed, or when rollout is off and nothing was evaluated). */
  reason: QuoteReason;
  /** The rollout enforces checks for this client (mode enforce and the client selected), and the failure policy did not fail open. */
  enforced: boolean;
  /** The evaluation failed but was not enforced (shadow mode, a client outside the rollout, or a fail-open store policy): the fill goes ahead. */
  wouldReject: boolean;
  /** Quote age in µs at the check (monotonic or wall, may be negative on the wall clock); NaN when not measured. */
  ageUs: number;
  /** Clock error applied to the age in µs (0 for a monotonic age); NaN when not measured. */
  clockErrorUs: number;
  /** Time spent inside the guard, ns (monotonic): the hold time last-look disclosures report. */
  holdNs: number;
}

/** Outcomes of {@link QuoteChecker.recordQuote}. */
export const RECORD_QUOTE_REASONS = ['OK', 'INVALID_QUOTE', 'DUPLICATE_QUOTE_ID', 'GUARD_UNAVAILABLE'] as const;

/** One of {@link RECORD_QUOTE_REASONS}. */
export type RecordQuoteReason = (typeof RECORD_QUOTE_REASONS)[number];

/** Result of recording a quote; `field` names the first invalid field for INVALID_QUOTE. */
export interface RecordQuoteResult {
  readonly ok: boolean;
  readonly reason: RecordQuoteReason;
  readonly field: QuoteRecordField | undefined;
}

/**
 * The quote guard contract, synchronous or asynchronous: the in-memory
 * {@link QuoteGuard} answers synchronously; a shared-store implementation
 * (Redis) returns promises. Neither throws for operating conditions:
 * bad input, unknown quotes and unreachable stores are reasons.
 */
export interface QuoteChecker {
  /** Records an issued quote. Call it when the quote is issued, before it is sent. */
  recordQuote(quote: QuoteRecord): RecordQuoteResult | Promise<RecordQuoteResult>;
  /** Checks one execution request; replay marking is atomic with the decision. */
  check(request: QuoteCheckRequest): QuoteCheckResult | Promise<QuoteCheckResult>;
}

/**
 * Shape check of a check request: IDs present and bounded, side, optional instrument,
 * limit price and `nowEpochUs` plausible. Allocation-free, never throws; a false
 * answer is the INVALID_REQUEST reason. Shared by every QuoteChecker implementation.
 */
export function isValidQuoteCheckRequest(req: Partial<QuoteCheckRequest>): boolean {
  if (!isValidId(req.quoteId) || !isValidId(req.clientId) || !isValidId(req.execId)) return false;
  if (req.side !== 'buy' && req.side !== 'sell') return false;
  if (req.instrument !== undefined && !isValidId(req.instrument)) return false;
  if (req.px !== undefined && !isValidPx(req.px)) return false;
  if (req.nowEpochUs !== undefined && !isPlausibleEpochUs(req.nowEpochUs)) return false;
  return true;
}
