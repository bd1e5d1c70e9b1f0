import type { Registry } from 'prom-client';
import { pushHistogramSamples, registerPromCollector, type PromSample } from '../export/prometheus-collector.js';
import { EXPORTED_WINDOW_QUANTILES } from '../export/window-quantiles.js';
import type { SlidingWindow } from '../window/sliding-window.js';
import { RECORD_QUOTE_REASONS } from './quote-check.js';
import type { QuoteGuard } from './quote-guard.js';
import { PRICE_MOVE_DIRECTIONS, QUOTE_REASONS } from './quote-reasons.js';

/** Names registered by {@link registerQuoteGuardPrometheus}, for dashboards and tests. */
export const QUOTE_GUARD_PROMETHEUS_METRICS = Object.freeze({
  checks: 'tailguard_quote_checks_total',
  wouldReject: 'tailguard_quote_would_reject_total',
  age: 'tailguard_quote_age_seconds',
  ageWindow: 'tailguard_quote_age_window_seconds',
  hold: 'tailguard_quote_check_hold_seconds',
  holdWindow: 'tailguard_quote_check_hold_window_seconds',
  priceRejects: 'tailguard_price_check_rejects_total',
  bypassed: 'tailguard_quote_checks_bypassed_total',
  records: 'tailguard_quote_records_total',
  storeQuotes: 'tailguard_quote_store_quotes',
  storeEvictions: 'tailguard_quote_store_evictions_total',
  replayEntries: 'tailguard_replay_entries',
  replayEvictions: 'tailguard_replay_evictions_total',
  replayRefused: 'tailguard_replay_refused_total',
  instrumentsUntracked: 'tailguard_quote_instruments_untracked_total',
} as const);

/** Reads an optional numeric counter a store or replay guard may expose (0 when it does not). */
function counterOf(target: object, field: string): number {
  const v = (target as Record<string, unknown>)[field];
  return typeof v === 'number' ? v : 0;
}

/**
 * Exposes a guard's counters and windows on the application's prom-client
 * `Registry`, read at scrape time (nothing on the hot path). Instrument labels
 * are the configured instruments plus `other`; client IDs never appear.
 *
 * - `tailguard_quote_checks_total{instrument,reason,enforced}`, every combination (zeros included);
 * - `tailguard_quote_would_reject_total{instrument,reason}`: failures not enforced (shadow, outside the rollout, fail-open);
 * - `tailguard_quote_age_seconds{instrument}` (cumulative histogram) and
 *   `tailguard_quote_age_window_seconds{instrument,quantile}` (live window 0.5/0.9/0.99/0.999/1);
 * - `tailguard_quote_check_hold_seconds{instrument}` and `tailguard_quote_check_hold_window_seconds{instrument,quantile}`: guard latency;
 * - `tailguard_price_check_rejects_total{instrument,direction}`: PRICE_MOVED by client_favourable / dealer_favourable, shadow included;
 * - `tailguard_quote_checks_bypassed_total` (rollout off), `tailguard_quote_records_total{result}`,
 *   `tailguard_quote_store_quotes`, `tailguard_quote_store_evictions_total`, `tailguard_replay_entries`,
 *   `tailguard_replay_evictions_total`, `tailguard_replay_refused_total`, `tailguard_quote_instruments_untracked_total`.
 *   With replay marks embedded in the default store (see QuoteGuard), `tailguard_replay_entries` is the live marks
 *   (a walk over the held quotes at scrape time) and the replay eviction/refusal counters stay 0.
 *
 * Throws when one of these names is already registered on `registry`.
 */
