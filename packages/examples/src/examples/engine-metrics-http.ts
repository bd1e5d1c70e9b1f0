/**
 * Focused example: an existing engine keeps its own signing function and order
 * send, and wraps both with tailguard so every call is timed at the call site;
 * the metrics go to the engine's own prom-client registry, served on node:http.
 *
 *   node packages/examples/dist/examples/engine-metrics-http.js [--orders N] [--linger-ms N]
 *
 * It sends N orders (default 2 000) to a stand-in venue, prints the window p99
 * of each operation and the /metrics URL, and exits (after --linger-ms).
 */
import { createHmac, randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { formatDurationNs, instrument, instrumentSigner, LatencyMonitor, registerLatencyPrometheus } from '@tailguard/core';
import { Registry } from 'prom-client';
import { serveMetrics } from '../metrics-server.js';
import { runAsMain } from '../run-as-main.js';

/** The engine as it was before tailguard: its own HMAC signer and an async order send. */
class LegacyEngine {
  private readonly key = randomBytes(32);
  sent = 0;

  sign(payload: string | Uint8Array): Uint8Array {
    return createHmac('sha256', this.key).update(payload).digest();
  }

  /** Stand-in for a venue round trip: resolves on the next turn of the event loop. */
  async sendOrder(order: { clOrdId: string; signature: string }): Promise<string> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.sent++;
    return `ack:${order.clOrdId}`;
  }
}

/** Runs the example; resolves to the exit code. Everything it starts is stopped before it resolves. */
export async function main(argv: readonly string[], out: { write(t: string): unknown } = process.stdout): Promise<number> {
  const { values } = parseArgs({ args: [...argv], options: { orders: { type: 'string' }, 'linger-ms': { type: 'string' } } });
  const orders = Number(values.orders ?? 2_000);
  const lingerMs = Number(values['linger-ms'] ?? 0);
  if (!Number.isInteger(orders) || orders < 1 || orders > 1_000_000) throw new RangeError(`--orders must be an integer in [1, 1000000], got ${values.orders}`);
  if (!Number.isInteger(lingerMs) || lingerMs < 0) throw new RangeError(`--linger-ms must be an integer ≥ 0, got ${values['linger-ms']}`);

  const engine = new LegacyEngine();
  // 1. The engine's own monitor and registry (never prom-client's global default).
  const monitor = new LatencyMonitor();
  const registry = new Registry();
  registerLatencyPrometheus(monitor, registry);
  // 2. Wrap the existing functions once, at start-up; the hot path calls the wrappers.
  const signer = instrumentSigner(monitor, 'sign_order', (data) => engine.sign(data), { algorithm: 'hmac-sha256' });
  const sendOrder = instrument(monitor, 'order_send', engine.sendOrder.bind(engine));
  const server = await serveMetrics(registry, 0);
  try {
    out.write(`metrics: ${server.url}\n`);
    for (let i = 0; i < orders; i++) {
      const clOrdId = `ORD${i}`;
      await sendOrder({ clOrdId, signature: signer.signBase64(`D|${clOrdId}|XAUUSD|1|100`) });
    }
    for (const name of ['sign_order', 'order_send']) {
      const w = monitor.operation(name).window;
      out.write(`${name}: ${w.count()} calls in the window, p50 ${formatDurationNs(w.quantileNs(0.5))}, p99 ${formatDurationNs(w.quantileNs(0.99))}\n`);
    }
    out.write(`sent ${engine.sent} orders; scrape ${server.url} for tailguard_latency_window_seconds{operation="order_send"}\n`);
    if (lingerMs > 0) await sleep(lingerMs);
    return 0;
  } finally {
    await server.close();
    monitor.close();
  }
}

runAsMain(import.meta.url, main, 'usage');
