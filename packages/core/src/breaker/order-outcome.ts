/**
 * What is known about an order after a send attempt:
 * - `sent`: the venue acknowledged it;
 * - `rejected`: the venue answered with a reject (the route works; not a breaker failure);
 * - `failed-before-send`: provably never on the wire (not logged on, connection refused): safe to fail over;
 * - `unknown`: no answer within the deadline; it may have reached the venue. Reconcile (order status
 *   request, drop copy) before any failover; never resend blindly.
 */
export const ORDER_OUTCOMES = ['sent', 'rejected', 'failed-before-send', 'unknown'] as const;

/** One of {@link ORDER_OUTCOMES}. */
export type OrderOutcome = (typeof ORDER_OUTCOMES)[number];

/** What a route's send reports. `detail` is a short machine-readable cause, never order contents. */
export interface RouteSendResult {
  readonly outcome: Exclude<OrderOutcome, 'unknown'>;
  readonly detail?: string;
}

/** A way to send orders (a FIX session, a REST gateway). */
export interface OrderRoute<O> {
  /** Bounded route name, used as a metric label. */
  readonly name: string;
  /**
   * Sends one order. Resolve `failed-before-send` only when the order provably did not leave
   * (the router fails over on it); a rejection of the promise is treated the same way only if
   * `errorsAreBeforeSend` is set on the router, else as `unknown`.
   */
  send(order: O): Promise<RouteSendResult>;
}
