/**
 * Outcome of {@link ReplayGuard.tryMark}:
 * - `marked`: this execution is the first for the quote; the entry now exists with its TTL;
 * - `same`: the quote was already marked by this same execId (a retry): accept again;
 * - `other`: the quote was already executed by another execId: a replay;
 * - `unavailable`: the guard could not record the mark (full under a refusing policy, store down).
 */
export type ReplayMarkOutcome = 'marked' | 'same' | 'other' | 'unavailable';

/**
 * Replay protection: one entry per quote, holding the execId that executed it,
 * with its own TTL (never a shared set whose expiry resets every member).
 * `tryMark` has SET NX semantics and is idempotent on execId.
 */
export interface ReplayGuard {
  /** The execId that executed this quote, or undefined when none (or its entry expired). */
  lookup(quoteId: string, nowMonoNs: number): string | undefined;
  /** Marks the quote as executed by `execId` for `ttlNs` unless already marked; see {@link ReplayMarkOutcome}. */
  tryMark(quoteId: string, execId: string, ttlNs: number, nowMonoNs: number): ReplayMarkOutcome;
  /** Entries held (live or expired but not yet purged). */
  size(): number;
}

/** What {@link InMemoryReplayGuard} does when `replayMax` entries are live and a new quote must be marked. */
export type ReplayFullPolicy = 'evict-oldest-expiring' | 'refuse';

/** Options for {@link InMemoryReplayGuard}. */
export interface InMemoryReplayGuardOptions {
  /** Most live entries. Default {@link REPLAY_MAX_DEFAULT}. Size it ≥ peak accepted executions/s × the longest replay TTL. */
  replayMax?: number;
  /** Default `evict-oldest-expiring` (counted); `refuse` fails closed (the guard answers GUARD_UNAVAILABLE). */
  onFull?: ReplayFullPolicy;
}

/** Default bound on replay entries: 262 144 (about 25 MB). */
export const REPLAY_MAX_DEFAULT = 262_144;

/** Largest accepted `replayMax`. */
export const REPLAY_MAX_LIMIT = 16_777_216;

/** Most distinct TTLs tracked exactly (one FIFO each); the guard uses one TTL per instrument policy. */
export const REPLAY_TTL_QUEUES_MAX = 128;

interface ReplayEntry {
  quoteId: string;
  execId: string;
  expiresMonoNs: number;
}

/** Entries sharing one TTL expire in insertion order: a FIFO is an exact expiry order for them. */
interface TtlQueue {
  readonly ttlNs: number;
  items: (ReplayEntry | undefined)[];
  head: number;
}

/**
 * In-process {@link ReplayGuard}: a Map from quote ID to its entry, plus one FIFO
 * per distinct TTL (entries with the same TTL expire in insertion order, so each
 * FIFO is sorted by expiry and purging is O(1) amortised with sequential memory
 * access, where a heap would touch log n random entries per operation). Bounded by
 * `replayMax`; entry objects are recycled through a free list.
 *
 * Up to {@link REPLAY_TTL_QUEUES_MAX} distinct TTLs are tracked exactly; an entry
 * with yet another TTL joins the queue of the next longer TTL (or the longest):
 * its own expiry still applies to lookups, it may just be purged later.
 *
 * Safety when full: with `evict-oldest-expiring` the entry closest to its expiry
 * (the earliest head among the FIFOs) is dropped early and counted in
 * {@link evictionsTotal}. Its quote is the oldest marked one, and the guard judges
 * age before replay, so a second execution of it is still rejected as
 * QUOTE_STALE once the quote is past its max age. Exposure exists only when more
 * than `replayMax` executions are accepted within one replay TTL: then a quote
 * still young enough to pass the age check loses its mark and could be executed
 * twice. Any non-zero eviction count means that window was open: alert on it and
 * raise `replayMax`, or use `refuse` to reject (GUARD_UNAVAILABLE) rather than evict.
 */
export class InMemoryReplayGuard implements ReplayGuard {
  /** Entries dropped before their TTL because the guard was full. */
  evictionsTotal = 0;
  /** Marks refused because the guard was full under the `refuse` policy. */
  refusedTotal = 0;
  /** Bound on live entries. */
  readonly replayMax: number;
  /** Policy when full. */
  readonly onFull: ReplayFullPolicy;

  private readonly byQuoteId = new Map<string, ReplayEntry>();
  private readonly queues: TtlQueue[] = [];
  private lastQueue: TtlQueue | undefined;
  private count = 0;
  private readonly free: ReplayEntry[] = [];
  // What the last lookup found (entry or undefined) for which key; cleared by every mutation,
  // so markUnmarked right after lookup skips a second Map lookup.
  private stashKey: string | undefined;
  private stashEntry: ReplayEntry | undefined;

  constructor(options: InMemoryReplayGuardOptions = {}) {
    const max = options.replayMax ?? REPLAY_MAX_DEFAULT;
    if (!Number.isInteger(max) || max < 1 || max > REPLAY_MAX_LIMIT) {
      throw new RangeError(`InMemoryReplayGuard: replayMax must be an integer in [1, ${REPLAY_MAX_LIMIT}], got ${max}`);
    }
    const onFull = options.onFull ?? 'evict-oldest-expiring';
    if (onFull !== 'evict-oldest-expiring' && onFull !== 'refuse') {
      throw new TypeError(`InMemoryReplayGuard: onFull must be 'evict-oldest-expiring' or 'refuse', got ${JSON.stringify(onFull)}`);
    }
    this.replayMax = max;
    this.onFull = onFull;
  }

