import type { Clock, QuoteChecker, QuoteReason } from '@tailguard/core';
import { EngineSession, MsgTag, startLoopback, type FixMetrics, type LoopbackHarness, type VenueSession } from '@tailguard/fix';
import type { Tracer } from '@opentelemetry/api';
import type { DeskClient } from './desk-clients.js';
import type { OrderSide } from './client-strategies.js';
import { DESK_INSTRUMENT } from './xauusd-market.js';

/** What the desk decided on one execution request, as both sides saw it. */
export interface OrderOutcome {
  /** The client got a fill (ExecutionReport 150=F). */
  filled: boolean;
  /** The guard's reason (OK when passed, or when the guard was off). */
  reason: QuoteReason;
  /** The check failed but was not enforced (shadow, or the client outside the rollout): filled anyway. */
  wouldReject: boolean;
  /** The rollout enforced the check for this client. */
  enforced: boolean;
  /** Time inside the guard, ns (real time). */
  holdNs: number;
}

/** One NewOrderSingle against a quote. */
export interface DeskOrder {
  clOrdId: string;
  quoteId: string;
  clientId: string;
  side: OrderSide;
  qtyOz: number;
  /** Limit price: the quoted ask for a buy, the bid for a sell. */
  px: number;
  /** TransactTime(60), epoch ms on the simulated timeline. */
  transactEpochMs: number;
}

/** A quote streamed to one client. */
export interface DeskQuote {
  quoteId: string;
  bidPx: number;
  askPx: number;
}

/** The quote-guarded FIX venue and one FIX engine per client, over 127.0.0.1. */
export interface DeskVenue {
  /** Port the venue listens on. */
  readonly port: number;
  /**
   * Records `quote` in the guard and streams it to `clientId` (35=S) when
   * recorded. Answers (or resolves to) whether the guard recorded it: a shared
   * store that did not answer in time leaves the quote unrecorded and unsent.
   */
  issueQuote(clientId: string, quote: DeskQuote): Promise<boolean> | boolean;
  /** Sends the order from the client's engine and resolves with the desk's decision once the ExecutionReport is back. */
  execute(order: DeskOrder): Promise<OrderOutcome>;
  /** Logs every engine out and closes the venue. */
  stop(): Promise<void>;
}

/** Options of {@link startDeskVenue}. */
export interface DeskVenueOptions {
  metrics: FixMetrics;
  guard: QuoteChecker;
  /** The dealer side's clock (the simulated one): quote issue times and the venue's instruments. */
  clock: Clock;
  clients: readonly DeskClient[];
  /** Tracer of the engines' order spans (no-op by default). */
  tracer?: Tracer;
  /** How long an order may wait for its ExecutionReport. Default 5 000 ms. */
  reportTimeoutMs?: number;
}

interface Waiting {
  resolve(outcome: OrderOutcome): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

type Decided = Omit<OrderOutcome, 'filled'>;

const NOT_CHECKED: Decided = Object.freeze({ reason: 'OK', wouldReject: false, enforced: false, holdNs: 0 });

/**
 * Starts the venue (a {@link VenueSession} per client connection, checking
 * every NewOrderSingle against `guard`) and one {@link EngineSession} per
 * client, each logged on with the client's ID as SenderCompID. Session labels:
 * the venue side counts under the client's ID, each engine under
 * `VENUE.<client>`.
 */
export async function startDeskVenue(options: DeskVenueOptions): Promise<DeskVenue> {
  const timeoutMs = options.reportTimeoutMs ?? 5_000;
  const venueByClient = new Map<string, VenueSession>();
  const decisions = new Map<string, Decided>();
  const waiting = new Map<string, Waiting>();

  const onReport = (view: { getString(tag: number): string | null }): void => {
    const clOrdId = view.getString(MsgTag.ClOrdID);
    if (clOrdId === null) return;
    const w = waiting.get(clOrdId);
    if (w === undefined) return;
    waiting.delete(clOrdId);
    clearTimeout(w.timer);
    const decided = decisions.get(clOrdId) ?? NOT_CHECKED;
    decisions.delete(clOrdId);
    w.resolve({ ...decided, filled: view.getString(MsgTag.ExecType) === 'F' });
  };

  const harness: LoopbackHarness = await startLoopback({
    metrics: options.metrics,
    venueCompId: 'VENUE',
    venue: {
      guard: options.guard,
      clock: options.clock,
      counterparties: options.clients.map((c) => c.id),
      onReady: (session) => venueByClient.set(session.peer, session),
      onDecision: (d, _clientId, view) => {
        const clOrdId = view.getString(MsgTag.ClOrdID);
        if (clOrdId !== null) decisions.set(clOrdId, { reason: d.reason, wouldReject: d.wouldReject, enforced: d.enforced, holdNs: d.holdNs });
      },
    },
    engines: options.clients.map((c) => ({
      senderCompId: c.id,
      engine: {
        counterparty: `VENUE.${c.id}`,
        ...(options.tracer === undefined ? {} : { tracer: options.tracer }),
        onMessage: (msgType: string, view) => {
          if (msgType === '8') onReport(view);
        },
      },
    })),
  });

  const engineByClient = new Map<string, EngineSession>();
  for (const e of harness.engines) {
    if (!(e.session instanceof EngineSession)) throw new TypeError('startDeskVenue: the loopback harness built a session that is not an EngineSession');
    engineByClient.set(e.senderCompId, e.session);
  }
  for (const c of options.clients) {
    if (!venueByClient.has(c.id)) {
      await harness.stop();
      throw new Error(`startDeskVenue: the venue has no logged-on session for ${c.id}`);
    }
  }

  return {
    port: harness.port,
    issueQuote(clientId, quote) {
      const r = venueByClient.get(clientId)!.issueQuote({ quoteId: quote.quoteId, instrument: DESK_INSTRUMENT, bidPx: quote.bidPx, askPx: quote.askPx });
      return r instanceof Promise ? r.then((rec) => rec.ok) : r.ok;
    },
    execute(order) {
      const engine = engineByClient.get(order.clientId);
      if (engine === undefined) return Promise.reject(new Error(`gold-desk: no engine for client ${order.clientId}`));
      return new Promise<OrderOutcome>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiting.delete(order.clOrdId);
          reject(new Error(`gold-desk: no ExecutionReport for ${order.clOrdId} within ${timeoutMs} ms`));
        }, timeoutMs);
        waiting.set(order.clOrdId, { resolve, reject, timer });
        const sent = engine.sendOrder({
          ClOrdID: order.clOrdId,
          QuoteID: order.quoteId,
          // jspurefix drops FIX 4.4 component fields given flat: Symbol and OrderQty must be nested.
          Instrument: { Symbol: DESK_INSTRUMENT },
          Side: order.side === 'buy' ? '1' : '2',
          OrderQtyData: { OrderQty: order.qtyOz },
          OrdType: 'D', // previously quoted
          Price: order.px,
          TransactTime: new Date(order.transactEpochMs),
        });
        if (!sent.ok) {
          clearTimeout(timer);
          waiting.delete(order.clOrdId);
          reject(new Error(`gold-desk: ${order.clientId} could not send ${order.clOrdId}: ${sent.reason}`));
        }
      });
    },
    async stop() {
      for (const w of waiting.values()) {
        clearTimeout(w.timer);
        w.reject(new Error('gold-desk: venue stopped'));
      }
      waiting.clear();
      await harness.stop();
    },
  };
}
