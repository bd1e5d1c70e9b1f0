import type { Attributes, BatchObservableCallback, Meter } from '@opentelemetry/api';
import { EXPORTED_WINDOW_QUANTILES } from '../export/window-quantiles.js';
import { DEFAULT_LATENCY_BOUNDS_NS } from '../window/latency-buckets.js';
import { QUOTE_AGE_BOUNDS_NS } from './quote-guard-counters.js';
import type { QuoteGuard } from './quote-guard.js';
import { PRICE_MOVE_DIRECTIONS, QUOTE_REASONS } from './quote-reasons.js';

/** Instrument names created by {@link registerQuoteGuardOpenTelemetry}: the Prometheus words, dotted. */
export const QUOTE_GUARD_OPENTELEMETRY_INSTRUMENTS = Object.freeze({
  checks: 'tailguard.quote.checks',
  wouldReject: 'tailguard.quote.would_reject',
  age: 'tailguard.quote.age',
  ageWindow: 'tailguard.quote.age.window',
  hold: 'tailguard.quote.check.hold',
  holdWindow: 'tailguard.quote.check.hold.window',
  priceRejects: 'tailguard.price_check.rejects',
  bypassed: 'tailguard.quote.checks.bypassed',
  storeEvictions: 'tailguard.quote_store.evictions',
  replayEvictions: 'tailguard.replay.evictions',
} as const);

function counterOf(target: object, field: string): number {
  const v = (target as Record<string, unknown>)[field];
  return typeof v === 'number' ? v : 0;
}

/**
 * Publishes a guard's metrics through an OpenTelemetry `Meter` (no-op until the
 * app registers an SDK). Counters and window quantiles are observed at
 * collection; `tailguard.quote.age` and `tailguard.quote.check.hold` are
 * histograms (s) fed per check by a sample sink with attributes built once.
 * Attributes: `instrument` (configured plus `other`), `reason`, `enforced`
 * ("true"/"false"), `direction`, `quantile`. Returns a function that detaches
 * the sink and the callbacks.
 */
export function registerQuoteGuardOpenTelemetry(guard: QuoteGuard, meter: Meter): () => void {
  const names = QUOTE_GUARD_OPENTELEMETRY_INSTRUMENTS;
  const c = guard.counters;
  const instruments = c.instrumentLabels;
  const instrumentAttrs: Attributes[] = instruments.map((instrument) => Object.freeze({ instrument }));
  const checkAttrs = instruments.map((instrument) =>
    QUOTE_REASONS.map((reason) => [false, true].map((enforced) => Object.freeze({ instrument, reason, enforced: String(enforced) }))),
  );
  const reasonAttrs = instruments.map((instrument) => QUOTE_REASONS.map((reason) => Object.freeze({ instrument, reason })));
  const directionAttrs = instruments.map((instrument) => PRICE_MOVE_DIRECTIONS.map((direction) => Object.freeze({ instrument, direction })));
  const quantileAttrs = instruments.map((instrument) => EXPORTED_WINDOW_QUANTILES.map((q) => Object.freeze({ instrument, quantile: q.label })));

  const age = meter.createHistogram(names.age, {
    description: 'Quote age at execution request (recorded in ns, exported in s).',
    unit: 's',
    advice: { explicitBucketBoundaries: QUOTE_AGE_BOUNDS_NS.map((ns) => ns / 1e9) },
  });
  const hold = meter.createHistogram(names.hold, {
    description: 'Time spent inside the quote guard per check (last-look hold time).',
    unit: 's',
    advice: { explicitBucketBoundaries: DEFAULT_LATENCY_BOUNDS_NS.map((ns) => ns / 1e9) },
  });
  guard.setSampleSink((slot, ageNs, holdNs) => {
    const attrs = instrumentAttrs[slot];
    if (ageNs >= 0) age.record(ageNs / 1e9, attrs);
    hold.record(holdNs / 1e9, attrs);
  });

  const checks = meter.createObservableCounter(names.checks, { description: 'Quote checks by instrument, reason and enforcement.', unit: '{check}' });
  const wouldReject = meter.createObservableCounter(names.wouldReject, {
    description: 'Failed quote checks not enforced (shadow, outside the rollout, fail-open), by reason.',
    unit: '{check}',
  });
  const ageWindow = meter.createObservableGauge(names.ageWindow, { description: 'Quote age quantiles over the live window; quantile 1 is the maximum.', unit: 's' });
  const holdWindow = meter.createObservableGauge(names.holdWindow, { description: 'Guard hold-time quantiles over the live window.', unit: 's' });
  const priceRejects = meter.createObservableCounter(names.priceRejects, {
    description: 'PRICE_MOVED outcomes by direction relative to the client (client_favourable / dealer_favourable).',
    unit: '{check}',
  });
  const bypassed = meter.createObservableCounter(names.bypassed, { description: 'Checks passed through because rollout was off.', unit: '{check}' });
  const storeEvictions = meter.createObservableCounter(names.storeEvictions, { description: 'Quotes evicted before their TTL (store full).', unit: '{quote}' });
  const replayEvictions = meter.createObservableCounter(names.replayEvictions, { description: 'Replay entries evicted before their TTL (guard full).', unit: '{entry}' });
  const observables = [checks, wouldReject, ageWindow, holdWindow, priceRejects, bypassed, storeEvictions, replayEvictions];

  const collect: BatchObservableCallback = (result) => {
    for (let s = 0; s < instruments.length; s++) {
      for (let r = 0; r < QUOTE_REASONS.length; r++) {
        result.observe(checks, c.checksTotal(s, r, false), checkAttrs[s]![r]![0]);
        result.observe(checks, c.checksTotal(s, r, true), checkAttrs[s]![r]![1]);
        if (r > 0) result.observe(wouldReject, c.wouldRejectTotal(s, r), reasonAttrs[s]![r]);
      }
      for (let d = 0; d < PRICE_MOVE_DIRECTIONS.length; d++) result.observe(priceRejects, c.priceRejectsTotal(s, d), directionAttrs[s]![d]);
      const ageSnap = c.ageWindows[s]!.snapshot();
      const holdSnap = c.holdWindows[s]!.snapshot();
      for (let i = 0; i < EXPORTED_WINDOW_QUANTILES.length; i++) {
        const field = EXPORTED_WINDOW_QUANTILES[i]!.field;
        result.observe(ageWindow, ageSnap[field] / 1e9, quantileAttrs[s]![i]);
        result.observe(holdWindow, holdSnap[field] / 1e9, quantileAttrs[s]![i]);
      }
    }
    result.observe(bypassed, c.bypassedTotal);
    result.observe(storeEvictions, counterOf(guard.store, 'evictionsTotal'));
    result.observe(replayEvictions, counterOf(guard.replay, 'evictionsTotal'));
  };
  meter.addBatchObservableCallback(collect, observables);

  let registered = true;
  return () => {
    if (!registered) return;
    registered = false;
    guard.setSampleSink(undefined);
    meter.removeBatchObservableCallback(collect, observables);
  };
}
