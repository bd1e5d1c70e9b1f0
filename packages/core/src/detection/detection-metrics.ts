import type { Meter, Observable, ObservableCallback, ObservableResult } from '@opentelemetry/api';
import type { Registry } from 'prom-client';
import { registerPromCollector } from '../export/prometheus-collector.js';
import type { ArbitrageDetector } from './arbitrage-detector.js';
import { DETECTION_RULES } from './detection-rules.js';

/** Metric names of the detector; the same words in Prometheus and OpenTelemetry. No client IDs in any label. */
export const DETECTION_METRIC_NAMES = Object.freeze({
  flaggedClients: 'tailguard_flagged_clients',
  watchedClients: 'tailguard_detection_watched_clients',
  flagsTotal: 'tailguard_detection_flags_total',
  clientsEvictedTotal: 'tailguard_detection_clients_evicted_total',
  pendingMarkoutsOverflowTotal: 'tailguard_detection_pending_markouts_overflow_total',
  reviewListDroppedTotal: 'tailguard_detection_review_list_dropped_total',
  invalidInputsTotal: 'tailguard_detection_invalid_inputs_total',
} as const);

/**
 * Registers the detector's metrics on the application's prom-client registry.
 * Values are read at scrape time; the only label is `rule` (closed set) on the
 * flags counter and `input` (`fill` | `mid`) on the invalid-input counter.
 */
export function registerDetectionPromMetrics(registry: Registry, detector: ArbitrageDetector): void {
  const n = DETECTION_METRIC_NAMES;
  registerPromCollector(registry, {
    name: n.flaggedClients,
    help: 'Clients on the arbitrage review list (open flags; never a ban)',
    type: 'gauge',
    collect: () => [{ value: detector.flaggedCount() }],
  });
  registerPromCollector(registry, {
    name: n.watchedClients,
    help: 'Clients on watch by the execution-interval pre-filter (closer markout scrutiny, not flagged)',
    type: 'gauge',
    collect: () => [{ value: detector.watchedCount() }],
  });
  registerPromCollector(registry, {
    name: n.flagsTotal,
    help: 'Arbitrage flags raised, by rule',
    type: 'counter',
    collect: () => {
      const byRule = detector.counters().flagsTotalByRule;
      return DETECTION_RULES.map((rule) => ({ labels: { rule }, value: byRule[rule] }));
    },
  });
  registerPromCollector(registry, {
    name: n.clientsEvictedTotal,
    help: 'Client detection states evicted to stay within clientsMax',
    type: 'counter',
    collect: () => [{ value: detector.counters().clientsEvictedTotal }],
  });
  registerPromCollector(registry, {
    name: n.pendingMarkoutsOverflowTotal,
    help: 'Markouts dropped because a horizon pending queue was full (pendingMarkoutsMax)',
    type: 'counter',
    collect: () => [{ value: detector.counters().pendingMarkoutsOverflowTotal }],
  });
  registerPromCollector(registry, {
    name: n.reviewListDroppedTotal,
    help: 'Flags not listed because the review list was full (reviewListMax)',
    type: 'counter',
    collect: () => [{ value: detector.counters().reviewListDroppedTotal }],
  });
  registerPromCollector(registry, {
    name: n.invalidInputsTotal,
    help: 'Malformed fills and mids fed to the detector, skipped',
    type: 'counter',
    collect: () => {
      const c = detector.counters();
      return [
        { labels: { input: 'fill' }, value: c.invalidFillsTotal },
        { labels: { input: 'mid' }, value: c.invalidMidsTotal },
      ];
    },
  });
}

/**
 * Registers the same metrics as observable instruments on an OpenTelemetry
 * `Meter` (no-op without an SDK). Returns a function that removes the callbacks.
 */
export function registerDetectionOtelMetrics(meter: Meter, detector: ArbitrageDetector): () => void {
  const n = DETECTION_METRIC_NAMES;
  const flagged = meter.createObservableGauge(n.flaggedClients, { description: 'Clients on the arbitrage review list' });
  const watched = meter.createObservableGauge(n.watchedClients, { description: 'Clients on watch by the pre-filter' });
  const flags = meter.createObservableCounter(n.flagsTotal, { description: 'Arbitrage flags raised, by rule' });
  const evicted = meter.createObservableCounter(n.clientsEvictedTotal, { description: 'Client detection states evicted' });
  const overflow = meter.createObservableCounter(n.pendingMarkoutsOverflowTotal, {
    description: 'Markouts dropped because a pending queue was full',
  });
  const dropped = meter.createObservableCounter(n.reviewListDroppedTotal, {
    description: 'Flags not listed because the review list was full',
  });
  const invalid = meter.createObservableCounter(n.invalidInputsTotal, { description: 'Malformed fills and mids, skipped' });
  const callbacks: [Observable, ObservableCallback][] = [
    [flagged, (r: ObservableResult) => r.observe(detector.flaggedCount())],
    [watched, (r: ObservableResult) => r.observe(detector.watchedCount())],
    [
      flags,
      (r: ObservableResult) => {
        const byRule = detector.counters().flagsTotalByRule;
        for (const rule of DETECTION_RULES) r.observe(byRule[rule], { rule });
      },
    ],
    [evicted, (r: ObservableResult) => r.observe(detector.counters().clientsEvictedTotal)],
    [overflow, (r: ObservableResult) => r.observe(detector.counters().pendingMarkoutsOverflowTotal)],
    [dropped, (r: ObservableResult) => r.observe(detector.counters().reviewListDroppedTotal)],
    [
      invalid,
      (r: ObservableResult) => {
        const c = detector.counters();
        r.observe(c.invalidFillsTotal, { input: 'fill' });
        r.observe(c.invalidMidsTotal, { input: 'mid' });
      },
    ],
  ];
  for (const [instrument, cb] of callbacks) instrument.addCallback(cb);
  return () => {
    for (const [instrument, cb] of callbacks) instrument.removeCallback(cb);
  };
}
