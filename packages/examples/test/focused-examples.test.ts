import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { main as engineMetricsHttp } from '../src/examples/engine-metrics-http.js';
import { main as takerFixSpans } from '../src/examples/taker-fix-spans.js';

function capture(): { out: { write(t: string): boolean }; text(): string } {
  let text = '';
  return { out: { write: (t: string) => ((text += t), true) }, text: () => text };
}

describe('focused examples', () => {
  it('engine-metrics-http times the wrapped signer and order send and serves them on /metrics', async () => {
    const c = capture();
    let scraped = '';
    let scrape: Promise<void> | undefined;
    const out = {
      write(t: string): boolean {
        c.out.write(t);
        const m = /^sent \d+ orders; scrape (\S+) /.exec(t);
        if (m !== null) scrape = fetch(m[1]!).then(async (r) => void (scraped = await r.text()));
        return true;
      },
    };
    expect(await engineMetricsHttp(['--orders', '300', '--linger-ms', '300'], out)).toBe(0);
    await scrape;
    expect(c.text()).toMatch(/sign_order: 300 calls in the window/);
    expect(c.text()).toMatch(/order_send: 300 calls in the window/);
    expect(scraped).toMatch(/tailguard_latency_window_seconds\{operation="order_send",quantile="0.99"\} \d/);
    expect(scraped).toMatch(/tailguard_latency_seconds_count\{operation="sign_order"\} 300/);
  });

  it('taker-fix-spans exports one fix.order span per FIX order, with ack and fill events', async () => {
    const c = capture();
    const exporter = new InMemorySpanExporter();
    let spans: ReturnType<InMemorySpanExporter['getFinishedSpans']> = [];
    const keep = exporter.shutdown.bind(exporter);
    // The example shuts its provider down (which clears an in-memory exporter): read the spans first.
    exporter.shutdown = async () => {
      spans = exporter.getFinishedSpans();
      return keep();
    };
    expect(await takerFixSpans(['--orders', '3'], c.out, exporter)).toBe(0);
    expect(c.text()).toMatch(/^3 orders filled; order→ack p50/m);
    expect(spans.map((s) => s.name)).toEqual(['fix.order', 'fix.order', 'fix.order']);
    for (const s of spans) expect(s.events.map((e) => e.name)).toEqual(['fix.ack', 'fix.fill']);
    expect(spans.map((s) => s.attributes['fix.cl_ord_id'])).toEqual(['T0', 'T1', 'T2']);
  });
});
