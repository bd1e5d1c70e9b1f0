import { context, SpanKind, SpanStatusCode, trace, type Span, type SpanOptions, type Tracer } from '@opentelemetry/api';
import { tracerGateFor, type Operation, type TracerGate } from '@tailguard/core';
import type { IJsFixConfig, ILooseObject, MsgView, SendCallback } from 'jspurefix';
import { fieldCharCode, fieldTextOf } from './field-char-code.js';
import { InstrumentedSession, type InstrumentedSessionOptions } from './instrumented-session.js';
import { MsgTag } from './jspurefix.js';
import { sohJoinedLogonPrehash, SignedLogonMsgFactory, type LogonSigning } from './logon-signature.js';
import { MALFORMED } from './malformed-reason.js';
import { PendingOrders, type PendingOrder } from './pending-orders.js';
import { formatUtcTimestampMs } from './sending-time.js';
import type { FixSessionStats } from './session-stats.js';

/** Answers of {@link EngineSession.sendOrder} and friends; closed, only ever appended. */
export const SEND_ORDER_REASONS = [
  'OK', // sent and tracked
  'UNTRACKED', // sent, but not tracked: the pending map was full, the ClOrdID already tracked, or the chain too long
  'NOT_LOGGED_ON', // not sent: the session is not logged on
  'INVALID_ORDER', // not sent: no ClOrdID(11) (or OrigClOrdID(41) on a cancel/replace)
] as const;

/** One of {@link SEND_ORDER_REASONS}. */
export type SendOrderReason = (typeof SEND_ORDER_REASONS)[number];

/** Result of a send: `ok` means the message went to the encoder. */
export interface SendOrderResult {
  readonly ok: boolean;
  readonly reason: SendOrderReason;
}

const RESULT: { readonly [R in SendOrderReason]: SendOrderResult } = Object.freeze({
  OK: Object.freeze({ ok: true, reason: 'OK' }),
  UNTRACKED: Object.freeze({ ok: true, reason: 'UNTRACKED' }),
  NOT_LOGGED_ON: Object.freeze({ ok: false, reason: 'NOT_LOGGED_ON' }),
  INVALID_ORDER: Object.freeze({ ok: false, reason: 'INVALID_ORDER' }),
});

/**
 * Told about every ExecutionReport (35=8) the engine receives, PossDup/PossResend
 * resends excluded, whether or not its order is tracked: the report's ClOrdID(11),
 * ExecType(150) and OrdStatus(39) (empty string when absent). Called after the
 * session's own tracking; must not throw.
 */
export type OrderReportListener = (clOrdId: string, execType: string, ordStatus: string) => void;

/** Default of {@link EngineSessionOptions.pendingOrdersMax}. */
export const PENDING_ORDERS_MAX_DEFAULT = 10_000;

/** Messages whose encode time is tracked at once (beyond it a send is not timed). */
export const ENCODE_TIMINGS_MAX = 4_096;

/** Options of an {@link EngineSession}. */
export interface EngineSessionOptions extends InstrumentedSessionOptions {
  /** Tracer for order spans. Default the global API's `@tailguard/fix` tracer (no-op without an SDK). */
  tracer?: Tracer;
  /** Orders tracked at once. Default {@link PENDING_ORDERS_MAX_DEFAULT}; beyond it orders are sent untracked and counted. */
  pendingOrdersMax?: number;
  /** Sign the Logon (needs {@link SignedLogonMsgFactory} installed, as the loopback harness does). */
  logonSigning?: LogonSigning;
  /** Called for each order whose outcome became unknown when the session ended. */
  onOrderUnknown?: (clOrdId: string) => void;
  /**
   * Called for every application message (quotes, reports, ...), before the session's
   * own order tracking of it (which uses the receipt time read just before), so the
   * app's reaction does not wait for bookkeeping.
   */
  onMessage?: (msgType: string, view: MsgView, session: EngineSession) => void;
  /** Called once logged on. */
  onReady?: (session: EngineSession) => void;
}

const SPAN_OPTIONS: SpanOptions = Object.freeze({ kind: SpanKind.CLIENT });
/** Char codes of ExecType(150) New '0' and OrdStatus(39) Rejected '8'. */
const CODE_NEW = 0x30;
const CODE_REJECTED = 0x38;
/** ExecType(150) of a fill: Trade 'F' (4.4); Partial fill '1' / Fill '2' (4.2). */
function isFillExecType(code: number): boolean {
  return code === 0x46 || code === 0x31 || code === 0x32;
}
/** OrdStatus(39) after which no report is expected: Filled '2', Canceled '4', Rejected '8', Expired 'C'. */
function isFinalOrdStatus(code: number): boolean {
  return code === 0x32 || code === 0x34 || code === 0x38 || code === 0x43;
}

