import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { MsgView } from 'jspurefix';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineSession, MsgTag, registerFixPromMetrics, startLoopback, tcpSocketOf, VenueSession, type LoopbackHarness } from '@tailguard/fix';
import { makeMetrics, order, until } from './fix-test-kit.js';

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const contextManager = new AsyncLocalStorageContextManager().enable();
context.setGlobalContextManager(contextManager);
const { monitor, metrics } = makeMetrics();
let h: LoopbackHarness;

/** A venue that also answers cancel/replace requests and resends one report as PossDup. */
class ChainVenue extends VenueSession {
  protected override onApplication(msgType: string, view: MsgView): void {
    const clOrdId = view.getString(MsgTag.ClOrdID) ?? '';
    const orig = view.getString(MsgTag.OrigClOrdID) ?? '';
    const base = { OrderID: `o-${orig}`, Instrument: { Symbol: 'XAUUSD' }, Side: '1', LeavesQty: 1, CumQty: 0, AvgPx: 0, ClOrdID: clOrdId, OrigClOrdID: orig };
    if (msgType === 'G') {
      this.sendMessage('8', { ...base, ExecID: `r-${clOrdId}`, ExecType: '5', OrdStatus: '0' });
    } else if (msgType === 'F') {
      this.sendMessage('8', { ...base, ExecID: `c-${clOrdId}`, ExecType: '4', OrdStatus: '4', LeavesQty: 0 });
    } else if (msgType === 'D' && clOrdId.startsWith('rest')) {
      // Working order: acknowledged, not filled; then a PossResend copy that must be ignored.
      const ack = { ...base, OrderID: `o-${clOrdId}`, OrigClOrdID: undefined, ExecID: `n-${clOrdId}`, ExecType: '0', OrdStatus: '0' };
      this.sendMessage('8', ack);
      this.sendMessage('8', { ...ack, ExecID: `d-${clOrdId}`, ExecType: 'F', OrdStatus: '2', StandardHeader: { PossResend: true } });
    } else {
      super.onApplication(msgType, view);
    }
  }
}

beforeAll(async () => {
  h = await startLoopback({
    metrics,
    makeVenueSession: (config) => new ChainVenue(config, { metrics, ordersWithoutQuoteId: 'fill', counterparties: ['ENGINE'] }),
    engines: [{ senderCompId: 'ENGINE', engine: { tracer: provider.getTracer('test') } }],
  });
});

afterAll(async () => {
  await h?.stop();
  contextManager.disable();
});

