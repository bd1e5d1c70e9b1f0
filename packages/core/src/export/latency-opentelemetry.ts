import type { Attributes, BatchObservableCallback, Meter, Observable } from '@opentelemetry/api';
import type { LatencyMonitor } from '../monitor/monitor.js';
import type { Operation } from '../monitor/operation.js';
import { DEFAULT_LATENCY_BOUNDS_NS } from '../window/latency-buckets.js';
import { resolveClockStepCounter, type ClockStepCounter } from './clock-step-counter.js';
import { EXPORTED_WINDOW_QUANTILES } from './window-quantiles.js';

/** Options for {@link registerLatencyOpenTelemetry}. */
export interface LatencyOpenTelemetryOptions {
  /**
   * Bucket boundaries (seconds) advised for the `tailguard.latency` histogram.
   * Default the Prometheus buckets, 1 µs to 60 s. A view in the SDK overrides advice.
   */
  histogramBoundariesSeconds?: readonly number[];
  /**
   * Source of `tailguard.clock.steps` when the monitor's clock does not count
   * steps itself. With neither, that instrument is not created.
   */
  clockSteps?: ClockStepCounter;
}

/** Instrument names created by {@link registerLatencyOpenTelemetry} (the Prometheus words, dotted). */
export const LATENCY_OPENTELEMETRY_INSTRUMENTS = Object.freeze({
  latency: 'tailguard.latency',
  windowQuantile: 'tailguard.latency.window',
  windowCount: 'tailguard.latency.window.samples',
  windowWorstP99: 'tailguard.latency.window.worst_p99',
  clamped: 'tailguard.latency.clamped',
  invalid: 'tailguard.latency.invalid',
  clockSteps: 'tailguard.clock.steps',
} as const);

/** Attribute objects built once per operation and reused by every record and collection. */
interface OperationAttributes {
  operation: Attributes;
  quantiles: Attributes[];
}

/**
 * Publishes a monitor's operations through an OpenTelemetry `Meter` from
 * `@opentelemetry/api` (a no-op until the app registers an SDK). Seconds in
 * exported values, nanoseconds inside.
 *
 * - `tailguard.latency` (histogram, s, `{operation}`): every sample, fed by a sink
 *   on each operation with its attributes object built once, so a record costs
 *   one division and the SDK's own `record`.
 * - `tailguard.latency.window` (observable gauge, s, `{operation, quantile}`):
 *   live-window quantiles 0.5, 0.9, 0.99, 0.999, 1 (max), one snapshot per
 *   operation per collection.
 * - `tailguard.latency.window.samples` (gauge), `tailguard.latency.window.worst_p99`
 *   (gauge, s), `tailguard.latency.clamped` and `tailguard.latency.invalid`
 *   (observable counters), and `tailguard.clock.steps` when a step counter exists.
 *
 * Operations created later are picked up automatically. Returns a function that
 * removes the sinks and the observable callbacks (instruments themselves cannot
 * be deleted through the API).
 */
export function registerLatencyOpenTelemetry(
  monitor: LatencyMonitor,
  meter: Meter,
  options: LatencyOpenTelemetryOptions = {},
): () => void {
  const names = LATENCY_OPENTELEMETRY_INSTRUMENTS;
  const boundaries = options.histogramBoundariesSeconds ?? DEFAULT_LATENCY_BOUNDS_NS.map((ns) => ns / 1e9);
  for (let i = 0; i < boundaries.length; i++) {
    if (!(boundaries[i]! > 0) || (i > 0 && boundaries[i]! <= boundaries[i - 1]!)) {
      throw new RangeError(
        `registerLatencyOpenTelemetry: histogramBoundariesSeconds must be positive and strictly ascending (index ${i}: ${boundaries[i]})`,
      );
    }
  }
  const steps = resolveClockStepCounter(monitor, options.clockSteps);

  const attributesByOperation = new WeakMap<Operation, OperationAttributes>();
  const attributesOf = (op: Operation): OperationAttributes => {
    let attrs = attributesByOperation.get(op);
    if (attrs === undefined) {
      attrs = {
        operation: Object.freeze({ operation: op.name }),
        quantiles: EXPORTED_WINDOW_QUANTILES.map((q) => Object.freeze({ operation: op.name, quantile: q.label })),
      };
      attributesByOperation.set(op, attrs);
    }
    return attrs;
  };

  const histogram = meter.createHistogram(names.latency, {
    description: 'Duration of each call (recorded in ns, exported in s).',
    unit: 's',
    advice: { explicitBucketBoundaries: [...boundaries] },
  });
  const removeSinks = monitor.addSink((op) => {
    const attrs = attributesOf(op).operation;
    return (latencyNs) => histogram.record(latencyNs / 1e9, attrs);
  });

  const windowQuantile = meter.createObservableGauge(names.windowQuantile, {
    description: 'Quantile of call duration over the live sliding window (5 s by default), read at collection; quantile 1 is the maximum, 0 when empty.',
    unit: 's',
  });
  const windowCount = meter.createObservableGauge(names.windowCount, {
    description: 'Number of calls recorded in the live sliding window.',
    unit: '{call}',
  });
  const windowWorstP99 = meter.createObservableGauge(names.windowWorstP99, {
    description: 'Worst p99 call duration over the live window and its history of closed windows (one minute by default).',
    unit: 's',
  });
  const clamped = meter.createObservableCounter(names.clamped, {
    description: 'Calls whose duration exceeded the highest trackable value (60 s by default) and were recorded as that value.',
    unit: '{call}',
  });
  const invalid = meter.createObservableCounter(names.invalid, {
    description: 'Durations dropped because they were NaN, negative or infinite.',
    unit: '{call}',
  });
  const observables: Observable[] = [windowQuantile, windowCount, windowWorstP99, clamped, invalid];

  const stepsCounter =
    steps === undefined
      ? undefined
      : meter.createObservableCounter(names.clockSteps, {
          description: 'Wall-clock steps detected (wall minus monotonic time jumped beyond the step bound).',
          unit: '{step}',
        });
  if (stepsCounter !== undefined) observables.push(stepsCounter);

  const collect: BatchObservableCallback = (result) => {
    for (const op of monitor.operations()) {
      const attrs = attributesOf(op);
      const w = op.window;
      const snap = w.snapshot(); // one merge per operation per collection
      for (let i = 0; i < EXPORTED_WINDOW_QUANTILES.length; i++) {
        result.observe(windowQuantile, snap[EXPORTED_WINDOW_QUANTILES[i]!.field] / 1e9, attrs.quantiles[i]);
      }
      result.observe(windowCount, snap.count, attrs.operation);
      result.observe(windowWorstP99, w.worstP99Ns() / 1e9, attrs.operation);
      result.observe(clamped, w.clampedTotal, attrs.operation);
      result.observe(invalid, w.invalidTotal, attrs.operation);
    }
    if (stepsCounter !== undefined && steps !== undefined) result.observe(stepsCounter, steps.stepsTotal);
  };
  meter.addBatchObservableCallback(collect, observables);

  let registered = true;
  return () => {
    if (!registered) return;
    registered = false;
    removeSinks();
    meter.removeBatchObservableCallback(collect, observables);
  };
}
