/**
 * Focused example: a taker engine sends FIX NewOrderSingles to a venue over
 * 127.0.0.1 through @tailguard/fix's instrumented EngineSession. Order → ack
 * and order → fill latencies go into sliding windows; every order is an
 * OpenTelemetry span (fix.order, with ack and fill events) printed by the
 * SDK's ConsoleSpanExporter.
 *
 *   node packages/examples/dist/examples/taker-fix-spans.js [--orders N]
 */
import { parseArgs } from 'node:util';
import { BasicTracerProvider, ConsoleSpanExporter, SimpleSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { formatDurationNs, LatencyMonitor } from '@tailguard/core';
import { FixMetrics, MsgTag, startLoopback } from '@tailguard/fix';
import { runAsMain } from '../run-as-main.js';

/** Runs the example; resolves to the exit code. `exporter` replaces the console exporter (tests). */
export async function main(
  argv: readonly string[],
  out: { write(t: string): unknown } = process.stdout,
  exporter: SpanExporter = new ConsoleSpanExporter(),
): Promise<number> {
  const { values } = parseArgs({ args: [...argv], options: { orders: { type: 'string' } } });
  const orders = Number(values.orders ?? 5);
  if (!Number.isInteger(orders) || orders < 1 || orders > 100_000) throw new RangeError(`--orders must be an integer in [1, 100000], got ${values.orders}`);

  // The app owns the SDK; the engine session only sees the tracer (API-only library).
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const tracer = provider.getTracer('taker-example');
  const monitor = new LatencyMonitor();
  const metrics = new FixMetrics({ monitor });
  let filled = 0;
  let onFill: () => void = () => {};
  const harness = await startLoopback({
    metrics,
    venue: { ordersWithoutQuoteId: 'fill' }, // a plain venue: no quotes, fill every order
    engines: [
      {
        senderCompId: 'TAKER',
        engine: {
          tracer,
          onMessage: (msgType, view) => {
            if (msgType === '8' && view.getString(MsgTag.ExecType) === 'F') {
              filled++;
              onFill();
            }
          },
        },
      },
    ],
  });
  try {
    for (let i = 0; i < orders; i++) {
      const done = new Promise<void>((resolve) => (onFill = resolve));
      const sent = harness.engine.sendOrder({ ClOrdID: `T${i}`, Instrument: { Symbol: 'XAUUSD' }, Side: '1', OrderQtyData: { OrderQty: 10 }, OrdType: '2', Price: 2650.1, TransactTime: new Date() });
      if (!sent.ok) throw new Error(`order T${i} not sent: ${sent.reason}`);
      await done;
    }
    const ack = monitor.operation('fix_order_ack:VENUE').window;
    const fill = monitor.operation('fix_order_fill:VENUE').window;
    out.write(
      `${filled} orders filled; order→ack p50 ${formatDurationNs(ack.quantileNs(0.5))} p99 ${formatDurationNs(ack.quantileNs(0.99))}, ` +
        `order→fill p99 ${formatDurationNs(fill.quantileNs(0.99))}\n`,
    );
    return 0;
  } finally {
    await harness.stop();
    await provider.shutdown();
    monitor.close();
  }
}

runAsMain(import.meta.url, main, 'usage');