function noop(): void {}

/**
 * The engine (initiator) side: an instrumented session that sends orders and
 * measures them. `sendOrder` answers with a result (never throws for an
 * operating condition), opens a span under the active context, times
 * send → encoded, and matches ExecutionReports by ClOrdID (OrigClOrdID for
 * cancel/replace chains; PossDup resends ignored) to record order → ack and
 * order → fill into windows and the span (fills as span events). Spans end at
 * final states (Filled, Canceled, Rejected, Expired). When the session ends
 * with orders pending, each is reported with outcome UNKNOWN (span attribute,
 * `orderUnknown` event, `fix_orders_unknown_total`), never as failed or filled.
 */
export class EngineSession extends InstrumentedSession {
  private readonly tracer: Tracer;
  private readonly tracing: TracerGate;
  private readonly pending: PendingOrders;
  private ackWindow: Operation;
  private fillWindow: Operation;
  private encodeWindow: Operation;
  private readonly logonSigning: LogonSigning | undefined;
  private readonly orderUnknown: (clOrdId: string) => void;
  private readonly onMessage: (msgType: string, view: MsgView, session: EngineSession) => void;
  private readonly readyCallback: (session: EngineSession) => void;
  // FIFO of send start times, matched to jspurefix's in-order send callbacks.
  private readonly encodeStartNs = new Float64Array(ENCODE_TIMINGS_MAX);
  private encodeHead = 0;
  private encodeCount = 0;
  private readonly encoded: SendCallback;
  /** Start of the send being encoded inside the current send() call; -1 outside one. */
  private syncEncodeStartNs = -1;
  private reportListener: OrderReportListener | undefined;

  constructor(config: IJsFixConfig, options: EngineSessionOptions) {
    super(config, options);
    if (options.logonSigning !== undefined && !(config.factory instanceof SignedLogonMsgFactory)) {
      throw new TypeError(
        'EngineSession: logonSigning needs SignedLogonMsgFactory as the session message factory: pass makeMsgFactory: SignedLogonMsgFactory.for to FixLauncher',
      );
    }
    this.tracer = options.tracer ?? trace.getTracer('@tailguard/fix');
    this.tracing = tracerGateFor(options.tracer);
    this.pending = new PendingOrders(options.pendingOrdersMax ?? PENDING_ORDERS_MAX_DEFAULT);
    this.logonSigning = options.logonSigning;
    this.orderUnknown = options.onOrderUnknown ?? noop;
    this.onMessage = options.onMessage ?? noop;
    this.readyCallback = options.onReady ?? noop;
    this.ackWindow = this.fixMetrics.latency(this.stats, 'fix_order_ack');
    this.fillWindow = this.fixMetrics.latency(this.stats, 'fix_order_fill');
    this.encodeWindow = this.fixMetrics.latency(this.stats, 'fix_send_encode');
    this.attachWindows(this.stats);
    this.encoded = (error) => {
      if (this.encodeCount === 0) return;
      const startNs = this.encodeStartNs[this.encodeHead]!;
      this.encodeHead = (this.encodeHead + 1) % ENCODE_TIMINGS_MAX;
      this.encodeCount--;
      if (error === null) this.encodeWindow.recordNs(this.tgClock.monoNs() - startNs);
    };
  }

  private attachWindows(stats: FixSessionStats): void {
    stats.orderAck = this.ackWindow;
    stats.orderFill = this.fillWindow;
    stats.sendEncode = this.encodeWindow;
  }

  protected override onLabelBound(stats: FixSessionStats): void {
    this.ackWindow = this.fixMetrics.latency(stats, 'fix_order_ack');
    this.fillWindow = this.fixMetrics.latency(stats, 'fix_order_fill');
    this.encodeWindow = this.fixMetrics.latency(stats, 'fix_send_encode');
    this.attachWindows(stats);
  }

