import type { Span } from '@opentelemetry/api';

/** Replace/cancel requests tracked per order (each adds a ClOrdID alias). */
export const ORDER_ALIASES_MAX = 8;

/** One order awaiting its final state. Pooled: reused after release. */
export interface PendingOrder {
  /** ClOrdID(11) of the NewOrderSingle. */
  clOrdId: string;
  /** ClOrdIDs of cancel/replace requests chained to this order. */
  readonly aliases: string[];
  /** Monotonic ns when sendOrder was called. */
  sentMonoNs: number;
  /** The order's span (a no-op span without an SDK). */
  span: Span | undefined;
  /** First execution report seen. */
  acked: boolean;
  /** First fill seen. */
  filled: boolean;
  /** In the table (false once released to the pool). */
  live: boolean;
}

/**
 * Orders awaiting a final state, keyed by ClOrdID and by the ClOrdIDs of
 * their cancel/replace requests. At most `ordersMax` orders; entries are
 * pooled so steady state allocates nothing besides the map's own slots.
 */
export class PendingOrders {
  private readonly byId = new Map<string, PendingOrder>();
  private readonly pool: PendingOrder[] = [];
  private liveCount = 0;

  constructor(
    /** Maximum orders tracked at once. */
    readonly ordersMax: number,
  ) {
    if (!Number.isInteger(ordersMax) || ordersMax < 1 || ordersMax > 10_000_000) {
      throw new RangeError(`PendingOrders: pendingOrdersMax must be an integer in [1, 10000000], got ${ordersMax}`);
    }
  }

  /** Orders tracked. */
  get size(): number {
    return this.liveCount;
  }

  /** The order a ClOrdID (or alias) belongs to. */
  get(clOrdId: string): PendingOrder | undefined {
    return this.byId.get(clOrdId);
  }

  /** Tracks a new order; undefined when full or the ClOrdID is already tracked. */
  add(clOrdId: string, sentMonoNs: number, span: Span | undefined): PendingOrder | undefined {
    if (this.liveCount >= this.ordersMax || this.byId.has(clOrdId)) return undefined;
    const o = this.pool.pop() ?? { clOrdId, aliases: [], sentMonoNs, span, acked: false, filled: false, live: true };
    o.clOrdId = clOrdId;
    o.sentMonoNs = sentMonoNs;
    o.span = span;
    o.acked = false;
    o.filled = false;
    o.live = true;
    this.byId.set(clOrdId, o);
    this.liveCount++;
    return o;
  }

  /** Chains a cancel/replace ClOrdID to `order`; false when the alias bound is hit or the ID is in use. */
  alias(order: PendingOrder, clOrdId: string): boolean {
    if (order.aliases.length >= ORDER_ALIASES_MAX || this.byId.has(clOrdId)) return false;
    order.aliases.push(clOrdId);
    this.byId.set(clOrdId, order);
    return true;
  }

  /** Removes one alias (a rejected cancel/replace request). */
  unalias(order: PendingOrder, clOrdId: string): void {
    const i = order.aliases.indexOf(clOrdId);
    if (i < 0) return;
    order.aliases.splice(i, 1);
    this.byId.delete(clOrdId);
  }

  /** Removes the order and its aliases, returning the entry to the pool. */
  release(order: PendingOrder): void {
    if (!order.live) return;
    this.byId.delete(order.clOrdId);
    const aliases = order.aliases;
    if (aliases.length !== 0) {
      for (const a of aliases) this.byId.delete(a);
      aliases.length = 0;
    }
    order.span = undefined;
    order.live = false;
    this.liveCount--;
    if (this.pool.length < 1_024) this.pool.push(order);
  }

  /** Calls `fn` once per tracked order, then empties the table. */
  drain(fn: (order: PendingOrder) => void): void {
    const orders: PendingOrder[] = [];
    // Each order appears once under its own ClOrdID; aliases point to the same entry.
    for (const [key, o] of this.byId) if (o.live && key === o.clOrdId) orders.push(o);
    for (const o of orders) {
      fn(o);
      this.release(o);
    }
  }
}
