/**
 * Every answer a quote check can give, in a closed `as const` list that is only
 * ever appended to (the index of a reason is stable: counters and the Redis Lua
 * port use it). See docs/quote-guard.md for the check order.
 */
export const QUOTE_REASONS = [
  'OK',
  'QUOTE_STALE',
  'QUOTE_EXPIRED',
  'PRICE_MOVED',
  'QUOTE_REPLAYED',
  'QUOTE_UNKNOWN',
  'QUOTE_FROM_FUTURE',
  'CLOCK_UNSYNCED',
  'GUARD_UNAVAILABLE',
  'INVALID_REQUEST',
] as const;

/** One of {@link QUOTE_REASONS}. */
export type QuoteReason = (typeof QUOTE_REASONS)[number];

/** Numeric code of each reason: its index in {@link QUOTE_REASONS} (stable, append-only). */
export const QUOTE_REASON_CODE = Object.freeze(
  Object.fromEntries(QUOTE_REASONS.map((r, i) => [r, i])) as { readonly [R in QuoteReason]: number },
);

/** Investment Association last-look reject taxonomy category of a reason. */
export type IaRejectCategory = 'A-1' | 'A-2' | 'B' | 'exceptional';

/** How a reason is told to a FIX counterparty and classified for IA disclosures. */
export interface QuoteReasonMapping {
  /**
   * FIX OrdRejReason(103) for an order reject: the DESIGN table's value, or 99
   * (Other, with {@link text} in Text(58)) where the table names only a QuoteStatus.
   * Undefined for OK.
   */
  readonly ordRejReason: number | undefined;
  /** FIX QuoteStatus(297) where one applies (7 Expired, 11 Pass), else undefined. */
  readonly quoteStatus: number | undefined;
  /** IA reject category; undefined for OK. */
  readonly iaCategory: IaRejectCategory | undefined;
  /** Short stable text for FIX Text(58) and logs; empty for OK. */
  readonly text: string;
}

/** OrdRejReason 99: Other (the reason goes in Text). */
const OTHER = 99;

/**
 * The DESIGN.md reason table as data: FIX OrdRejReason(103), QuoteStatus(297)
 * and IA category for every {@link QuoteReason}.
 */
export const QUOTE_REASON_MAPPINGS: { readonly [R in QuoteReason]: QuoteReasonMapping } = Object.freeze({
  OK: Object.freeze({ ordRejReason: undefined, quoteStatus: undefined, iaCategory: undefined, text: '' }),
  QUOTE_STALE: Object.freeze({ ordRejReason: 8, quoteStatus: 7, iaCategory: 'A-2', text: 'quote stale' }),
  QUOTE_EXPIRED: Object.freeze({ ordRejReason: OTHER, quoteStatus: 7, iaCategory: 'A-2', text: 'quote expired' }),
  PRICE_MOVED: Object.freeze({ ordRejReason: OTHER, quoteStatus: 11, iaCategory: 'A-1', text: 'price moved beyond tolerance' }),
  QUOTE_REPLAYED: Object.freeze({ ordRejReason: 6, quoteStatus: undefined, iaCategory: 'exceptional', text: 'quote already executed' }),
  QUOTE_UNKNOWN: Object.freeze({ ordRejReason: OTHER, quoteStatus: undefined, iaCategory: 'exceptional', text: 'unknown quote' }),
  QUOTE_FROM_FUTURE: Object.freeze({ ordRejReason: OTHER, quoteStatus: undefined, iaCategory: 'exceptional', text: 'quote issued in the future' }),
  CLOCK_UNSYNCED: Object.freeze({ ordRejReason: OTHER, quoteStatus: undefined, iaCategory: 'exceptional', text: 'clock error too large to judge quote age' }),
  GUARD_UNAVAILABLE: Object.freeze({ ordRejReason: OTHER, quoteStatus: undefined, iaCategory: 'B', text: 'quote guard unavailable' }),
  INVALID_REQUEST: Object.freeze({ ordRejReason: OTHER, quoteStatus: undefined, iaCategory: 'exceptional', text: 'invalid request' }),
});

/** Direction of a price move relative to the client's side, for the symmetry measurement. */
export const PRICE_MOVE_DIRECTIONS = ['client_favourable', 'dealer_favourable'] as const;

/** One of {@link PRICE_MOVE_DIRECTIONS}. */
export type PriceMoveDirection = (typeof PRICE_MOVE_DIRECTIONS)[number];
