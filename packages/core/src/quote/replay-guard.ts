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
  /** {@link hashQuoteId} of quoteId: found again in the table without rehashing the string. */
  hash: number;
}

/** First table capacity; it doubles (a rehash only on growth, never on churn) up to twice replayMax. */
const TABLE_CAPACITY_MIN = 1_024;

/**
 * FNV-1a over the UTF-16 code units, never 0 (0 marks an empty table slot).
 * V8 caches its own string hash but does not expose it; this costs about 1 ns per character.
 */
function hashQuoteId(s: string): number {
  let h = 0x811c9dc5 | 0;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  return h === 0 ? 1 : h;
}

/** Entries sharing one TTL expire in insertion order: a FIFO is an exact expiry order for them. */
interface TtlQueue {
  readonly ttlNs: number;
  items: (ReplayEntry | undefined)[];
  head: number;
}

/**
 * In-process {@link ReplayGuard}: a hash table from quote ID to its entry, plus one FIFO
 * per distinct TTL (entries with the same TTL expire in insertion order, so each
 * FIFO is sorted by expiry and purging is O(1) amortised with sequential memory
 * access, where a heap would touch log n random entries per operation). Bounded by
 * `replayMax`; entry objects are recycled through a free list.
 *
 * The table is open addressing with linear probing over an Int32Array of hashes
 * (load ≤ 1/2, backward-shift deletion, so no tombstones and no rehash on churn).
 * Why not a Map: every accepted check inserts one entry and expires one, and a
 * V8 Map under that set/delete churn cost 700-900 ns per accept inside the quote
 * guard bench (lookup miss + set + delete on ~20 k entries, caches cold after the
 * quotes recorded between batches) against ~330 ns for the whole check without
 * the mark; probing an Int32Array touches one or two cache lines and compares a
 * key string only when its 32-bit hash matches.
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

  /** Hash of the entry in each slot, 0 when empty. */
  private hashes: Int32Array;
  private entries: (ReplayEntry | undefined)[];
  private mask: number;
  private readonly capacityMax: number;
  private readonly queues: TtlQueue[] = [];
  private lastQueue: TtlQueue | undefined;
  private count = 0;
  private readonly free: ReplayEntry[] = [];
  // What the last lookup found (entry or undefined) for which key; cleared by every mutation,
  // so markUnmarked right after lookup skips a second Map lookup.
  private stashKey: string | undefined;
  private stashEntry: ReplayEntry | undefined;
  private stashHash = 0;

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
    let capMax = TABLE_CAPACITY_MIN;
    while (capMax < 2 * max) capMax *= 2;
    this.capacityMax = capMax;
    const cap = Math.min(TABLE_CAPACITY_MIN, capMax);
    this.hashes = new Int32Array(cap);
    this.entries = new Array<ReplayEntry | undefined>(cap).fill(undefined);
    this.mask = cap - 1;
  }

  /** @inheritdoc */
  lookup(quoteId: string, nowMonoNs: number): string | undefined {
    const h = hashQuoteId(quoteId);
    const e = this.find(quoteId, h);
    this.stashKey = quoteId;
    this.stashEntry = e;
    this.stashHash = h;
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
    let h: number;
    let old: ReplayEntry | undefined;
    if (quoteId === this.stashKey) {
      h = this.stashHash;
      old = this.stashEntry;
    } else {
      h = hashQuoteId(quoteId);
      old = this.find(quoteId, h);
    }
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
    const e = this.free.pop() ?? { quoteId: '', execId: '', expiresMonoNs: 0, hash: 0 };
    e.quoteId = quoteId;
    e.execId = execId;
    e.expiresMonoNs = nowMonoNs + ttlNs;
    e.hash = h;
    this.insert(e);
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

  /** The entry for quoteId (live or expired), or undefined. */
  private find(quoteId: string, h: number): ReplayEntry | undefined {
    const hashes = this.hashes;
    const mask = this.mask;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const sh = hashes[i]!;
      if (sh === 0) return undefined;
      if (sh === h) {
        const e = this.entries[i]!;
        if (e.quoteId === quoteId) return e;
      }
    }
  }

  /** Adds an entry whose key is absent; grows first when the load would pass 1/2. */
  private insert(e: ReplayEntry): void {
    if ((this.count + 1) * 2 > this.hashes.length && this.hashes.length < this.capacityMax) this.grow();
    const hashes = this.hashes;
    const mask = this.mask;
    let i = e.hash & mask;
    while (hashes[i] !== 0) i = (i + 1) & mask;
    hashes[i] = e.hash;
    this.entries[i] = e;
  }

  private grow(): void {
    const oldEntries = this.entries;
    const cap = this.hashes.length * 2;
    this.hashes = new Int32Array(cap);
    this.entries = new Array<ReplayEntry | undefined>(cap).fill(undefined);
    this.mask = cap - 1;
    for (const e of oldEntries) if (e !== undefined) this.insert(e);
  }

  /** Removes `e` from the table (it must be there); backward-shift keeps every probe chain unbroken. */
  private remove(e: ReplayEntry): void {
    const hashes = this.hashes;
    const entries = this.entries;
    const mask = this.mask;
    let i = e.hash & mask;
    while (entries[i] !== e) i = (i + 1) & mask;
    // Move later members of the cluster into the hole when their home slot is at or before it.
    for (let j = (i + 1) & mask; hashes[j] !== 0; j = (j + 1) & mask) {
      const home = hashes[j]! & mask;
      if (((j - home) & mask) >= ((j - i) & mask)) {
        hashes[i] = hashes[j]!;
        entries[i] = entries[j];
        i = j;
      }
    }
    hashes[i] = 0;
    entries[i] = undefined;
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
    this.remove(e);
    this.count--;
    e.expiresMonoNs = -Infinity;
  }

  private release(e: ReplayEntry): void {
    this.stashKey = undefined;
    this.remove(e);
    this.count--;
    e.quoteId = '';
    e.execId = '';
    // The free list never exceeds replayMax: every entry in it was live once.
    this.free.push(e);
  }
}
