import type { Registry } from 'prom-client';
import type { CumulativeHistogram } from '../window/sliding-window.js';

/** Prometheus metric types this SDK exports. */
export type PromMetricType = 'counter' | 'gauge' | 'histogram';

/** One exported sample: label values are bounded (never client, quote or order IDs). */
export interface PromSample {
  /** Full series name when it differs from the metric name (`_bucket`, `_sum`, `_count`). */
  metricName?: string;
  labels?: Record<string, string | number>;
  value: number;
}

/** A metric whose samples are computed at scrape time. */
export interface PromCollectorSpec {
  /** Metric name, `tailguard_` or `fix_` prefixed, base units (seconds) in the name. */
  name: string;
  help: string;
  type: PromMetricType;
  /** Reads current state; called once per scrape, never on the hot path. */
  collect(): PromSample[];
}

/**
 * Registers a scrape-time metric on the application's prom-client `Registry`
 * (never the global default). Only prom-client's *types* are imported, so an
 * application without prom-client can still import this package.
 *
 * The object follows prom-client's metric contract (`name`, `help`, `type`,
 * `get()`), which is all `Registry.metrics()` reads. Throws when the name is
 * already registered on that registry.
 */
export function registerPromCollector(registry: Registry, spec: PromCollectorSpec): void {
  if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(spec.name)) {
    throw new TypeError(`registerPromCollector: invalid Prometheus metric name ${JSON.stringify(spec.name)}`);
  }
  const metric = {
    name: spec.name,
    help: spec.help,
    type: spec.type,
    aggregator: 'sum' as const,
    // `metric.name`, not `spec.name`: in OpenMetrics mode the Registry strips a
    // counter's `_total` from `metric.name` and appends it to each sample itself.
    get: async () => ({
      name: metric.name,
      help: spec.help,
      type: spec.type,
      aggregator: 'sum' as const,
      values: spec.collect(),
    }),
    reset: () => {},
  };
  if (registry.getSingleMetric(spec.name) !== undefined) {
    throw new Error(`registerPromCollector: ${spec.name} is already registered on this Registry; register each exporter once per registry`);
  }
  // prom-client's own metric classes are not required: its Registry only reads the fields above.
  registry.registerMetric(metric as unknown as Parameters<Registry['registerMetric']>[0]);
}

/**
 * Turns a cumulative histogram (ns) into Prometheus `_bucket`/`_sum`/`_count`
 * samples in seconds, appending to `out`.
 */
export function pushHistogramSamples(
  out: PromSample[],
  name: string,
  labels: Record<string, string>,
  histogram: CumulativeHistogram,
): void {
  const { boundsNs, cumulativeCounts } = histogram;
  const bucketLabels = bucketLabelsFor(labels, boundsNs);
  const bucketName = `${name}_bucket`;
  for (let i = 0; i < boundsNs.length; i++) {
    out.push({ metricName: bucketName, labels: bucketLabels[i]!, value: cumulativeCounts[i]! });
  }
  out.push({ metricName: bucketName, labels: bucketLabels[boundsNs.length]!, value: histogram.count });
  out.push({ metricName: `${name}_sum`, labels, value: histogram.sumNs / 1e9 });
  out.push({ metricName: `${name}_count`, labels, value: histogram.count });
}

// Label objects of each bucket (`le` added), built once per label set rather than per scrape.
const bucketLabelCache = new WeakMap<Record<string, string>, { boundsNs: readonly number[]; labels: Record<string, string | number>[] }>();

function bucketLabelsFor(labels: Record<string, string>, boundsNs: readonly number[]): Record<string, string | number>[] {
  const cached = bucketLabelCache.get(labels);
  if (cached !== undefined && cached.boundsNs === boundsNs) return cached.labels;
  const built: Record<string, string | number>[] = boundsNs.map((b) => ({ ...labels, le: b / 1e9 }));
  built.push({ ...labels, le: '+Inf' });
  bucketLabelCache.set(labels, { boundsNs, labels: built });
  return built;
}
