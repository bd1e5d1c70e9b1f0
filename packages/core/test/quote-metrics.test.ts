import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import { AggregationTemporality, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import {
  ManualClock,
  QUOTE_GUARD_OPENTELEMETRY_INSTRUMENTS,
  QUOTE_GUARD_PROMETHEUS_METRICS,
  QuoteGuard,
  registerQuoteGuardOpenTelemetry,
  registerQuoteGuardPrometheus,
} from '@tailguard/core';
import { ScriptedRollout } from './support/quote-guard-conformance.js';

const T0_US = 1_750_000_000_000_000;

/** A small realistic session: fills, a stale hit, a replay, price moves both ways, an unconfigured instrument. */
function session(rollout = new ScriptedRollout('enforce')) {
  const clock = new ManualClock(1e9, T0_US);
  const guard = new QuoteGuard({ clock, autoTick: false, rollout, policy: { instruments: { XAUUSD: { maxAgeMs: 50 } } } });
  const q = (id: string, instrument: string, bid: number, ask: number) =>
    guard.recordQuote({ quoteId: id, instrument, bidPx: bid, askPx: ask, issuedEpochUs: clock.nowWallEpochUs });
  q('A', 'XAUUSD', 2_350, 2_350.4);
  clock.advanceMs(12);
  guard.check({ quoteId: 'A', clientId: 'c1', execId: 'e1', side: 'buy' });
  guard.check({ quoteId: 'A', clientId: 'c1', execId: 'e2', side: 'buy' }); // replay
  q('B', 'XAUUSD', 2_350, 2_350.4);
  clock.advanceMs(70);
  guard.check({ quoteId: 'B', clientId: 'c2', execId: 'e3', side: 'sell' }); // stale
  q('C', 'XAUUSD', 2_350, 2_350.4);
  q('D', 'XAUUSD', 2_356, 2_356.4); // +25 bps
  guard.check({ quoteId: 'C', clientId: 'c3', execId: 'e4', side: 'buy' }); // client-favourable
  q('E', 'XAUUSD', 2_356, 2_356.4);
  q('F', 'XAUUSD', 2_350, 2_350.4); // −25 bps
  guard.check({ quoteId: 'E', clientId: 'c3', execId: 'e5', side: 'buy' }); // dealer-favourable
  q('G', 'COPPER', 4.5, 4.51);
  guard.check({ quoteId: 'G', clientId: 'c4', execId: 'e6', side: 'sell' });
  guard.check({ quoteId: '', clientId: 'c4', execId: 'e7', side: 'sell' }); // invalid
  guard.recordQuote({ quoteId: 'H', instrument: 'XAUUSD', bidPx: 1, askPx: 2, issuedEpochUs: T0_US / 1_000 }); // epoch ms
  return { clock, guard };
}

/** Parses exposition text into name{labels} → value. */
function parse(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const i = line.lastIndexOf(' ');
    out.set(line.slice(0, i), Number(line.slice(i + 1)));
  }
  return out;
}