  /** @inheritdoc */
  lookup(quoteId: string, nowMonoNs: number): string | undefined {
    const e = this.byQuoteId.get(quoteId);
    this.stashKey = quoteId;
    this.stashEntry = e;
    if (e === undefined || e.expiresMonoNs <= nowMonoNs) return undefined;
    return e.execId;
  }

  /** @inheritdoc */
  tryMark(quoteId: string, execId: string, ttlNs: number, nowMonoNs: number): ReplayMarkOutcome {
    this.stashKey = undefined; // always look up afresh
    return this.markUnmarked(quoteId, execId, ttlNs, nowMonoNs);
  }

  /**
   * {@link tryMark} for a quote the caller has just passed to {@link lookup} in
   * the same synchronous call: the entry that lookup found is reused, saving a
   * second Map lookup (any mutation in between clears it, so this is never stale).
   */
  markUnmarked(quoteId: string, execId: string, ttlNs: number, nowMonoNs: number): ReplayMarkOutcome {
    const old = quoteId === this.stashKey ? this.stashEntry : this.byQuoteId.get(quoteId);
    this.stashKey = undefined;
    this.stashEntry = undefined;
    if (old !== undefined) {
      if (old.expiresMonoNs > nowMonoNs) return old.execId === execId ? 'same' : 'other';
      this.drop(old); // expired, not yet purged from its queue: forget it now
    }
    const q = this.queueFor(ttlNs);
    this.purgeQueue(q, nowMonoNs);
    if (this.count >= this.replayMax) {
      this.purge(nowMonoNs);
      if (this.count >= this.replayMax) {
        if (this.onFull === 'refuse') {
          this.refusedTotal++;
          return 'unavailable';
        }
        this.evictEarliest();
        this.evictionsTotal++;
      }
    }
    const e = this.free.pop() ?? { quoteId: '', execId: '', expiresMonoNs: 0 };
    e.quoteId = quoteId;
    e.execId = execId;
    e.expiresMonoNs = nowMonoNs + ttlNs;
    this.byQuoteId.set(quoteId, e);
    q.items.push(e);
    this.count++;
    return 'marked';
  }

  /** @inheritdoc */
  size(): number {
    return this.count;
  }

  /** Removes every expired entry from every queue. Called when full; callable from a coarse timer. */
  purge(nowMonoNs: number): void {
    for (const q of this.queues) this.purgeQueue(q, nowMonoNs);
  }

  private queueFor(ttlNs: number): TtlQueue {
    const last = this.lastQueue;
    if (last !== undefined && last.ttlNs === ttlNs) return last;
    let q: TtlQueue | undefined;
    let longer: TtlQueue | undefined;
    for (const c of this.queues) {
      if (c.ttlNs === ttlNs) {
        q = c;
        break;
      }
      if (c.ttlNs > ttlNs && (longer === undefined || c.ttlNs < longer.ttlNs)) longer = c;
    }
    if (q === undefined) {
      if (this.queues.length < REPLAY_TTL_QUEUES_MAX) {
        q = { ttlNs, items: [], head: 0 };
        this.queues.push(q);
      } else {
        q = longer ?? this.queues.reduce((a, b) => (a.ttlNs >= b.ttlNs ? a : b));
      }
    }
    this.lastQueue = q;
    return q;
  }

  private purgeQueue(q: TtlQueue, nowMonoNs: number): void {
    const items = q.items;
    let head = q.head;
    while (head < items.length) {
      const e = items[head];
      if (e !== undefined && e.expiresMonoNs > nowMonoNs) break;
      items[head++] = undefined;
      if (e !== undefined && e.expiresMonoNs !== -Infinity) this.release(e);
    }
    q.head = head;
    // Compact once the dead prefix is half the array: amortised O(1) per entry.
    if (head > 1_024 && head * 2 > items.length) {
      items.copyWithin(0, head);
      items.length -= head;
      q.head = 0;
    }
  }

  /** Drops the live entry that expires first (the earliest queue head). */
  private evictEarliest(): void {
    let best: TtlQueue | undefined;
    let bestExpires = Infinity;
    for (const q of this.queues) {
      // Skip references to entries dropped out of order.
      while (q.head < q.items.length && (q.items[q.head] === undefined || q.items[q.head]!.expiresMonoNs === -Infinity)) {
        q.items[q.head++] = undefined;
      }
      const e = q.items[q.head];
      if (e !== undefined && e.expiresMonoNs < bestExpires) {
        best = q;
        bestExpires = e.expiresMonoNs;
      }
    }
    if (best === undefined) return;
    const e = best.items[best.head]!;
    best.items[best.head++] = undefined;
    this.release(e);
  }

  /**
   * Forgets an entry still referenced by a queue it was not purged from (its TTL
   * queue differs from the current one). It is not recycled, so no queue can ever
   * alias a reused object; the queue drops the dead reference when it reaches it.
   */
  private drop(e: ReplayEntry): void {
    this.stashKey = undefined;
    this.byQuoteId.delete(e.quoteId);
    this.count--;
    e.expiresMonoNs = -Infinity;
  }

  private release(e: ReplayEntry): void {
    this.stashKey = undefined;
    this.byQuoteId.delete(e.quoteId);
    this.count--;
    e.quoteId = '';
    e.execId = '';
    // The free list never exceeds replayMax: every entry in it was live once.
    this.free.push(e);
  }
}