  /**
   * Sets the one {@link OrderReportListener} (an order route watching for its
   * acks and rejects), or clears it with undefined. Throws when another is set:
   * two owners would each miss the other's reports.
   */
  setOrderReportListener(listener: OrderReportListener | undefined): void {
    if (listener !== undefined && this.reportListener !== undefined && this.reportListener !== listener) {
      throw new TypeError('EngineSession: an order report listener is already set; clear it with setOrderReportListener(undefined) first');
    }
    this.reportListener = listener;
  }

  /** Orders awaiting a final state. */
  override pendingOrderCount(): number {
    return this.pending.size;
  }

  /**
   * Sends a NewOrderSingle (35=D); `order` is the message body in jspurefix's
   * shape (components nested: `Instrument: { Symbol }`, `OrderQtyData: { OrderQty }`;
   * a field the dictionary does not place at that level is dropped) with at least ClOrdID. Returns NOT_LOGGED_ON before logon, INVALID_ORDER without a
   * ClOrdID, UNTRACKED when sent but not tracked (pending map full, counted).
   */
  sendOrder(order: ILooseObject): SendOrderResult {
    if (!this.isLoggedOn()) return RESULT.NOT_LOGGED_ON;
    const clOrdId: unknown = order.ClOrdID;
    if (typeof clOrdId !== 'string' || clOrdId.length === 0) return RESULT.INVALID_ORDER;
    const startNs = this.tgClock.monoNs();
    // No SDK: no no-op span, no context read (same gate as core's instrument()). Small
    // (~20 ns and one allocation per order measured here), but it is the house pattern.
    const span = this.tracing() ? this.tracer.startSpan('fix.order', SPAN_OPTIONS, context.active()) : undefined;
    // Sent before the bookkeeping: jspurefix encodes and writes to the socket inside
    // send(), and no report can arrive before this call returns, so tracking after
    // the write keeps it off the order's path.
    this.sendTimed('D', order, startNs);
    if (span?.isRecording()) {
      span.setAttribute('fix.session', this.stats.session);
      span.setAttribute('fix.cl_ord_id', clOrdId);
      const symbol: unknown = (order.Instrument as ILooseObject | undefined)?.Symbol ?? order.Symbol;
      if (typeof symbol === 'string') span.setAttribute('fix.symbol', symbol);
      if (order.Side !== undefined) span.setAttribute('fix.side', String(order.Side));
      if (typeof order.QuoteID === 'string') span.setAttribute('fix.quote_id', order.QuoteID);
    }
    const tracked = this.pending.add(clOrdId, startNs, span) !== undefined;
    if (!tracked) {
      this.stats.pendingOverflowTotal++;
      if (span?.isRecording()) span.setAttribute('fix.tracked', false);
      span?.end();
    }
    return tracked ? RESULT.OK : RESULT.UNTRACKED;
  }

  /** Sends an OrderCancelRequest (35=F) with ClOrdID and OrigClOrdID; its reports are matched to the original order. */
  sendCancel(cancel: ILooseObject): SendOrderResult {
    return this.sendChained('F', cancel);
  }

  /** Sends an OrderCancelReplaceRequest (35=G) with ClOrdID and OrigClOrdID; its reports are matched to the original order. */
  sendReplace(replace: ILooseObject): SendOrderResult {
    return this.sendChained('G', replace);
  }

  private sendChained(msgType: string, body: ILooseObject): SendOrderResult {
    if (!this.isLoggedOn()) return RESULT.NOT_LOGGED_ON;
    const clOrdId: unknown = body.ClOrdID;
    const origClOrdId: unknown = body.OrigClOrdID;
    if (typeof clOrdId !== 'string' || typeof origClOrdId !== 'string' || clOrdId.length === 0) return RESULT.INVALID_ORDER;
    const startNs = this.tgClock.monoNs();
    this.sendTimed(msgType, body, startNs); // before the bookkeeping, as in sendOrder
    const order = this.pending.get(origClOrdId);
    const tracked = order !== undefined && this.pending.alias(order, clOrdId);
    if (tracked && order.span?.isRecording()) order.span.addEvent(msgType === 'F' ? 'fix.cancel_sent' : 'fix.replace_sent', { 'fix.cl_ord_id': clOrdId });
    if (!tracked) this.stats.pendingOverflowTotal++;
    return tracked ? RESULT.OK : RESULT.UNTRACKED;
  }

