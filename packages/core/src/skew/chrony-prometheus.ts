import type { Registry } from 'prom-client';
import { registerPromCollector, type PromSample } from '../export/prometheus-collector.js';
import { CHRONY_GAUGES, chronyGaugeValues, CHRONY_METRICS } from './chrony-metric-values.js';
import { CHRONY_POLL_FAILURE_KINDS } from './chrony-skew-reasons.js';
import type { ChronySkewSource } from './chrony-skew-source.js';

/**
 * Registers the `tailguard_clock_*` metrics of a chrony source on the
 * application's prom-client `Registry` (see {@link CHRONY_METRICS}). Values
 * are read from the source's snapshot at scrape time; nothing runs between
 * scrapes. Throws when the names are already registered on that registry.
 */
export function registerChronyPrometheus(source: ChronySkewSource, registry: Registry): void {
  for (const [spec, key] of CHRONY_GAUGES) {
    registerPromCollector(registry, {
      name: spec.prom,
      help: spec.help,
      type: 'gauge',
      collect: (): PromSample[] => {
        const v = chronyGaugeValues(source.snapshot())[key];
        return v === undefined ? [] : [{ value: v }];
      },
    });
  }
  registerPromCollector(registry, {
    name: CHRONY_METRICS.pollFailures.prom,
    help: CHRONY_METRICS.pollFailures.help,
    type: 'counter',
    collect: () => {
      const failures = source.snapshot().pollFailures;
      return CHRONY_POLL_FAILURE_KINDS.map((reason) => ({ labels: { reason }, value: failures[reason] }));
    },
  });
}
