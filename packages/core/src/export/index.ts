export {
  pushHistogramSamples,
  registerPromCollector,
  type PromCollectorSpec,
  type PromMetricType,
  type PromSample,
} from './prometheus-collector.js';
export { EXPORTED_WINDOW_QUANTILES } from './window-quantiles.js';
export type { ClockStepCounter } from './clock-step-counter.js';
export {
  LATENCY_PROMETHEUS_METRICS,
  registerLatencyPrometheus,
  type LatencyPrometheusOptions,
} from './latency-prometheus.js';
export {
  LATENCY_OPENTELEMETRY_INSTRUMENTS,
  registerLatencyOpenTelemetry,
  type LatencyOpenTelemetryOptions,
} from './latency-opentelemetry.js';
