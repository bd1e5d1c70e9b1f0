import { afterEach, describe, expect, it } from 'vitest';
import {
  AggregationTemporality,
  DataPointType,
  InMemoryMetricExporter,
  MeterProvider,
  MetricReader,
  type HistogramMetricData,
  type MetricData,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import {
  DEFAULT_LATENCY_BOUNDS_NS,
  LatencyMonitor,
  ManualClock,
  registerLatencyOpenTelemetry,
  WallStepDetector,
} from '@tailguard/core';

/** A pull reader: the test decides when a collection happens, then exports it to the in-memory exporter. */
class PullReader extends MetricReader {
  constructor(private readonly exporter: InMemoryMetricExporter) {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  }
  async collectInto(): Promise<ResourceMetrics> {
    const { resourceMetrics, errors } = await this.collect();
    expect(errors).toEqual([]);
    await new Promise<void>((resolve) => this.exporter.export(resourceMetrics, () => resolve()));
    return resourceMetrics;
  }
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

const QUANTILES = ['0.5', '0.9', '0.99', '0.999', '1'] as const;

interface Harness {
  monitor: LatencyMonitor;
  clock: ManualClock;
  provider: MeterProvider;
  reader: PullReader;
  exporter: InMemoryMetricExporter;
}

const open: Harness[] = [];
function harness(): Harness {
  const clock = new ManualClock();
  const monitor = new LatencyMonitor({ autoTick: false, clock });
  const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PullReader(exporter);
  const provider = new MeterProvider({ readers: [reader] });
  const h = { monitor, clock, provider, reader, exporter };
  open.push(h);
  return h;
}
afterEach(async () => {
  for (const h of open.splice(0)) {
    h.monitor.close();
    await h.provider.shutdown();
  }
});

function metric(rm: ResourceMetrics, name: string): MetricData | undefined {
  for (const sm of rm.scopeMetrics) for (const m of sm.metrics) if (m.descriptor.name === name) return m;
  return undefined;
}

function point(m: MetricData | undefined, attrs: Record<string, string>): number {
  expect(m).toBeDefined();
  const found = (m!.dataPoints as { attributes: Record<string, unknown>; value: unknown }[]).filter(
    (p) => Object.keys(p.attributes).length === Object.keys(attrs).length && Object.entries(attrs).every(([k, v]) => p.attributes[k] === v),
  );
  expect(found, `${m!.descriptor.name} ${JSON.stringify(attrs)}`).toHaveLength(1);
  return found[0]!.value as number;
}

describe('registerLatencyOpenTelemetry', () => {
  it('observes window quantiles, count, worst p99, clamped and invalid per operation', async () => {
    const { monitor, provider, reader, exporter } = harness();
    registerLatencyOpenTelemetry(monitor, provider.getMeter('tailguard-test'));
    const sign = monitor.operation('sign');
    const send = monitor.operation('order_send');
    for (let i = 1; i <= 1_000; i++) sign.recordNs(i * 1_000);
    sign.recordNs(25e6);
    sign.recordNs(61e9);
    sign.recordNs(Number.NaN);
    for (let i = 0; i < 10; i++) send.recordNs(300_000);

    const rm = await reader.collectInto();
    expect(exporter.getMetrics()).toHaveLength(1);
    const window = metric(rm, 'tailguard.latency.window');
    expect(window?.descriptor.unit).toBe('s');
    expect(window?.dataPointType).toBe(DataPointType.GAUGE);
    expect(window?.dataPoints).toHaveLength(2 * QUANTILES.length);
    for (const op of [sign, send]) {
      for (const q of QUANTILES) {
        expect(point(window, { operation: op.name, quantile: q }), `${op.name} q${q}`).toBe(op.window.quantileNs(Number(q)) / 1e9);
      }
      expect(point(metric(rm, 'tailguard.latency.window.samples'), { operation: op.name })).toBe(op.window.count());
      expect(point(metric(rm, 'tailguard.latency.window.worst_p99'), { operation: op.name })).toBe(op.window.worstP99Ns() / 1e9);
    }
    expect(point(window, { operation: 'sign', quantile: '1' })).toBeCloseTo(60, 1);
    expect(point(metric(rm, 'tailguard.latency.window.samples'), { operation: 'sign' })).toBe(1_002);
    expect(metric(rm, 'tailguard.latency.window.worst_p99')?.descriptor.unit).toBe('s');
    const clamped = metric(rm, 'tailguard.latency.clamped');
    expect(clamped?.dataPointType).toBe(DataPointType.SUM);
    expect(point(clamped, { operation: 'sign' })).toBe(1);
    expect(point(clamped, { operation: 'order_send' })).toBe(0);
    expect(point(metric(rm, 'tailguard.latency.invalid'), { operation: 'sign' })).toBe(1);
    // A ManualClock counts no steps and none were passed: no step instrument.
    expect(metric(rm, 'tailguard.clock.steps')).toBeUndefined();
  });

  it('records every valid sample into the tailguard.latency histogram in seconds', async () => {
    const { monitor, provider, reader } = harness();
    const sign = monitor.operation('sign');
    sign.recordNs(999_999); // before registration: in the window, not in the OTel histogram
    registerLatencyOpenTelemetry(monitor, provider.getMeter('tailguard-test'));
    let sumNs = 0;
    for (let i = 1; i <= 200; i++) {
      sign.recordNs(i * 5_000);
      sumNs += i * 5_000;
    }
    sign.recordNs(-1); // invalid: dropped before any sink
    const late = monitor.operation('late_op'); // created after registration: gets a sink too
    late.recordNs(2e6);
    late.recordNs(3e6);

    const rm = await reader.collectInto();
    const hist = metric(rm, 'tailguard.latency') as HistogramMetricData | undefined;
    expect(hist?.dataPointType).toBe(DataPointType.HISTOGRAM);
    expect(hist?.descriptor.unit).toBe('s');
    const pointOf = (operation: string) => {
      const found = hist!.dataPoints.filter((p) => p.attributes.operation === operation);
      expect(found).toHaveLength(1);
      return found[0]!.value;
    };
    const s = pointOf('sign');
    expect(s.count).toBe(200);
    expect(s.sum).toBeCloseTo(sumNs / 1e9, 9);
    expect(s.min).toBeCloseTo(5e-6, 12);
    expect(s.max).toBeCloseTo(1e-3, 12);
    expect(s.buckets.boundaries).toEqual(DEFAULT_LATENCY_BOUNDS_NS.map((ns) => ns / 1e9));
    expect(s.buckets.counts.reduce((a, b) => a + b, 0)).toBe(200);
    const l = pointOf('late_op');
    expect(l.count).toBe(2);
    expect(l.sum).toBeCloseTo(0.005, 12);
    // The window saw all of them, including the one before registration and minus the invalid one.
    expect(sign.window.count()).toBe(201);
  });

  it('exports clock steps when a step counter is given', async () => {
    const { monitor, provider, reader } = harness();
    const detector = new WallStepDetector();
    registerLatencyOpenTelemetry(monitor, provider.getMeter('tailguard-test'), { clockSteps: detector });
    detector.observe(0, 1_700_000_000_000_000);
    detector.observe(1e9, 1_700_000_000_000_000 + 1e6 - 20_000);
    const rm = await reader.collectInto();
    expect(point(metric(rm, 'tailguard.clock.steps'), {})).toBe(1);
  });

  it('unregisters its sinks and observable callbacks', async () => {
    const { monitor, provider, reader } = harness();
    const stop = registerLatencyOpenTelemetry(monitor, provider.getMeter('tailguard-test'));
    const sign = monitor.operation('sign');
    sign.recordNs(10_000);
    let rm = await reader.collectInto();
    expect((metric(rm, 'tailguard.latency') as HistogramMetricData).dataPoints[0]!.value.count).toBe(1);
    expect(point(metric(rm, 'tailguard.latency.window.samples'), { operation: 'sign' })).toBe(1);

    stop();
    stop(); // idempotent
    sign.recordNs(20_000);
    monitor.operation('after_stop').recordNs(30_000);
    rm = await reader.collectInto();
    const hist = metric(rm, 'tailguard.latency') as HistogramMetricData;
    expect(hist.dataPoints.map((p) => [p.attributes.operation, p.value.count])).toEqual([['sign', 1]]);
    // No callback ran: no gauge points for the new operation or the updated count.
    const counts = metric(rm, 'tailguard.latency.window.samples');
    const observed = (counts?.dataPoints ?? []).filter((p) => p.attributes.operation === 'after_stop' || p.value === 2);
    expect(observed).toEqual([]);
    expect(sign.window.count()).toBe(2);
  });

  it('rejects bad histogram boundaries with a message naming the option', () => {
    const { monitor, provider } = harness();
    expect(() =>
      registerLatencyOpenTelemetry(monitor, provider.getMeter('t'), { histogramBoundariesSeconds: [0.001, 0.0005] }),
    ).toThrow(/histogramBoundariesSeconds/);
  });
});
