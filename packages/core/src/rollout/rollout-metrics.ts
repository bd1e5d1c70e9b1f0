import type { BatchObservableCallback, Meter, Observable } from '@opentelemetry/api';
import type { Registry } from 'prom-client';
import { registerPromCollector } from '../export/prometheus-collector.js';
import { ROLLOUT_MODES } from './rollout-decider.js';
import type { Rollout } from './rollout.js';

/** Where {@link registerRolloutMetrics} publishes: the application's registry and/or meter. */
export interface RolloutMetricsTargets {
  /** The application's prom-client Registry (never the global default). */
  registry?: Registry;
  /** The application's OpenTelemetry Meter (no-op without an SDK). */
  meter?: Meter;
}

interface RolloutMetricDef {
  /** Prometheus name; the OpenTelemetry name is the same words with dots. */
  name: string;
  help: string;
  type: 'gauge' | 'counter';
  /** One value per mode label, or a single unlabelled value. */
  read(rollout: Rollout): number | ReadonlyMap<string, number>;
}

function modeValues(rollout: Rollout): ReadonlyMap<string, number> {
  const current = rollout.mode();
  return new Map(ROLLOUT_MODES.map((m) => [m, m === current ? 1 : 0]));
}

const METRICS: readonly RolloutMetricDef[] = [
  {
    name: 'tailguard_rollout_basis_points',
    help: 'Configured share of clients enforced in enforce mode, basis points 0..10000 (enforcement is 0 unless tailguard_rollout_mode{mode="enforce"} is 1)',
    type: 'gauge',
    read: (r) => r.enforceBasisPoints(),
  },
  { name: 'tailguard_rollout_mode', help: 'Rollout mode: 1 for the current mode label, 0 for the others', type: 'gauge', read: modeValues },
  { name: 'tailguard_rollout_allow_list_clients', help: 'Clients on the allow list (always enforced in enforce mode)', type: 'gauge', read: (r) => r.config().allowClientIds.length },
  { name: 'tailguard_rollout_deny_list_clients', help: 'Clients on the deny list (never enforced)', type: 'gauge', read: (r) => r.config().denyClientIds.length },
  { name: 'tailguard_rollout_config_updates_total', help: 'Live rollout configuration changes applied', type: 'counter', read: (r) => r.updatesTotal },
  {
    name: 'tailguard_rollout_bucket_cache_evictions_total',
    help: 'Client buckets evicted from the bounded rollout cache (bucketCacheMax reached)',
    type: 'counter',
    read: (r) => r.bucketCacheEvictionsTotal,
  },
];

/**
 * Publishes a rollout's state: `tailguard_rollout_basis_points`,
 * `tailguard_rollout_mode{mode}` (1 for the current mode), allow/deny list
 * sizes, live config updates and bucket-cache evictions. Prometheus values are
 * read at scrape time through {@link registerPromCollector}; OpenTelemetry gets
 * observable instruments named with dots (`tailguard.rollout.basis_points`).
 * Nothing is added to the hot path. Returns a function that removes the
 * OpenTelemetry callback (Prometheus metrics stay registered, as with any collector).
 */
export function registerRolloutMetrics(rollout: Rollout, targets: RolloutMetricsTargets): () => void {
  const { registry, meter } = targets;
  if (registry !== undefined) {
    for (const def of METRICS) {
      registerPromCollector(registry, {
        name: def.name,
        help: def.help,
        type: def.type,
        collect: () => {
          const v = def.read(rollout);
          return typeof v === 'number' ? [{ value: v }] : [...v].map(([mode, value]) => ({ labels: { mode }, value }));
        },
      });
    }
  }
  if (meter === undefined) return () => {};
  const observables: Observable[] = METRICS.map((def) => {
    const name = def.name.replace(/^tailguard_rollout_/, 'tailguard.rollout.');
    const opts = { description: def.help };
    return def.type === 'gauge' ? meter.createObservableGauge(name, opts) : meter.createObservableCounter(name, opts);
  });
  const callback: BatchObservableCallback = (result) => {
    for (let i = 0; i < METRICS.length; i++) {
      const v = METRICS[i]!.read(rollout);
      if (typeof v === 'number') result.observe(observables[i]!, v);
      else for (const [mode, value] of v) result.observe(observables[i]!, value, { mode });
    }
  };
  meter.addBatchObservableCallback(callback, observables);
  return () => meter.removeBatchObservableCallback(callback, observables);
}
