/**
 * Recording one latency sample: tailguard's window `recordNs` beside prom-client
 * `Histogram.observe` (pre-bound child), `Summary.observe` (maxAgeSeconds 5,
 * ageBuckets 5) and OpenTelemetry sdk-metrics `histogram.record` (explicit
 * buckets and exponential), on the same 65 536 samples, same process.
 */
import { AggregationType, MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { DEFAULT_LATENCY_BOUNDS_NS, LatencyMonitor, ManualClock } from '@tailguard/core';
import hdr from 'hdr-histogram-js';
import { Histogram, Registry, Summary } from 'prom-client';
import {
  formatNsPerOp,
  formatRatio,
  measure,
  printTable,
  type BenchFigure,
  type TargetCheck,
} from './bench-harness.js';
import { latencySamplesNs } from './bench-samples.js';

const SAMPLES = 1 << 16;
const MASK = SAMPLES - 1;

/** A reader that only collects on demand (no timer, no exporter). */
class OnDemandReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

/** Runs the recording benchmark and returns its target checks. */
export async function run(): Promise<TargetCheck[]> {
  const ns = latencySamplesNs(SAMPLES, 7);
  const seconds = ns.map((v) => v / 1e9);

  const monitor = new LatencyMonitor({ clock: new ManualClock(), autoTick: false });
  const op = monitor.operation('bench_record');
  const recordNs = op.recordNs;

  const rawJs = new hdr.Int32Histogram(1, 60e9, 3);
  await hdr.initWebAssembly();
  const rawWasm = hdr.build({ useWebAssembly: true, lowestDiscernibleValue: 1, highestTrackableValue: 60e9, numberOfSignificantValueDigits: 3 });

  const registry = new Registry();
  const promHistogram = new Histogram({ name: 'bench_histogram_seconds', help: 'bench', labelNames: ['operation'], registers: [registry] });
  const promHistogramChild = promHistogram.labels('bench_record');
  const promSummary = new Summary({
    name: 'bench_summary_seconds', help: 'bench', labelNames: ['operation'], registers: [registry],
    percentiles: [0.5, 0.9, 0.99, 0.999], maxAgeSeconds: 5, ageBuckets: 5,
  });
  const promSummaryChild = promSummary.labels('bench_record');

  const provider = new MeterProvider({
    readers: [new OnDemandReader()],
    views: [
      {
        instrumentName: 'bench.explicit',
        aggregation: { type: AggregationType.EXPLICIT_BUCKET_HISTOGRAM, options: { boundaries: DEFAULT_LATENCY_BOUNDS_NS.map((b) => b / 1e9) } },
      },
      { instrumentName: 'bench.exponential', aggregation: { type: AggregationType.EXPONENTIAL_HISTOGRAM } },
    ],
  });
  const meter = provider.getMeter('bench');
  const otelExplicit = meter.createHistogram('bench.explicit', { unit: 's' });
  const otelExponential = meter.createHistogram('bench.exponential', { unit: 's' });
  const attributes = { operation: 'bench_record' };

  const figures: [string, BenchFigure][] = [
    ['tailguard window recordNs', measure((n) => { for (let i = 0; i < n; i++) recordNs(ns[i & MASK]!); })],
    ['hdr-histogram-js recordValue (JS, raw)', measure((n) => { for (let i = 0; i < n; i++) rawJs.recordValue(ns[i & MASK]!); })],
    ['hdr-histogram-js recordValue (WASM, raw)', measure((n) => { for (let i = 0; i < n; i++) rawWasm.recordValue(ns[i & MASK]!); })],
    ['prom-client Histogram.observe (child)', measure((n) => { for (let i = 0; i < n; i++) promHistogramChild.observe(seconds[i & MASK]!); })],
    ['prom-client Summary.observe (child, 5 s)', measure((n) => { for (let i = 0; i < n; i++) promSummaryChild.observe(seconds[i & MASK]!); }, { rounds: 5, roundMs: 100 })],
    ['OTel histogram.record (explicit)', measure((n) => { for (let i = 0; i < n; i++) otelExplicit.record(seconds[i & MASK]!, attributes); })],
    ['OTel histogram.record (exponential)', measure((n) => { for (let i = 0; i < n; i++) otelExponential.record(seconds[i & MASK]!, attributes); })],
  ];
  rawWasm.destroy();
  await provider.shutdown();
  monitor.close();

  const ours = figures[0]![1].nsPerOp;
  const byLabel = new Map(figures.map(([l, f]) => [l, f.nsPerOp]));
  const vsHistogram = ours / byLabel.get('prom-client Histogram.observe (child)')!;
  const vsSummary = ours / byLabel.get('prom-client Summary.observe (child, 5 s)')!;
  const checks: TargetCheck[] = [
    { name: 'window recordNs / prom-client Histogram.observe', figure: formatRatio(vsHistogram), target: '≤ 0.4x', met: vsHistogram <= 0.4 },
    { name: 'window recordNs / prom-client Summary.observe', figure: formatRatio(vsSummary), target: '≤ 0.02x', met: vsSummary <= 0.02 },
  ];
  printTable(
    'Recording one sample (ns/op, median of rounds, min-max in brackets; ratio = tailguard / peer)',
    figures.map(([label, f], i) => ({
      label,
      value: formatNsPerOp(f),
      ratio: i === 0 ? '' : formatRatio(ours / f.nsPerOp),
      ...(label.startsWith('prom-client Histogram') ? { target: checks[0]!.target, met: checks[0]!.met } : {}),
      ...(label.startsWith('prom-client Summary') ? { target: checks[1]!.target, met: checks[1]!.met } : {}),
    })),
    `same ${SAMPLES} samples (ns for tailguard/hdr, pre-converted to seconds for prom-client/OTel); ${figures[0]![1].iterations} iterations per tailguard round`,
  );
  return checks;
}
