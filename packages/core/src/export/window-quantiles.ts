import type { WindowSnapshot } from '../window/sliding-window.js';

/**
 * The live-window quantiles every exporter publishes, as label values and the
 * {@link WindowSnapshot} field that holds each. Quantile "1" is the window max.
 * Prometheus and OpenTelemetry use the same label values so one dashboard
 * query works against either.
 */
export const EXPORTED_WINDOW_QUANTILES = Object.freeze([
  { label: '0.5', field: 'p50Ns' },
  { label: '0.9', field: 'p90Ns' },
  { label: '0.99', field: 'p99Ns' },
  { label: '0.999', field: 'p999Ns' },
  { label: '1', field: 'maxNs' },
] as const satisfies readonly { label: string; field: keyof WindowSnapshot }[]);
