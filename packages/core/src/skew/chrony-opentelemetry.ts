import type { BatchObservableCallback, Meter, Observable } from '@opentelemetry/api';
import { CHRONY_GAUGES, chronyGaugeValues, CHRONY_METRICS } from './chrony-metric-values.js';
import { CHRONY_POLL_FAILURE_KINDS } from './chrony-skew-reasons.js';
import type { ChronySkewSource } from './chrony-skew-source.js';

/**
 * Publishes the chrony clock metrics through an OpenTelemetry `Meter` as
 * observable gauges (`tailguard.clock.*`, see {@link CHRONY_METRICS}) and an
 * observable counter `tailguard.clock.poll_failures` with a `reason` attribute. One batch callback reads one snapshot per collection. Without an
 * SDK the API's meter is a no-op and nothing is ever read. Returns a function
 * that removes the callback.
 */
export function registerChronyOpenTelemetry(source: ChronySkewSource, meter: Meter): () => void {
  const gauges = CHRONY_GAUGES.map(
    ([spec, key]) =>
      [meter.createObservableGauge(spec.otel, spec.unit === undefined ? { description: spec.help } : { description: spec.help, unit: spec.unit }), key] as const,
  );
  const failures = meter.createObservableCounter(CHRONY_METRICS.pollFailures.otel, {
    description: CHRONY_METRICS.pollFailures.help,
  });
  const reasonAttributes = CHRONY_POLL_FAILURE_KINDS.map((reason) => [reason, { reason }] as const);
  const callback: BatchObservableCallback = (result) => {
    const snapshot = source.snapshot();
    const values = chronyGaugeValues(snapshot);
    for (const [gauge, key] of gauges) {
      const v = values[key];
      if (v !== undefined) result.observe(gauge, v);
    }
    for (const [reason, attributes] of reasonAttributes) result.observe(failures, snapshot.pollFailures[reason], attributes);
  };
  const observables: Observable[] = [...gauges.map(([g]) => g), failures];
  meter.addBatchObservableCallback(callback, observables);
  return () => meter.removeBatchObservableCallback(callback, observables);
}