export function registerQuoteGuardPrometheus(guard: QuoteGuard, registry: Registry): void {
  const names = QUOTE_GUARD_PROMETHEUS_METRICS;
  for (const name of Object.values(names)) {
    if (registry.getSingleMetric(name) !== undefined) {
      throw new Error(`registerQuoteGuardPrometheus: ${name} is already registered on this Registry; register each guard once per registry`);
    }
  }
  const c = guard.counters;
  const instruments = c.instrumentLabels;
  // Label objects built once and reused by every scrape.
  const checkLabels = instruments.map((instrument) =>
    QUOTE_REASONS.map((reason) => [false, true].map((enforced) => ({ instrument, reason, enforced: String(enforced) }))),
  );
  const reasonLabels = instruments.map((instrument) => QUOTE_REASONS.map((reason) => ({ instrument, reason })));
  const directionLabels = instruments.map((instrument) => PRICE_MOVE_DIRECTIONS.map((direction) => ({ instrument, direction })));
  const instrumentLabels = instruments.map((instrument) => ({ instrument }));
  const quantileLabels = instruments.map((instrument) => EXPORTED_WINDOW_QUANTILES.map((q) => ({ instrument, quantile: q.label })));
  const recordLabels = RECORD_QUOTE_REASONS.map((result) => ({ result }));

  registerPromCollector(registry, {
    name: names.checks,
    help: 'Quote checks by instrument, reason (OK or the reject reason) and whether the rollout enforced them.',
    type: 'counter',
    collect() {
      const out: PromSample[] = [];
      for (let s = 0; s < instruments.length; s++) {
        for (let r = 0; r < QUOTE_REASONS.length; r++) {
          out.push({ labels: checkLabels[s]![r]![0], value: c.checksTotal(s, r, false) });
          out.push({ labels: checkLabels[s]![r]![1], value: c.checksTotal(s, r, true) });
        }
      }
      return out;
    },
  });
  registerPromCollector(registry, {
    name: names.wouldReject,
    help: 'Failed quote checks that were not enforced (shadow mode, a client outside the rollout, or a fail-open store policy), by reason.',
    type: 'counter',
    collect() {
      const out: PromSample[] = [];
      for (let s = 0; s < instruments.length; s++) {
        for (let r = 1; r < QUOTE_REASONS.length; r++) out.push({ labels: reasonLabels[s]![r], value: c.wouldRejectTotal(s, r) });
      }
      return out;
    },
  });
  const windowCollectors = (histName: string, windowName: string, windows: readonly SlidingWindow[], what: string): void => {
    registerPromCollector(registry, {
      name: histName,
      help: `${what} in seconds, cumulative since the guard started (recorded in ns, exported in s).`,
      type: 'histogram',
      collect() {
        const out: PromSample[] = [];
        for (let s = 0; s < instruments.length; s++) pushHistogramSamples(out, histName, instrumentLabels[s]!, windows[s]!.cumulative());
        return out;
      },
    });
    registerPromCollector(registry, {
      name: windowName,
      help: `Quantile of ${what.toLowerCase()} in seconds over the live sliding window, read at scrape time; quantile 1 is the maximum, 0 when empty.`,
      type: 'gauge',
      collect() {
        const out: PromSample[] = [];
        for (let s = 0; s < instruments.length; s++) {
          const snap = windows[s]!.snapshot();
          for (let i = 0; i < EXPORTED_WINDOW_QUANTILES.length; i++) {
            out.push({ labels: quantileLabels[s]![i], value: snap[EXPORTED_WINDOW_QUANTILES[i]!.field] / 1e9 });
          }
        }
        return out;
      },
    });
  };
  windowCollectors(names.age, names.ageWindow, c.ageWindows, 'Quote age at execution request');
  windowCollectors(names.hold, names.holdWindow, c.holdWindows, 'Time spent inside the quote guard per check (last-look hold time)');
  registerPromCollector(registry, {
    name: names.priceRejects,
    help: 'PRICE_MOVED outcomes (enforced or not) by the direction of the move relative to the client: a symmetric check rejects both directions alike.',
    type: 'counter',
    collect() {
      const out: PromSample[] = [];
      for (let s = 0; s < instruments.length; s++) {
        for (let d = 0; d < PRICE_MOVE_DIRECTIONS.length; d++) out.push({ labels: directionLabels[s]![d], value: c.priceRejectsTotal(s, d) });
      }
      return out;
    },
  });
  const single = (name: string, help: string, type: 'counter' | 'gauge', read: () => number): void =>
    registerPromCollector(registry, { name, help, type, collect: () => [{ value: read() }] });
  single(names.bypassed, 'Quote checks passed through unevaluated because the rollout mode was off.', 'counter', () => c.bypassedTotal);
  registerPromCollector(registry, {
    name: names.records,
    help: 'Quotes recorded, by result (OK, INVALID_QUOTE, DUPLICATE_QUOTE_ID, GUARD_UNAVAILABLE).',
    type: 'counter',
    collect: () => recordLabels.map((labels, i) => ({ labels, value: c.records[i]! })),
  });
  single(names.storeQuotes, 'Quotes held by the quote store.', 'gauge', () => guard.store.size());
  single(
    names.storeEvictions,
    'Quotes evicted before their TTL because the store was full (a later execution gets QUOTE_UNKNOWN): raise quotesMax.',
    'counter',
    () => counterOf(guard.store, 'evictionsTotal'),
  );
  single(
    names.replayEntries,
    'Replay marks held: live marks when they are embedded in the default store (counted at scrape time), else the replay guard entries.',
    'gauge',
    () => guard.replay.size(),
  );
  single(
    names.replayEvictions,
    'Replay entries evicted before their TTL because the replay guard was full: a quote still within its max age could be executed twice. Raise replayMax. Always 0 when marks are embedded in the store.',
    'counter',
    () => counterOf(guard.replay, 'evictionsTotal'),
  );
  single(
    names.replayRefused,
    'Replay marks refused because the replay guard was full under the refuse policy (answered GUARD_UNAVAILABLE).',
    'counter',
    () => counterOf(guard.replay, 'refusedTotal'),
  );
  single(
    names.instrumentsUntracked,
    'Quotes or mids of instruments beyond instrumentsTrackedMax (no reference mid, so no price check for them).',
    'counter',
    () => c.instrumentsUntrackedTotal,
  );
}
