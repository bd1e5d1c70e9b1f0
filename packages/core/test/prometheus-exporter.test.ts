import { afterEach, describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import {
  DEFAULT_LATENCY_BOUNDS_NS,
  LatencyMonitor,
  ManualClock,
  registerLatencyPrometheus,
  SystemClock,
  WallStepDetector,
} from '@tailguard/core';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

interface Exposition {
  help: Map<string, string[]>;
  type: Map<string, string[]>;
  samples: Sample[];
}

/** Parses Prometheus text exposition format 0.0.4 (what prom-client's Registry renders). */
function parseExposition(text: string): Exposition {
  const help = new Map<string, string[]>();
  const type = new Map<string, string[]>();
  const samples: Sample[] = [];
  const push = (m: Map<string, string[]>, k: string, v: string) => m.set(k, [...(m.get(k) ?? []), v]);
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const meta = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/.exec(line);
    if (meta) {
      push(meta[1] === 'HELP' ? help : type, meta[2]!, meta[3]!);
      continue;
    }
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`unparseable exposition line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    const raw = m[3]!;
    samples.push({ name: m[1]!, labels, value: raw === '+Inf' ? Infinity : Number(raw) });
  }
  return { help, type, samples };
}

function series(e: Exposition, name: string, labels: Record<string, string> = {}): Sample[] {
  return e.samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
}

function only(e: Exposition, name: string, labels: Record<string, string> = {}): number {
  const found = series(e, name, labels);
  expect(found, `${name} ${JSON.stringify(labels)}`).toHaveLength(1);
  return found[0]!.value;
}

const QUANTILES = ['0.5', '0.9', '0.99', '0.999', '1'] as const;

const monitors: LatencyMonitor[] = [];
function manualMonitor(): { monitor: LatencyMonitor; clock: ManualClock } {
  const clock = new ManualClock();
  const monitor = new LatencyMonitor({ autoTick: false, clock });
  monitors.push(monitor);
  return { monitor, clock };
}
afterEach(() => {
  for (const m of monitors.splice(0)) m.close();
});

describe('registerLatencyPrometheus', () => {
  it('exposes every metric once with HELP, TYPE and the specified label sets', async () => {
    const { monitor } = manualMonitor();
    const steps = new WallStepDetector();
    const registry = new Registry();
    registerLatencyPrometheus(monitor, registry, { clockSteps: steps });
    monitor.operation('sign').recordNs(12_345);
    const e = parseExposition(await registry.metrics());

    const expected: Record<string, string> = {
      tailguard_latency_seconds: 'histogram',
      tailguard_latency_window_seconds: 'gauge',
      tailguard_latency_window_samples: 'gauge',
      tailguard_latency_window_worst_p99_seconds: 'gauge',
      tailguard_latency_clamped_total: 'counter',
      tailguard_latency_invalid_total: 'counter',
      tailguard_clock_steps_total: 'counter',
    };
    expect([...e.type.keys()].sort()).toEqual(Object.keys(expected).sort());
    for (const [name, type] of Object.entries(expected)) {
      expect(e.type.get(name), name).toEqual([type]);
      expect(e.help.get(name), name).toHaveLength(1);
      expect(e.help.get(name)![0]!.length, name).toBeGreaterThan(20);
    }
    // Units and the window length are stated where they apply.
    expect(e.help.get('tailguard_latency_window_seconds')![0]).toMatch(/seconds.*5 s/);
    expect(e.help.get('tailguard_latency_seconds')![0]).toMatch(/seconds/);

    const labelKeys = (name: string) => new Set(series(e, name).map((s) => Object.keys(s.labels).sort().join(',')));
    expect(labelKeys('tailguard_latency_seconds_bucket')).toEqual(new Set(['le,operation']));
    expect(labelKeys('tailguard_latency_seconds_sum')).toEqual(new Set(['operation']));
    expect(labelKeys('tailguard_latency_seconds_count')).toEqual(new Set(['operation']));
    expect(labelKeys('tailguard_latency_window_seconds')).toEqual(new Set(['operation,quantile']));
    expect(series(e, 'tailguard_latency_window_seconds').map((s) => s.labels.quantile)).toEqual([...QUANTILES]);
    for (const name of [
      'tailguard_latency_window_samples',
      'tailguard_latency_window_worst_p99_seconds',
      'tailguard_latency_clamped_total',
      'tailguard_latency_invalid_total',
    ]) {
      expect(labelKeys(name), name).toEqual(new Set(['operation']));
    }
    expect(labelKeys('tailguard_clock_steps_total')).toEqual(new Set(['']));
    expect(series(e, 'tailguard_latency_seconds_bucket')).toHaveLength(DEFAULT_LATENCY_BOUNDS_NS.length + 1);
  });

  it('reports window quantiles, count, worst p99 and cumulative buckets equal to the window', async () => {
    const { monitor, clock } = manualMonitor();
    const registry = new Registry();
    registerLatencyPrometheus(monitor, registry);
    const sign = monitor.operation('sign');
    const send = monitor.operation('order_send');

    let recorded = 0;
    let sumNs = 0;
    const record = (ns: number) => {
      sign.recordNs(ns);
      recorded++;
      sumNs += ns;
    };
    // Slice 1: 1..2000 µs; then a rotation, then a 40 ms spike among 20 µs calls.
    for (let i = 1; i <= 2_000; i++) record(i * 1_000);
    clock.advanceMs(1_000);
    monitor.tick();
    for (let i = 0; i < 500; i++) record(20_000);
    record(40e6);
    for (let i = 0; i < 10; i++) send.recordNs(250_000);

    const e = parseExposition(await registry.metrics());
    for (const op of [sign, send]) {
      for (const q of QUANTILES) {
        expect(only(e, 'tailguard_latency_window_seconds', { operation: op.name, quantile: q }), `${op.name} q${q}`).toBe(
          op.window.quantileNs(Number(q)) / 1e9,
        );
      }
      expect(only(e, 'tailguard_latency_window_samples', { operation: op.name })).toBe(op.window.count());
      expect(only(e, 'tailguard_latency_window_worst_p99_seconds', { operation: op.name })).toBe(op.window.worstP99Ns() / 1e9);
    }
    expect(only(e, 'tailguard_latency_window_samples', { operation: 'sign' })).toBe(recorded);
    expect(only(e, 'tailguard_latency_window_seconds', { operation: 'sign', quantile: '1' })).toBeCloseTo(0.04, 4);

    const buckets = series(e, 'tailguard_latency_seconds_bucket', { operation: 'sign' });
    const les = buckets.map((b) => (b.labels.le === '+Inf' ? Infinity : Number(b.labels.le)));
    expect(les).toEqual([...DEFAULT_LATENCY_BOUNDS_NS.map((ns) => ns / 1e9), Infinity]);
    for (let i = 1; i < buckets.length; i++) expect(buckets[i]!.value).toBeGreaterThanOrEqual(buckets[i - 1]!.value);
    expect(buckets.at(-1)!.value).toBe(recorded);
    expect(only(e, 'tailguard_latency_seconds_count', { operation: 'sign' })).toBe(recorded);
    expect(only(e, 'tailguard_latency_seconds_sum', { operation: 'sign' })).toBeCloseTo(sumNs / 1e9, 9);
    // Values ≤ 1 ms: 1000 of the first slice plus the 500 calls at 20 µs (HDR resolution is finer than the bucket edges here).
    expect(only(e, 'tailguard_latency_seconds_bucket', { operation: 'sign', le: '0.001' })).toBe(1_500);
    expect(only(e, 'tailguard_latency_seconds_bucket', { operation: 'order_send', le: '0.0001' })).toBe(0);
    expect(only(e, 'tailguard_latency_seconds_bucket', { operation: 'order_send', le: '0.00025' })).toBe(10);
  });

  it('keeps the worst p99 after the spike has left the live window', async () => {
    const { monitor, clock } = manualMonitor();
    const registry = new Registry();
    registerLatencyPrometheus(monitor, registry);
    const op = monitor.operation('sign');
    for (let i = 0; i < 100; i++) op.recordNs(i < 5 ? 30e6 : 10_000);
    for (let s = 0; s < 6; s++) {
      clock.advanceMs(1_000);
      monitor.tick();
    }
    const e = parseExposition(await registry.metrics());
    expect(only(e, 'tailguard_latency_window_samples', { operation: 'sign' })).toBe(0);
    expect(only(e, 'tailguard_latency_window_seconds', { operation: 'sign', quantile: '0.99' })).toBe(0);
    expect(only(e, 'tailguard_latency_window_worst_p99_seconds', { operation: 'sign' })).toBeCloseTo(0.03, 4);
    expect(only(e, 'tailguard_latency_seconds_count', { operation: 'sign' })).toBe(100);
  });

  it('counts clamped and invalid durations', async () => {
    const { monitor } = manualMonitor();
    const registry = new Registry();
    registerLatencyPrometheus(monitor, registry);
    const op = monitor.operation('sign');
    op.recordNs(61e9);
    op.recordNs(120e9);
    op.recordNs(Number.NaN);
    op.recordNs(-5);
    op.recordNs(Infinity);
    op.recordNs(1_000);
    const e = parseExposition(await registry.metrics());
    expect(only(e, 'tailguard_latency_clamped_total', { operation: 'sign' })).toBe(2);
    expect(only(e, 'tailguard_latency_invalid_total', { operation: 'sign' })).toBe(3);
    expect(only(e, 'tailguard_latency_window_samples', { operation: 'sign' })).toBe(3);
    expect(only(e, 'tailguard_latency_window_seconds', { operation: 'sign', quantile: '1' })).toBeCloseTo(60, 1);
  });

  it('shows operations created after registration at the next scrape', async () => {
    const { monitor } = manualMonitor();
    const registry = new Registry();
    registerLatencyPrometheus(monitor, registry);
    const before = parseExposition(await registry.metrics());
    expect(before.samples.filter((s) => s.labels.operation !== undefined)).toHaveLength(0);
    expect(before.type.get('tailguard_latency_window_seconds')).toEqual(['gauge']);

    monitor.operation('late_op').recordNs(7_000);
    const after = parseExposition(await registry.metrics());
    expect(only(after, 'tailguard_latency_window_samples', { operation: 'late_op' })).toBe(1);
    expect(only(after, 'tailguard_latency_seconds_count', { operation: 'late_op' })).toBe(1);
    expect(series(after, 'tailguard_latency_window_seconds', { operation: 'late_op' })).toHaveLength(5);
  });

  it('exports wall-clock steps from the step counter, the system clock, or not at all', async () => {
    const { monitor } = manualMonitor();
    const detector = new WallStepDetector({ stepBoundUs: 1_000 });
    const registry = new Registry();
    registerLatencyPrometheus(monitor, registry, { clockSteps: detector });
    detector.observe(0, 1_700_000_000_000_000);
    detector.observe(1e9, 1_700_000_000_000_000 + 1e6 + 50_000); // wall jumped 50 ms more than monotonic
    expect(only(parseExposition(await registry.metrics()), 'tailguard_clock_steps_total')).toBe(1);

    // A ManualClock counts nothing and no counter was given: the metric is absent rather than a false 0.
    const bare = new Registry();
    registerLatencyPrometheus(manualMonitor().monitor, bare);
    expect(parseExposition(await bare.metrics()).type.has('tailguard_clock_steps_total')).toBe(false);

    // The system clock counts steps itself.
    const systemClock = new SystemClock();
    const sysMonitor = new LatencyMonitor({ autoTick: false, clock: systemClock });
    monitors.push(sysMonitor);
    const sys = new Registry();
    registerLatencyPrometheus(sysMonitor, sys);
    expect(only(parseExposition(await sys.metrics()), 'tailguard_clock_steps_total')).toBe(systemClock.stepsTotal);
  });

  it('refuses to register twice on one registry, and names counters correctly in OpenMetrics', async () => {
    const { monitor } = manualMonitor();
    const registry = new Registry();
    registerLatencyPrometheus(monitor, registry);
    expect(() => registerLatencyPrometheus(monitor, registry)).toThrow(/already registered/);

    const om = new Registry(Registry.OPENMETRICS_CONTENT_TYPE);
    registerLatencyPrometheus(monitor, om);
    monitor.operation('sign').recordNs(-1);
    const text = await om.metrics();
    expect(text).toContain('# TYPE tailguard_latency_invalid counter');
    expect(text).toContain('tailguard_latency_invalid_total{operation="sign"} 1');
    expect(text).not.toContain('_total_total');
  });
});