  private sendTimed(msgType: string, body: ILooseObject, startNs: number): void {
    const encoder = this.transport?.transmitter.encodeStream;
    if (this.encodeCount === 0 && encoder !== undefined && encoder.writableLength === 0) {
      // Idle encoder: jspurefix encodes this message inside send() and txOnEncoded
      // sees it first. Timed there, without a send callback (for a callback jspurefix
      // builds a settle object and calls back per message, on the order's path).
      this.syncEncodeStartNs = startNs;
      this.send(msgType, body);
      this.syncEncodeStartNs = -1; // not encoded inside send (refused, or failed): no sample
      return;
    }
    // Queued behind other messages: encoded later, in order; the callback matches start times FIFO.
    if (this.encodeCount < ENCODE_TIMINGS_MAX) {
      this.encodeStartNs[(this.encodeHead + this.encodeCount) % ENCODE_TIMINGS_MAX] = startNs;
      this.encodeCount++;
      this.send(msgType, body, this.encoded);
    } else {
      this.send(msgType, body);
    }
  }

  protected override txOnEncoded(msgType: string, data: string, hdr: ILooseObject): void {
    super.txOnEncoded(msgType, data, hdr);
    const startNs = this.syncEncodeStartNs;
    if (startNs < 0) return;
    this.syncEncodeStartNs = -1;
    // jspurefix emits `encoded` with no header when it could not encode (its callback would get an error).
    if (hdr != null) this.encodeWindow.recordNs(this.tgClock.monoNs() - startNs);
  }

  protected override onApplication(msgType: string, view: MsgView): void {
    // Receipt time first, then the application's handler, then the bookkeeping: the
    // app reacts to a report without waiting for order tracking (~2 µs of order → ack
    // p50 on the loopback bench), and the latency recorded is still the receipt's.
    const rxNs = msgType === '8' ? this.tgClock.monoNs() : 0;
    try {
      this.onMessage(msgType, view, this);
    } finally {
      if (msgType === '8') this.onExecutionReport(view, rxNs);
      else if (msgType === '9') this.onCancelReject(view);
    }
  }

  /** The order a report belongs to; `clOrdId` is the report's ClOrdID(11), read once by the caller. */
  private find(view: MsgView, clOrdId: string | null): PendingOrder | undefined {
    if (clOrdId === null) {
      this.countMalformed(MALFORMED.missing_cl_ord_id);
      return undefined;
    }
    let order = this.pending.get(clOrdId);
    if (order === undefined) {
      const orig = view.getString(MsgTag.OrigClOrdID);
      if (orig !== null) order = this.pending.get(orig);
    }
    if (order === undefined) this.stats.unmatchedReportsTotal++;
    return order;
  }

  private isPossDup(view: MsgView): boolean {
    if (view.getString(MsgTag.PossDupFlag) === 'Y' || view.getString(MsgTag.PossResend) === 'Y') {
      this.stats.possDupIgnoredTotal++;
      return true;
    }
    return false;
  }

  private onExecutionReport(view: MsgView, rxNs: number): void {
    if (this.isPossDup(view)) return;
    // Each field read once for tracking and the listener; codes, not strings: no copy of
    // either value unless a span or the listener needs its text.
    const clOrdId = view.getString(MsgTag.ClOrdID);
    const execType = fieldCharCode(view, MsgTag.ExecType);
    const ordStatus = fieldCharCode(view, MsgTag.OrdStatus);
    const order = this.find(view, clOrdId);
    if (order !== undefined) this.trackExecutionReport(order, view, rxNs, execType, ordStatus);
    const listener = this.reportListener;
    if (listener !== undefined && clOrdId !== null) {
      listener(clOrdId, fieldTextOf(view, MsgTag.ExecType, execType), fieldTextOf(view, MsgTag.OrdStatus, ordStatus));
    }
  }

