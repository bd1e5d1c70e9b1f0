import type { StoredQuote } from './quote-record.js';

/**
 * Where the guard keeps issued quotes. Synchronous: the in-memory store is the
 * embedded default; a shared store (Redis) implements {@link QuoteChecker}
 * instead, doing lookup, decision and replay marking in one round trip.
 * Times are passed in (never read inside) so one clock read serves a whole check.
 */
export interface QuoteStore {
  /** The live quote with this ID, or undefined when unknown, expired or evicted. */
  get(quoteId: string, nowMonoNs: number): StoredQuote | undefined;
  /**
   * Inserts a quote unless a live one with the same ID exists (SET NX semantics:
   * a quote ID is never silently re-pointed at other prices). Returns false when
   * the ID is already live.
   */
  put(quote: StoredQuote, nowMonoNs: number): boolean;
  /** Number of quotes held (live or expired but not yet purged). */
  size(): number;
}

/** Options for {@link InMemoryQuoteStore}. */
export interface InMemoryQuoteStoreOptions {
  /**
   * How long a quote stays retrievable, ms. Keep it well above the largest max
   * age so a late execution is answered QUOTE_STALE (with its age) rather than
   * QUOTE_UNKNOWN. Default {@link QUOTE_TTL_MS_DEFAULT}.
   */
  quoteTtlMs?: number;
  /** Most quotes held; beyond it the oldest is evicted and counted. Default {@link QUOTES_MAX_DEFAULT}. */
  quotesMax?: number;
}

/** Default quote retention: 5 s, 100× a gold quote's 50 ms life. */
export const QUOTE_TTL_MS_DEFAULT = 5_000;

/** Default bound on held quotes: 262 144 (about 30 MB; size it ≥ peak quote rate × quoteTtlMs). */
export const QUOTES_MAX_DEFAULT = 262_144;

/** Largest accepted `quotesMax` (the ring is preallocated). */
export const QUOTES_MAX_LIMIT = 16_777_216;

/**
 * In-process quote store with one TTL and a named maximum count.
 *
 * Quotes sit in a preallocated ring in insertion order; with one TTL for all,
 * insertion order is expiry order, so expired quotes are purged from the head on
 * each `put` (amortised O(1), no timers, no per-call allocation beyond the Map
 * entry). When `quotesMax` is reached the oldest quote is evicted before its TTL
 * and counted in {@link evictionsTotal}: a later execution against it gets
 * QUOTE_UNKNOWN (still a reject, never a fill). A non-zero eviction count means
 * the store is undersized for the quote rate.
 */
export class InMemoryQuoteStore implements QuoteStore {
  /** Quotes evicted before their TTL because the store was full. */
  evictionsTotal = 0;
  /** Quotes purged after their TTL. */
  expiredTotal = 0;
  /** TTL in ns. */
  readonly quoteTtlNs: number;
  /** Bound on held quotes. */
  readonly quotesMax: number;

  private readonly slotByQuoteId = new Map<string, number>();
  private readonly ringQuotes: (StoredQuote | undefined)[];
  private readonly ringStoredNs: Float64Array;
  private head = 0;
  private count = 0;

  constructor(options: InMemoryQuoteStoreOptions = {}) {
    const ttlMs = options.quoteTtlMs ?? QUOTE_TTL_MS_DEFAULT;
    if (typeof ttlMs !== 'number' || !(ttlMs > 0) || ttlMs > 86_400_000) {
      throw new RangeError(`InMemoryQuoteStore: quoteTtlMs must be a number of ms in (0, 86400000], got ${ttlMs}`);
    }
    const max = options.quotesMax ?? QUOTES_MAX_DEFAULT;
    if (!Number.isInteger(max) || max < 1 || max > QUOTES_MAX_LIMIT) {
      throw new RangeError(`InMemoryQuoteStore: quotesMax must be an integer in [1, ${QUOTES_MAX_LIMIT}], got ${max}`);
    }
    this.quoteTtlNs = ttlMs * 1e6;
    this.quotesMax = max;
    this.ringQuotes = new Array<StoredQuote | undefined>(max).fill(undefined);
    this.ringStoredNs = new Float64Array(max);
  }

  /** @inheritdoc */
  get(quoteId: string, nowMonoNs: number): StoredQuote | undefined {
    const slot = this.slotByQuoteId.get(quoteId);
    if (slot === undefined) return undefined;
    // Expired but not yet purged: invisible (the next put purges it).
    if (nowMonoNs - this.ringStoredNs[slot]! >= this.quoteTtlNs) return undefined;
    return this.ringQuotes[slot];
  }

  /** @inheritdoc */
  put(quote: StoredQuote, nowMonoNs: number): boolean {
    this.purge(nowMonoNs);
    const existing = this.slotByQuoteId.get(quote.quoteId);
    if (existing !== undefined) return false; // live (the purge removed expired ones)
    if (this.count === this.quotesMax) {
      this.removeHead();
      this.evictionsTotal++;
    }
    const slot = (this.head + this.count) % this.quotesMax;
    this.ringQuotes[slot] = quote;
    this.ringStoredNs[slot] = nowMonoNs;
    this.slotByQuoteId.set(quote.quoteId, slot);
    this.count++;
    return true;
  }

  /** @inheritdoc */
  size(): number {
    return this.count;
  }

  /**
   * Counts the live quotes (TTL not passed) for which `predicate` holds, walking
   * the ring: O(quotes held), for scrape-time gauges, never the hot path.
   */
  countLive(nowMonoNs: number, predicate: (quote: StoredQuote) => boolean): number {
    let n = 0;
    for (let i = 0, slot = this.head; i < this.count; i++, slot = slot + 1 === this.quotesMax ? 0 : slot + 1) {
      if (nowMonoNs - this.ringStoredNs[slot]! < this.quoteTtlNs && predicate(this.ringQuotes[slot]!)) n++;
    }
    return n;
  }

  /** Removes every quote whose TTL has passed. Called by put; callable from a coarse timer. */
  purge(nowMonoNs: number): void {
    while (this.count > 0 && nowMonoNs - this.ringStoredNs[this.head]! >= this.quoteTtlNs) {
      this.removeHead();
      this.expiredTotal++;
    }
  }

  private removeHead(): void {
    const q = this.ringQuotes[this.head]!;
    this.slotByQuoteId.delete(q.quoteId);
    this.ringQuotes[this.head] = undefined;
    this.head = (this.head + 1) % this.quotesMax;
    this.count--;
  }
}