describe('EngineSession over loopback', () => {
  it('refuses an order before logon with a result, not a throw', () => {
    const idle = Object.create(EngineSession.prototype) as EngineSession;
    expect(() => idle.sendOrder(order('x'))).toThrow(); // not constructed: proves the next check is real
    const engine = h.engine;
    expect(engine.sendOrder({ Symbol: 'XAUUSD' }).reason).toBe('INVALID_ORDER');
  });

  it('acks and fills 1 000 orders, records latencies and parents spans to the caller span', async () => {
    const engine = h.engine;
    const parent = provider.getTracer('test').startSpan('caller');
    const before = monitor.operation('fix_order_ack:VENUE').window.count();
    await context.with(trace.setSpan(context.active(), parent), async () => {
      for (let i = 0; i < 1_000; i++) expect(engine.sendOrder(order(`bulk-${i}`)).reason).toBe('OK');
    });
    parent.end();
    await until(() => engine.pendingOrderCount() === 0, 20_000, 'all fills');
    expect(monitor.operation('fix_order_ack:VENUE').window.count() - before).toBe(1_000);
    expect(monitor.operation('fix_order_fill:VENUE').window.count()).toBeGreaterThanOrEqual(1_000);
    expect(monitor.operation('fix_send_encode:VENUE').window.count()).toBeGreaterThanOrEqual(1_000);
    expect(monitor.operation('fix_order_ack:VENUE').window.quantileNs(0.5)).toBeGreaterThan(0);

    const orders = exporter.getFinishedSpans().filter((s) => s.name === 'fix.order' && String(s.attributes['fix.cl_ord_id']).startsWith('bulk-'));
    expect(orders).toHaveLength(1_000);
    for (const s of orders) {
      expect(s.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
      expect(s.spanContext().traceId).toBe(parent.spanContext().traceId);
      expect(s.attributes['fix.ord_status']).toBe('2');
      expect(s.attributes['fix.symbol']).toBe('XAUUSD');
      expect(s.events.map((e) => e.name)).toEqual(['fix.ack', 'fix.fill']);
    }
    const stats = [...metrics.sessions()].find((s) => s.session === 'VENUE')!;
    expect(stats.unmatchedReportsTotal).toBe(0);
    expect(stats.venueFilledTotal + [...metrics.sessions()].find((s) => s.session === 'ENGINE')!.venueFilledTotal).toBeGreaterThanOrEqual(1_000);
  });

  it('follows a replace then cancel chain by OrigClOrdID and ignores PossDup reports', async () => {
    const engine = h.engine;
    const stats = [...metrics.sessions()].find((s) => s.session === 'VENUE')!;
    const possDupBefore = stats.possDupIgnoredTotal;
    expect(engine.sendOrder(order('rest-1')).reason).toBe('OK');
    await until(() => stats.possDupIgnoredTotal === possDupBefore + 1, 5_000, 'possdup');
    expect(engine.pendingOrderCount()).toBe(1); // the PossDup "fill" did not end it
    expect(engine.sendReplace({ ClOrdID: 'rest-1-r', OrigClOrdID: 'rest-1', Instrument: { Symbol: 'XAUUSD' }, Side: '1', OrderQtyData: { OrderQty: 2 }, OrdType: '2', Price: 2001, TransactTime: new Date() }).reason).toBe('OK');
    expect(engine.sendCancel({ ClOrdID: 'rest-1-c', OrigClOrdID: 'rest-1-r', Instrument: { Symbol: 'XAUUSD' }, Side: '1', OrderQtyData: { OrderQty: 2 }, TransactTime: new Date() }).reason).toBe('OK');
    await until(() => engine.pendingOrderCount() === 0, 5_000, 'cancel');
    const span = exporter.getFinishedSpans().find((s) => s.attributes['fix.cl_ord_id'] === 'rest-1')!;
    expect(span.attributes['fix.ord_status']).toBe('4');
    expect(span.events.map((e) => e.name)).toEqual(['fix.ack', 'fix.replace_sent', 'fix.cancel_sent', 'fix.exec', 'fix.exec']);
    expect(stats.unmatchedReportsTotal).toBe(0);
  });

  it('exports every fix_* metric with bounded labels', async () => {
    const registry = new Registry();
    registerFixPromMetrics(registry, metrics);
    const text = await registry.metrics();
    for (const name of [
      'fix_session_up',
      'fix_session_state',
      'fix_messages_total',
      'fix_bytes_total',
      'fix_seq_num',
      'fix_gaps_detected_total',
      'fix_reconnects_total',
      'fix_order_ack_latency_seconds',
      'fix_order_fill_latency_seconds',
      'fix_send_encode_seconds',
      'fix_sending_time_lag_seconds',
      'fix_pending_orders',
      'fix_send_queue_depth',
      'fix_malformed_messages_total',
      'fix_orders_unknown_total',
      'fix_socket_nodelay',
      'fix_store_evicted_total',
    ]) {
      expect(text).toContain(`# TYPE ${name} `);
    }
    expect(text).toMatch(/^fix_session_up\{session="VENUE",role="initiator"\} 1$/m);
    expect(text).toMatch(/^fix_session_up\{session="ENGINE",role="acceptor"\} 1$/m);
    // One series per live session socket, both sides with Nagle off (jspurefix's initiator leaves it on; we turn it off).
    expect(text).toMatch(/^fix_socket_nodelay\{session="VENUE"\} 1$/m);
    expect(text).toMatch(/^fix_socket_nodelay\{session="ENGINE"\} 1$/m);
    expect([...text.matchAll(/^fix_socket_nodelay\{/gm)].length).toBe(2);
    expect(text).toMatch(/^fix_session_state\{session="VENUE"\} 17$/m);
    expect(text).toMatch(/^fix_messages_total\{session="VENUE",direction="out",msg_type="D"\} 1001$/m);
    expect(text).toMatch(/^fix_messages_total\{session="ENGINE",direction="in",msg_type="D"\} 1001$/m);
    expect(text).toMatch(/^fix_bytes_total\{session="VENUE",direction="in"\} [1-9]\d+$/m);
    expect(text).toMatch(/^fix_seq_num\{session="VENUE",direction="out"\} [1-9]\d+$/m);
    expect(text).toMatch(/^fix_order_ack_latency_seconds_count\{session="VENUE"\} 1001$/m);
    expect(text).toMatch(/^fix_order_ack_latency_seconds_bucket\{session="VENUE",le="\+Inf"\} 1001$/m);
    expect(text).toMatch(/^fix_order_ack_latency_window_seconds\{session="VENUE",quantile="0.99"\} [0-9.e-]+$/m);
    expect(text).toMatch(/^fix_sending_time_lag_seconds_count\{session="ENGINE"\} [1-9]\d*$/m);
    expect(text).toMatch(/^fix_pending_orders\{session="VENUE"\} 0$/m);
    expect(text).toMatch(/^fix_send_queue_depth\{session="VENUE"\} 0$/m);
    expect(text).toMatch(/^fix_malformed_messages_total\{session="VENUE",reason="oversized"\} 0$/m);
    expect(text).toMatch(/^fix_orders_unknown_total\{session="VENUE"\} 0$/m);
    expect(text).toMatch(/^fix_store_evicted_total\{session="VENUE"\} \d+$/m);
    expect(text).not.toMatch(/bulk-|rest-1/); // never an order ID in a label
    const msgTypes = new Set([...text.matchAll(/msg_type="([^"]+)"/g)].map((m) => m[1]));
    for (const t of msgTypes) expect(['0', '1', '2', '3', '4', '5', 'A', 'D', 'F', 'G', 'H', '8', '9', 'j', 'R', 'S', 'Z', 'AI', 'b', 'V', 'W', 'X', 'Y', 'other']).toContain(t);
  });

  it('times send→encoded for every order, whether encoded inside send() or queued behind a backed-up socket', async () => {
    const engine = h.engine;
    const encode = monitor.operation('fix_send_encode:VENUE').window;
    const before = encode.count();
    // An idle encoder: each order is encoded inside sendOrder.
    for (let i = 0; i < 50; i++) expect(engine.sendOrder(order(`idle-${i}`)).reason).toBe('OK');
    expect(encode.count() - before).toBe(50);
    // A corked socket backs the encoder up: later orders wait in jspurefix's encode stream
    // and are timed when they are encoded, through the send callback, in order.
    const socket = tcpSocketOf(engine.transport!)!;
    socket.cork();
    let queued = 0;
    for (let i = 0; i < 2_000; i++) {
      expect(engine.sendOrder(order(`queued-${i}`)).reason).toBe('OK');
      if (engine.sendQueueDepth() > 0) queued++;
    }
    expect(queued).toBeGreaterThan(0); // proves the queued path ran
    const queuedAt = encode.count();
    socket.uncork();
    await until(() => engine.pendingOrderCount() === 0, 20_000, 'queued fills');
    expect(encode.count() - before).toBe(2_050);
    expect(encode.count()).toBeGreaterThan(queuedAt);
  });
});