  /** `execType` / `ordStatus`: char codes of ExecType(150) and OrdStatus(39), as {@link fieldCharCode} read them. */
  private trackExecutionReport(order: PendingOrder, view: MsgView, nowNs: number, execType: number, ordStatus: number): void {
    const span = order.span;
    const recording = span !== undefined && span.isRecording();
    if (!order.acked) {
      order.acked = true;
      this.ackWindow.recordNs(nowNs - order.sentMonoNs);
      if (recording) span.addEvent('fix.ack', { 'fix.exec_type': fieldTextOf(view, MsgTag.ExecType, execType), 'fix.ord_status': fieldTextOf(view, MsgTag.OrdStatus, ordStatus) });
    }
    if (isFillExecType(execType)) {
      if (!order.filled) {
        order.filled = true;
        this.fillWindow.recordNs(nowNs - order.sentMonoNs);
      }
      if (recording) {
        span.addEvent('fix.fill', {
          'fix.exec_id': view.getString(MsgTag.ExecID) ?? '',
          'fix.last_qty': Number(view.getString(MsgTag.LastQty) ?? NaN),
          'fix.last_px': Number(view.getString(MsgTag.LastPx) ?? NaN),
          'fix.ord_status': fieldTextOf(view, MsgTag.OrdStatus, ordStatus),
        });
      }
    } else if (recording && execType !== CODE_NEW) {
      span.addEvent('fix.exec', { 'fix.exec_type': fieldTextOf(view, MsgTag.ExecType, execType), 'fix.ord_status': fieldTextOf(view, MsgTag.OrdStatus, ordStatus) });
    }
    if (isFinalOrdStatus(ordStatus)) this.finish(order, ordStatus, view);
  }

  private onCancelReject(view: MsgView): void {
    if (this.isPossDup(view)) return;
    const requestId = view.getString(MsgTag.ClOrdID);
    const order = this.find(view, requestId);
    if (order === undefined) return;
    if (requestId !== null && requestId !== order.clOrdId) this.pending.unalias(order, requestId);
    const ordStatus = fieldCharCode(view, MsgTag.OrdStatus);
    if (order.span?.isRecording()) order.span.addEvent('fix.cancel_reject', { 'fix.ord_status': fieldTextOf(view, MsgTag.OrdStatus, ordStatus) });
    if (isFinalOrdStatus(ordStatus)) this.finish(order, ordStatus, view);
  }

  /** `ordStatus`: the char code of OrdStatus(39), as {@link fieldCharCode} read it. */
  private finish(order: PendingOrder, ordStatus: number, view: MsgView): void {
    const span = order.span;
    if (span !== undefined) {
      if (span.isRecording()) {
        span.setAttribute('fix.ord_status', fieldTextOf(view, MsgTag.OrdStatus, ordStatus));
        if (ordStatus === CODE_REJECTED) {
          span.setAttribute('fix.ord_rej_reason', view.getString(MsgTag.OrdRejReason) ?? '');
          span.setStatus({ code: SpanStatusCode.ERROR, message: view.getString(MsgTag.Text) ?? 'rejected' });
        }
      }
      span.end();
    }
    this.pending.release(order);
  }

  protected override onLoggedOn(): void {
    this.readyCallback(this);
  }

  protected override onEnded(): void {
    // Callbacks for messages still in the encoder will not come: forget their start times.
    this.encodeHead = 0;
    this.encodeCount = 0;
    let unknown = 0;
    this.pending.drain((order) => {
      unknown++;
      const span: Span | undefined = order.span;
      if (span !== undefined) {
        if (span.isRecording()) {
          span.setAttribute('fix.outcome', 'UNKNOWN');
          span.addEvent('fix.outcome_unknown');
        }
        span.end();
      }
      this.orderUnknown(order.clOrdId);
      this.emit('orderUnknown', order.clOrdId);
    });
    this.stats.ordersUnknownTotal += unknown;
  }

  override sendLogon(): void {
    const signing = this.logonSigning;
    if (signing === undefined) {
      super.sendLogon();
      return;
    }
    const factory = this.config.factory as SignedLogonMsgFactory;
    const transmitter = this.transport?.transmitter as unknown as { msgSeqNum: number } | undefined;
    if (transmitter === undefined) return;
    const description = this.config.description;
    const logon = factory.logon();
    const epochMs = Date.now(); // once per logon, not the hot path
    const prehash = (signing.prehash ?? sohJoinedLogonPrehash)({
      sendingTime: formatUtcTimestampMs(epochMs),
      msgType: 'A',
      msgSeqNum: transmitter.msgSeqNum,
      senderCompId: description.SenderCompId,
      targetCompId: description.TargetCompID,
      password: description.Password ?? '',
    });
    const send = (signatureBase64: string): void => {
      factory.pinLogonSendingTime(new Date(epochMs));
      logon.RawDataLength = signatureBase64.length;
      logon.RawData = signatureBase64;
      this.send('A', logon);
    };
    const signature = signing.signer.signBase64(prehash);
    if (typeof signature === 'string') send(signature);
    else signature.then(send, () => this.requestStop('logon signing failed'));
  }
}
