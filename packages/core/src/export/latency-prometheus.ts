import type { Registry } from 'prom-client';
import type { LatencyMonitor } from '../monitor/monitor.js';
import type { Operation } from '../monitor/operation.js';
import { resolveClockStepCounter, type ClockStepCounter } from './clock-step-counter.js';
import { pushHistogramSamples, registerPromCollector, type PromSample } from './prometheus-collector.js';
import { EXPORTED_WINDOW_QUANTILES } from './window-quantiles.js';

/** Options for {@link registerLatencyPrometheus}. */
export interface LatencyPrometheusOptions {
  /**
   * Source of `tailguard_clock_steps_total` when the monitor's clock does not
   * count steps itself (for example a {@link WallStepDetector} the app feeds).
   * Takes precedence over the clock. With neither, that metric is not registered.
   */
  clockSteps?: ClockStepCounter;
}

/** Names registered by {@link registerLatencyPrometheus}, for dashboards and tests. */
export const LATENCY_PROMETHEUS_METRICS = Object.freeze({
  latency: 'tailguard_latency_seconds',
  windowQuantile: 'tailguard_latency_window_seconds',
  windowCount: 'tailguard_latency_window_samples',
  windowWorstP99: 'tailguard_latency_window_worst_p99_seconds',
  clamped: 'tailguard_latency_clamped_total',
  invalid: 'tailguard_latency_invalid_total',
  clockSteps: 'tailguard_clock_steps_total',
} as const);

/** Label objects built once per operation, reused by every scrape. */
interface OperationLabels {
  operation: { operation: string };
  quantiles: { operation: string; quantile: string }[];
}

/**
 * Exposes a monitor's operations on the application's prom-client `Registry`
 * (never the global default). Every value is read in `collect()` at scrape time,
 * in seconds; nothing is added to the hot path. Operations created after this
 * call appear at the next scrape.
 *
 * Registers:
 * - `tailguard_latency_seconds{operation}`: cumulative histogram since start.
 * - `tailguard_latency_window_seconds{operation,quantile}`: live-window quantiles
 *   0.5, 0.9, 0.99, 0.999 and 1 (max), from one window snapshot per operation per scrape.
 * - `tailguard_latency_window_samples{operation}`: samples in the live window.
 * - `tailguard_latency_window_worst_p99_seconds{operation}`: worst p99 over the window history.
 * - `tailguard_latency_clamped_total{operation}`, `tailguard_latency_invalid_total{operation}`.
 * - `tailguard_clock_steps_total`: when the monitor's clock (or `options.clockSteps`) counts steps.
 *
 * Throws when one of these names is already registered on `registry`
 * (register each monitor once per registry).
 */
export function registerLatencyPrometheus(
  monitor: LatencyMonitor,
  registry: Registry,
  options: LatencyPrometheusOptions = {},
): void {
  const names = LATENCY_PROMETHEUS_METRICS;
  for (const name of Object.values(names)) {
    if (registry.getSingleMetric(name) !== undefined) {
      throw new Error(`registerLatencyPrometheus: ${name} is already registered on this Registry; register each monitor once per registry`);
    }
  }
  const steps = resolveClockStepCounter(monitor, options.clockSteps);
  const windowText = describeWindow(monitor);

  const labelsByOperation = new WeakMap<Operation, OperationLabels>();
  const labelsOf = (op: Operation): OperationLabels => {
    let labels = labelsByOperation.get(op);
    if (labels === undefined) {
      labels = {
        operation: { operation: op.name },
        quantiles: EXPORTED_WINDOW_QUANTILES.map((q) => ({ operation: op.name, quantile: q.label })),
      };
      labelsByOperation.set(op, labels);
    }
    return labels;
  };
  /** One sample per operation, from a per-operation reading. */
  const perOperation = (read: (op: Operation) => number) => (): PromSample[] => {
    const out: PromSample[] = [];
    for (const op of monitor.operations()) out.push({ labels: labelsOf(op).operation, value: read(op) });
    return out;
  };

  registerPromCollector(registry, {
    name: names.latency,
    help: 'Duration of each call in seconds, cumulative since the process started (recorded in ns, exported in s).',
    type: 'histogram',
    collect() {
      const out: PromSample[] = [];
      for (const op of monitor.operations()) {
        pushHistogramSamples(out, names.latency, labelsOf(op).operation, op.window.cumulative());
      }
      return out;
    },
  });
  registerPromCollector(registry, {
    name: names.windowQuantile,
    help: `Quantile of call duration in seconds over the live ${windowText}, read at scrape time; quantile 1 is the maximum. 0 when the window is empty.`,
    type: 'gauge',
    collect() {
      const out: PromSample[] = [];
      for (const op of monitor.operations()) {
        const snap = op.window.snapshot(); // one merge per operation per scrape
        const labels = labelsOf(op).quantiles;
        for (let i = 0; i < EXPORTED_WINDOW_QUANTILES.length; i++) {
          out.push({ labels: labels[i], value: snap[EXPORTED_WINDOW_QUANTILES[i]!.field] / 1e9 });
        }
      }
      return out;
    },
  });
  // Registry.metrics() runs every collect() synchronously in one turn, so the
  // window merged above is still clean here: count() and worstP99Ns() re-merge nothing.
  registerPromCollector(registry, {
    name: names.windowCount,
    help: `Number of calls recorded in the live ${windowText}.`,
    type: 'gauge',
    collect: perOperation((op) => op.window.count()),
  });
  registerPromCollector(registry, {
    name: names.windowWorstP99,
    help: `Worst p99 call duration in seconds over the live ${windowText} and its history of closed windows (12 windows, one minute, by default), so a spike between two scrapes still shows.`,
    type: 'gauge',
    collect: perOperation((op) => op.window.worstP99Ns() / 1e9),
  });
  registerPromCollector(registry, {
    name: names.clamped,
    help: 'Calls whose duration exceeded the highest trackable value (60 s by default) and were recorded as that value.',
    type: 'counter',
    collect: perOperation((op) => op.window.clampedTotal),
  });
  registerPromCollector(registry, {
    name: names.invalid,
    help: 'Durations dropped because they were NaN, negative or infinite.',
    type: 'counter',
    collect: perOperation((op) => op.window.invalidTotal),
  });
  if (steps !== undefined) {
    registerPromCollector(registry, {
      name: names.clockSteps,
      help: 'Wall-clock steps detected (a jump of wall minus monotonic time beyond the step bound, e.g. chrony makestep); timestamps around a step are suspect.',
      type: 'counter',
      collect: () => [{ value: steps.stepsTotal }],
    });
  }
}

/** "sliding window (5 s, sliding by 1 s)" from the first operation, or the defaults. */
function describeWindow(monitor: LatencyMonitor): string {
  const first = monitor.operations().next();
  if (first.done === true) return 'sliding window (5 s sliding by 1 s unless the monitor is configured otherwise)';
  const w = first.value.window;
  return `sliding window (${w.windowMs / 1_000} s sliding by ${w.sliceNs / 1e9} s)`;
}
