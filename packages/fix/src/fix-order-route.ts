import { registerPromCollector, type OrderRoute, type RouteSendResult } from '@tailguard/core';
import type { ILooseObject } from 'jspurefix';
import type { Registry } from 'prom-client';
import type { EngineSession } from './engine-session.js';

/** Default of {@link FixOrderRouteOptions.awaitingMax}. */
export const FIX_ROUTE_AWAITING_MAX_DEFAULT = 10_000;

/** Options of a {@link FixOrderRoute}. */
export interface FixOrderRouteOptions {
  /** Route name: a bounded metric label (`tailguard_order_outcomes_total{route}`). */
  name: string;
  /** The engine session orders go through; the route becomes its one order report listener. */
  session: EngineSession;
  /**
   * Orders awaiting their first ExecutionReport at once. Default
   * {@link FIX_ROUTE_AWAITING_MAX_DEFAULT}. Beyond it the oldest is forgotten
   * (its send stays unresolved, so the router's deadline reports it `unknown`)
   * and counted in `forgottenTotal`.
   */
  awaitingMax?: number;
}

type Settle = (result: RouteSendResult) => void;

// Results are shared frozen objects: a send allocates only its promise.
const SENT: RouteSendResult = Object.freeze({ outcome: 'sent' });
const VENUE_REJECTED: RouteSendResult = Object.freeze({ outcome: 'rejected', detail: 'venue_reject' });
const INVALID_ORDER: RouteSendResult = Object.freeze({ outcome: 'rejected', detail: 'INVALID_ORDER' });
const DUPLICATE: RouteSendResult = Object.freeze({ outcome: 'rejected', detail: 'DUPLICATE_CL_ORD_ID' });
const NOT_LOGGED_ON: RouteSendResult = Object.freeze({ outcome: 'failed-before-send', detail: 'NOT_LOGGED_ON' });

/**
 * An `OrderRoute` for core's `OrderRouter` over one {@link EngineSession}.
 * `send(order)` (a NewOrderSingle body with a ClOrdID) resolves:
 * - `sent` on the first ExecutionReport for its ClOrdID that is not a reject (ack, fill, ...);
 * - `rejected` on a reject ExecutionReport (ExecType or OrdStatus 8, detail `venue_reject`), or
 *   without sending when the order has no ClOrdID (`INVALID_ORDER`) or its ClOrdID is already
 *   awaiting an answer on this route (`DUPLICATE_CL_ORD_ID`): the route works, the order does not;
 * - `failed-before-send` when the session refused it (`NOT_LOGGED_ON`: not logged on, session
 *   down): the message never reached the encoder, so failing over is safe.
 * Otherwise it stays unresolved and the router's deadline makes it `unknown`. When the session
 * drops with the order pending (`orderUnknown`), it stays unresolved too: the venue may have it.
 * A session-level Reject (35=3) of the order is not matched (it names no ClOrdID): `unknown`.
 */
export class FixOrderRoute implements OrderRoute<ILooseObject> {
  /** Route name (metric label). */
  readonly name: string;
  /** The session orders go through. */
  readonly session: EngineSession;
  /** Maximum orders awaiting a first report. */
  readonly awaitingMax: number;
  private readonly awaiting = new Map<string, Settle>();
  private forgotten = 0;
  private unknown = 0;
  private readonly onReport = (clOrdId: string, execType: string, ordStatus: string): void => {
    const settle = this.awaiting.get(clOrdId);
    if (settle === undefined) return;
    this.awaiting.delete(clOrdId);
    settle(execType === '8' || ordStatus === '8' ? VENUE_REJECTED : SENT);
  };
  private readonly onOrderUnknown = (clOrdId: string): void => {
    // Left unresolved on purpose: only the router's deadline may call it unknown, never failed.
    if (this.awaiting.delete(clOrdId)) this.unknown++;
  };
  private readonly onEnded = (): void => {
    // Orders sent untracked get no orderUnknown event; they are just as unknown.
    this.unknown += this.awaiting.size;
    this.awaiting.clear();
  };

  constructor(options: FixOrderRouteOptions) {
    if (typeof options.name !== 'string' || options.name.length === 0) throw new TypeError('FixOrderRoute: name must be a non-empty string');
    const awaitingMax = options.awaitingMax ?? FIX_ROUTE_AWAITING_MAX_DEFAULT;
    if (!Number.isInteger(awaitingMax) || awaitingMax < 1) throw new RangeError(`FixOrderRoute: awaitingMax must be a positive integer, got ${awaitingMax}`);
    this.name = options.name;
    this.session = options.session;
    this.awaitingMax = awaitingMax;
    this.session.setOrderReportListener(this.onReport);
    this.session.on('orderUnknown', this.onOrderUnknown);
    this.session.on('ended', this.onEnded);
  }

  /** Sends one NewOrderSingle; see the class comment for what each outcome means. Never rejects. */
  send(order: ILooseObject): Promise<RouteSendResult> {
    const clOrdId: unknown = order.ClOrdID;
    if (typeof clOrdId !== 'string' || clOrdId.length === 0) return Promise.resolve(INVALID_ORDER);
    if (this.awaiting.has(clOrdId)) return Promise.resolve(DUPLICATE);
    const r = this.session.sendOrder(order);
    if (!r.ok) return Promise.resolve(r.reason === 'NOT_LOGGED_ON' ? NOT_LOGGED_ON : INVALID_ORDER);
    if (this.awaiting.size >= this.awaitingMax) {
      const oldest = this.awaiting.keys().next().value as string;
      this.awaiting.delete(oldest);
      this.forgotten++;
    }
    // Reports arrive on a later tick, never inside sendOrder: registering after it is safe.
    return new Promise<RouteSendResult>((resolve) => this.awaiting.set(clOrdId, resolve));
  }

  /** Orders sent and awaiting their first ExecutionReport. */
  get awaitingCount(): number {
    return this.awaiting.size;
  }

  /** Orders forgotten because {@link awaitingMax} was reached. */
  get forgottenTotal(): number {
    return this.forgotten;
  }

  /** Orders still awaiting a report when the session ended (left unresolved: unknown). */
  get unknownOnSessionEndTotal(): number {
    return this.unknown;
  }

  /** Stops listening to the session; awaiting sends stay unresolved. */
  close(): void {
    this.session.setOrderReportListener(undefined);
    this.session.off('orderUnknown', this.onOrderUnknown);
    this.session.off('ended', this.onEnded);
    this.awaiting.clear(); // their sends stay unresolved: the router's deadline reports them unknown
  }
}

/**
 * Registers `tailguard_fix_route_awaiting{route}` (gauge) and
 * `tailguard_fix_route_forgotten_total{route}` (counter, the awaiting bound hit)
 * for these routes on the app's registry, computed at scrape time.
 */
export function registerFixRoutePromMetrics(registry: Registry, routes: readonly FixOrderRoute[]): void {
  registerPromCollector(registry, {
    name: 'tailguard_fix_route_awaiting',
    help: 'Orders sent on a FIX route and awaiting their first ExecutionReport',
    type: 'gauge',
    collect: () => routes.map((r) => ({ labels: { route: r.name }, value: r.awaitingCount })),
  });
  registerPromCollector(registry, {
    name: 'tailguard_fix_route_forgotten_total',
    help: 'Orders a FIX route stopped awaiting because its awaiting bound was reached (reported unknown by the router deadline)',
    type: 'counter',
    collect: () => routes.map((r) => ({ labels: { route: r.name }, value: r.forgottenTotal })),
  });
}