describe('quote guard metrics', () => {
  it('exposes every metric on the app registry with bounded labels, valid for promtool', async () => {
    const { guard } = session();
    const registry = new Registry();
    registerQuoteGuardPrometheus(guard, registry);
    const text = await registry.metrics();
    for (const name of Object.values(QUOTE_GUARD_PROMETHEUS_METRICS)) expect(text).toContain(`# TYPE ${name} `);
    const m = parse(text);
    expect(m.get('tailguard_quote_checks_total{instrument="XAUUSD",reason="OK",enforced="true"}')).toBe(1);
    expect(m.get('tailguard_quote_checks_total{instrument="XAUUSD",reason="QUOTE_REPLAYED",enforced="true"}')).toBe(1);
    expect(m.get('tailguard_quote_checks_total{instrument="XAUUSD",reason="QUOTE_STALE",enforced="true"}')).toBe(1);
    expect(m.get('tailguard_quote_checks_total{instrument="XAUUSD",reason="PRICE_MOVED",enforced="true"}')).toBe(2);
    expect(m.get('tailguard_quote_checks_total{instrument="other",reason="OK",enforced="true"}')).toBe(1);
    expect(m.get('tailguard_quote_checks_total{instrument="other",reason="INVALID_REQUEST",enforced="true"}')).toBe(1);
    expect(m.get('tailguard_price_check_rejects_total{instrument="XAUUSD",direction="client_favourable"}')).toBe(1);
    expect(m.get('tailguard_price_check_rejects_total{instrument="XAUUSD",direction="dealer_favourable"}')).toBe(1);
    expect(m.get('tailguard_quote_records_total{result="INVALID_QUOTE"}')).toBe(1);
    expect(m.get('tailguard_quote_records_total{result="OK"}')).toBe(7);
    // Ages: 12 ms, 12 ms (replay), 70 ms, 0, 0 for gold: the histogram and the window agree.
    expect(m.get('tailguard_quote_age_seconds_count{instrument="XAUUSD"}')).toBe(5);
    expect(m.get('tailguard_quote_age_seconds_bucket{instrument="XAUUSD",le="0.015"}')).toBe(4);
    expect(m.get('tailguard_quote_age_seconds_bucket{instrument="XAUUSD",le="0.075"}')).toBe(5);
    expect(m.get('tailguard_quote_age_window_seconds{instrument="XAUUSD",quantile="1"}')).toBeCloseTo(0.07, 3);
    expect(m.get('tailguard_quote_check_hold_seconds_count{instrument="XAUUSD"}')).toBe(5);
    expect(m.get('tailguard_quote_store_quotes')).toBe(7);
    expect(m.get('tailguard_replay_entries')).toBe(1); // A's mark (66 ms TTL) was purged when G was marked 70 ms later
    expect(m.get('tailguard_replay_evictions_total')).toBe(0);
    expect(m.get('tailguard_quote_store_evictions_total')).toBe(0);
    expect(text).not.toMatch(/c1|e1|clientId|quoteId/); // no client, quote or exec IDs as labels
    const promtool = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect(promtool.error).toBeUndefined();
    // promtool lints (exit 3) only for style hints; a parse error is exit 1.
    expect(promtool.status === 0 || promtool.status === 3, promtool.stdout + promtool.stderr).toBe(true);
    expect(promtool.stdout + promtool.stderr).not.toMatch(/error while linting|parse/i);
    expect(() => registerQuoteGuardPrometheus(guard, registry)).toThrow(/already registered/);
  });

  it('counts shadow would-rejects per reason', async () => {
    const { guard } = session(new ScriptedRollout('shadow'));
    const registry = new Registry();
    registerQuoteGuardPrometheus(guard, registry);
    const m = parse(await registry.metrics());
    expect(m.get('tailguard_quote_would_reject_total{instrument="XAUUSD",reason="QUOTE_STALE"}')).toBe(1);
    expect(m.get('tailguard_quote_would_reject_total{instrument="XAUUSD",reason="PRICE_MOVED"}')).toBe(2);
    expect(m.get('tailguard_quote_would_reject_total{instrument="XAUUSD",reason="QUOTE_REPLAYED"}')).toBe(1);
    expect(m.get('tailguard_quote_checks_total{instrument="XAUUSD",reason="QUOTE_STALE",enforced="false"}')).toBe(1);
    expect(m.get('tailguard_quote_checks_total{instrument="XAUUSD",reason="QUOTE_STALE",enforced="true"}')).toBe(0);
  });

  it('publishes the same words through an OpenTelemetry Meter', async () => {
    const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
    const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
    const provider = new MeterProvider({ readers: [reader] });
    const clock = new ManualClock(1e9, T0_US);
    const guard = new QuoteGuard({ clock, autoTick: false, policy: { instruments: { XAUUSD: {} } } });
    const stop = registerQuoteGuardOpenTelemetry(guard, provider.getMeter('test'));
    guard.recordQuote({ quoteId: 'A', instrument: 'XAUUSD', bidPx: 1, askPx: 1.0001, issuedEpochUs: T0_US });
    clock.advanceMs(60);
    guard.check({ quoteId: 'A', clientId: 'c', execId: 'e', side: 'buy' });
    const { resourceMetrics } = await reader.collect();
    const metrics = resourceMetrics.scopeMetrics.flatMap((s) => s.metrics);
    const byName = new Map(metrics.map((m) => [m.descriptor.name, m]));
    for (const name of Object.values(QUOTE_GUARD_OPENTELEMETRY_INSTRUMENTS)) expect(byName.has(name), name).toBe(true);
    const checks = byName.get('tailguard.quote.checks')!;
    const stale = checks.dataPoints.find((p) => p.attributes.reason === 'QUOTE_STALE' && p.attributes.enforced === 'true' && p.attributes.instrument === 'XAUUSD');
    expect(stale?.value).toBe(1);
    const age = byName.get('tailguard.quote.age')!;
    const point = age.dataPoints[0]!.value as { count: number; sum: number };
    expect(point.count).toBe(1);
    expect(point.sum).toBeCloseTo(0.06, 6);
    stop();
    await provider.shutdown();
  });
});
