/**
 * A quote as the dealer issued it. Prices are plain numbers in the instrument's
 * quote currency; instants are epoch microseconds on the issuer's wall clock.
 */
export interface QuoteRecord {
  /** Unique quote ID (FIX QuoteID(117)); 1..{@link QUOTE_ID_LENGTH_MAX} characters. */
  readonly quoteId: string;
  /** Instrument symbol; 1..{@link QUOTE_ID_LENGTH_MAX} characters. */
  readonly instrument: string;
  /** Bid price, finite and > 0, ≤ askPx. */
  readonly bidPx: number;
  /** Ask price, finite and > 0, ≥ bidPx. */
  readonly askPx: number;
  /** Issue time, epoch µs (FIX TransactTime/SendingTime of the quote), within {@link EPOCH_US_MIN}..{@link EPOCH_US_MAX}. */
  readonly issuedEpochUs: number;
  /** ValidUntilTime(62) in epoch µs, after issuedEpochUs; absent when the quote has no explicit expiry. */
  readonly validUntilEpochUs?: number | undefined;
}

/**
 * A quote as a {@link QuoteStore} keeps it: one fixed shape (absent values are
 * NaN, never undefined, so every stored object has the same hidden class).
 */
export interface StoredQuote {
  readonly quoteId: string;
  readonly instrument: string;
  readonly bidPx: number;
  readonly askPx: number;
  readonly issuedEpochUs: number;
  /** ValidUntilTime in epoch µs, NaN when the quote has none. */
  readonly validUntilEpochUs: number;
  /**
   * Monotonic ns when this process recorded the quote, NaN when the quote came
   * from elsewhere (another process through a shared store): then age is judged
   * on the wall clock, widened by the clock error.
   */
  readonly recordedMonoNs: number;
}

/** Longest quote, client, execution or instrument ID accepted, in UTF-16 code units. */
export const QUOTE_ID_LENGTH_MAX = 256;

/** Earliest plausible instant, 2000-01-01T00:00:00Z in epoch µs; smaller values are usually epoch ms or s. */
export const EPOCH_US_MIN = 946_684_800_000_000;

/** Latest plausible instant, 2100-01-01T00:00:00Z in epoch µs; larger values are usually epoch ns. */
export const EPOCH_US_MAX = 4_102_444_800_000_000;

/** True for a non-empty string of at most {@link QUOTE_ID_LENGTH_MAX} code units. Never throws. */
export function isValidId(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= QUOTE_ID_LENGTH_MAX;
}

/**
 * True for a number of epoch microseconds between 2000 and 2100. Rejects NaN,
 * infinities, negatives, and epoch milliseconds, seconds or nanoseconds passed
 * by mistake (they fall outside the range by three orders of magnitude).
 */
export function isPlausibleEpochUs(value: unknown): value is number {
  return typeof value === 'number' && value >= EPOCH_US_MIN && value <= EPOCH_US_MAX;
}

/** True for a finite price > 0. */
export function isValidPx(value: unknown): value is number {
  return typeof value === 'number' && value > 0 && value < Infinity;
}

/** Fields of a {@link QuoteRecord} that validation can name. */
export const QUOTE_RECORD_FIELDS = ['record', 'quoteId', 'instrument', 'bidPx', 'askPx', 'issuedEpochUs', 'validUntilEpochUs'] as const;

/** One of {@link QUOTE_RECORD_FIELDS}; 'record' means the value is not an object at all. */
export type QuoteRecordField = (typeof QUOTE_RECORD_FIELDS)[number];

/**
 * Returns the first invalid field of a quote, or undefined when it is valid.
 * Checks: IDs non-empty and bounded; prices finite, > 0 and not crossed
 * (bid ≤ ask); timestamps plausible epoch µs; validUntil after issue. Never throws.
 */
export function invalidQuoteField(q: unknown): QuoteRecordField | undefined {
  if (q === null || typeof q !== 'object') return 'record';
  const r = q as Partial<QuoteRecord>;
  if (!isValidId(r.quoteId)) return 'quoteId';
  if (!isValidId(r.instrument)) return 'instrument';
  if (!isValidPx(r.bidPx)) return 'bidPx';
  if (!isValidPx(r.askPx) || r.askPx < r.bidPx) return 'askPx';
  if (!isPlausibleEpochUs(r.issuedEpochUs)) return 'issuedEpochUs';
  if (r.validUntilEpochUs !== undefined && (!isPlausibleEpochUs(r.validUntilEpochUs) || r.validUntilEpochUs <= r.issuedEpochUs)) {
    return 'validUntilEpochUs';
  }
  return undefined;
}
