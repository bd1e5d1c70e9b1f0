import type { Clock } from '../clock/clock.js';
import type { StoredQuote } from './quote-record.js';
import type { InMemoryQuoteStore } from './quote-store.js';
import type { ReplayGuard, ReplayMarkOutcome } from './replay-guard.js';

/**
 * A stored quote carrying its own replay mark: what {@link QuoteGuard} records
 * when it runs on its default in-memory store and replay guard. The mark lives
 * and dies with the quote in the bounded store.
 */
export interface MarkedQuote extends StoredQuote {
  /** The execId that executed the quote; '' when never marked. */
  markExecId: string;
  /** Monotonic ns when the mark expires; -Infinity when never marked. */
  markExpiresMonoNs: number;
}

/**
 * SET NX on the quote's own mark, idempotent on execId (see {@link ReplayMarkOutcome}):
 * a live mark answers `same` or `other`; an absent or expired one is (re)set for `ttlNs`.
 */
export function markQuote(quote: MarkedQuote, execId: string, ttlNs: number, nowMonoNs: number): ReplayMarkOutcome {
  if (quote.markExpiresMonoNs > nowMonoNs) return quote.markExecId === execId ? 'same' : 'other';
  quote.markExecId = execId;
  quote.markExpiresMonoNs = nowMonoNs + ttlNs;
  return 'marked';
}

/**
 * The {@link ReplayGuard} view of marks embedded in the quotes of an
 * {@link InMemoryQuoteStore}: `QuoteGuard.replay` when the guard uses its default
 * store and replay guard. An accept then costs the one store lookup the check
 * already does, with no second table to probe, insert into or expire.
 *
 * Bounded by the store: a mark is dropped with its quote (TTL or eviction), and a
 * later check of that quote ID is QUOTE_UNKNOWN, never an accept. It never evicts
 * a live mark of a held quote and never refuses one, so it has no
 * `evictionsTotal` / `refusedTotal` (the exporters read 0); quotes evicted early
 * are counted by the store's `evictionsTotal`.
 */
export class EmbeddedReplayMarks implements ReplayGuard {
  constructor(
    private readonly store: InMemoryQuoteStore,
    private readonly clock: Clock,
  ) {}

  /** @inheritdoc */
  lookup(quoteId: string, nowMonoNs: number): string | undefined {
    const q = this.store.get(quoteId, nowMonoNs) as MarkedQuote | undefined;
    return q !== undefined && q.markExpiresMonoNs > nowMonoNs ? q.markExecId : undefined;
  }

  /**
   * Marks a quote the store holds; `unavailable` when it holds none with this ID
   * (nothing to mark: a check of it is QUOTE_UNKNOWN anyway).
   */
  tryMark(quoteId: string, execId: string, ttlNs: number, nowMonoNs: number): ReplayMarkOutcome {
    const q = this.store.get(quoteId, nowMonoNs) as MarkedQuote | undefined;
    return q === undefined ? 'unavailable' : markQuote(q, execId, ttlNs, nowMonoNs);
  }

  /** Live marks (not expired, on a live quote), counted at call time by a walk over the store: O(quotes held), for scrapes. */
  size(): number {
    const now = this.clock.monoNs();
    return this.store.countLive(now, (q) => (q as MarkedQuote).markExpiresMonoNs > now);
  }
}
