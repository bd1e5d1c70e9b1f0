import { trace } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLoopback, type LoopbackHarness } from '@tailguard/fix';
import { makeMetrics, order, until } from './fix-test-kit.js';

// The engine takes no tracer here: it uses the global API, gated so that no span is built without an SDK.
const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const { monitor, metrics } = makeMetrics();
let h: LoopbackHarness;

beforeAll(async () => {
  h = await startLoopback({ metrics, venue: { ordersWithoutQuoteId: 'fill', counterparties: ['ENGINE'] }, engines: [{ senderCompId: 'ENGINE' }] });
});

afterAll(async () => {
  await h?.stop();
  monitor.close();
  trace.disable();
});

describe('EngineSession order spans on the global tracer', () => {
  it('tracks orders without an SDK and records spans once an SDK is registered later', async () => {
    const engine = h.engine;
    const ack = metrics.latency(metrics.session('VENUE', 'initiator'), 'fix_order_ack');
    expect(engine.sendOrder(order('before-sdk')).reason).toBe('OK');
    await until(() => engine.pendingOrderCount() === 0 && ack.window.count() === 1, 10_000, 'first order filled');
    expect(exporter.getFinishedSpans()).toHaveLength(0);

    trace.setGlobalTracerProvider(provider);
    expect(engine.sendOrder(order('after-sdk')).reason).toBe('OK');
    await until(() => exporter.getFinishedSpans().length === 1, 10_000, 'span of the second order');
    const span = exporter.getFinishedSpans()[0]!;
    expect(span.name).toBe('fix.order');
    expect(span.attributes['fix.cl_ord_id']).toBe('after-sdk');
    expect(span.attributes['fix.ord_status']).toBe('2');
    expect(ack.window.count()).toBe(2);
  });
});
