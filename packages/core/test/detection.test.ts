import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import {
  ArbitrageDetector,
  InMemoryDetectionStateStore,
  ManualClock,
  binomialZ,
  createClientDetectionState,
  evaluatePrefilter,
  favourableMoveBps,
  firstTrippedRule,
  mergeMarkoutStats,
  quoteAgeBucketIndex,
  registerDetectionOtelMetrics,
  registerDetectionPromMetrics,
  resolveDetectionOptions,
  sampleSdOf,
  summarizeQuoteAges,
  tStatistic,
  type DetectionFill,
  type DetectionOptions,
  type PrefilterThresholds,
} from '@tailguard/core';
import { mulberry32 } from './support/seeded-random.js';

/** Standard normal from two uniforms (Box-Muller). */
function normal(rnd: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
}

const MS = 1_000_000;

/** A fill whose quote was stale in the client's favour (mid rose 1 bp since the quote, client bought). */
function staleBuy(clientId: string, execMonoNs: number, execId = `E${execMonoNs}`): DetectionFill {
  return { clientId, execId, instrument: 'XAUUSD', side: 'buy', px: 2_000.1, midAtExecPx: 2_000.2, quoteMidPx: 2_000, execMonoNs, quoteAgeUs: 45_000 };
}

/** Small thresholds so a handful of stale fills flag a client. */
const QUICK: DetectionOptions = { staleHitNMin: 10, staleHitShareMin: 0.6, staleHitZMin: 2 };

describe('markout math', () => {
  it('tStatistic from n, Σ, Σ² matches a direct two-pass computation', () => {
    const rnd = mulberry32(11);
    for (const n of [2, 3, 30, 31, 500]) {
      const xs = Array.from({ length: n }, () => 0.4 + 2 * normal(rnd));
      const mean = xs.reduce((a, b) => a + b, 0) / n;
      const sd = Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1));
      const direct = mean / (sd / Math.sqrt(n));
      const sum = xs.reduce((a, b) => a + b, 0);
      const sumSq = xs.reduce((a, x) => a + x * x, 0);
      expect(tStatistic(n, sum, sumSq)).toBeCloseTo(direct, 9);
      expect(sampleSdOf(n, sum, sumSq)).toBeCloseTo(sd, 9);
    }
    // Hand-computed: [1, 2, 3, 4] → mean 2.5, sd √(5/3), t = 2.5 / (√(5/3) / 2) = 3.8729833
    expect(tStatistic(4, 10, 30)).toBeCloseTo(3.8729833462, 9);
  });

  it('tStatistic handles degenerate inputs without throwing', () => {
    expect(tStatistic(0, 0, 0)).toBeNaN();
    expect(tStatistic(1, 5, 25)).toBeNaN();
    expect(tStatistic(30, 30, 30)).toBe(Number.POSITIVE_INFINITY); // thirty markouts of exactly +1 bp
    expect(tStatistic(30, -30, 30)).toBe(Number.NEGATIVE_INFINITY);
    expect(tStatistic(30, 0, 0)).toBe(0);
    // Large mean, small spread: Σ² - Σ²/n cancels badly; result must stay finite and positive.
    const n = 1_000;
    let sum = 0;
    let sumSq = 0;
    for (let i = 0; i < n; i++) {
      const x = 1_000 + (i % 2 === 0 ? 1e-3 : -1e-3);
      sum += x;
      sumSq += x * x;
    }
    expect(tStatistic(n, sum, sumSq)).toBeGreaterThan(1e5);
  });

  it('favourableMoveBps is positive when the mid moved the client’s way', () => {
    expect(favourableMoveBps('buy', 2_000, 2_000.2)).toBeCloseTo(1, 12);
    expect(favourableMoveBps('sell', 2_000, 2_000.2)).toBeCloseTo(-1, 12);
    expect(favourableMoveBps('sell', 2_000, 1_999.8)).toBeCloseTo(1, 12);
  });

  it('counters merge by addition (a shared store can sum per-process counters)', () => {
    const a = { n: 3, sumBps: 6, sumSqBps: 14 }; // 1, 2, 3
    const b = { n: 2, sumBps: 9, sumSqBps: 41 }; // 4, 5
    const m = mergeMarkoutStats(a, b);
    expect(m).toEqual({ n: 5, sumBps: 15, sumSqBps: 55 });
    expect(tStatistic(m.n, m.sumBps, m.sumSqBps)).toBeCloseTo(3 / (Math.sqrt(2.5) / Math.sqrt(5)), 12);
    expect(binomialZ(30, 40, 0.5)).toBeCloseTo(10 / Math.sqrt(10), 12);
  });
});

describe('interval pre-filter', () => {
  const t: PrefilterThresholds = { fastIntervalNsMax: 15 * MS, fastIntervalsMin: 3, burstExecutionsMin: 10, burstMeanIntervalNsMax: 50 * MS };
  const ring = (timesMs: number[], size = 16): [number[], number, number] => {
    const r = new Array<number>(size).fill(0);
    timesMs.forEach((ms, i) => (r[i % size] = ms * MS));
    return [r, timesMs.length % size, Math.min(timesMs.length, size)];
  };

  it('FAST_INTERVALS at three intervals under 15 ms, not two', () => {
    expect(evaluatePrefilter(...ring([0, 10, 1_000, 1_014, 5_000, 5_020]), t)).toBeNull();
    expect(evaluatePrefilter(...ring([0, 10, 1_000, 1_014, 5_000, 5_020, 9_000, 9_012]), t)).toBe('FAST_INTERVALS');
    expect(evaluatePrefilter(...ring([0, 15, 30, 45]), t)).toBeNull(); // exactly 15 ms is not under 15
  });

  it('FAST_BURST at ten executions averaging under 50 ms apart, none of them under 15 ms', () => {
    const at = (gapMs: number): number[] => Array.from({ length: 10 }, (_, i) => 60_000 + i * gapMs);
    expect(evaluatePrefilter(...ring(at(45)), t)).toBe('FAST_BURST');
    expect(evaluatePrefilter(...ring(at(55)), t)).toBeNull();
    expect(evaluatePrefilter(...ring(at(45).slice(0, 9)), t)).toBeNull(); // nine are not enough
  });

  it('reads a wrapped ring in arrival order', () => {
    // 20 slow executions then 10 quick ones in a 16-slot ring: the window wraps.
    const times = [...Array.from({ length: 20 }, (_, i) => i * 10_000), ...Array.from({ length: 10 }, (_, i) => 300_000 + i * 40)];
    expect(evaluatePrefilter(...ring(times), t)).toBe('FAST_BURST');
    const slow = Array.from({ length: 30 }, (_, i) => i * 10_000);
    expect(evaluatePrefilter(...ring(slow), t)).toBeNull();
  });
});

describe('quote-age buckets', () => {
  it('bins on upper bounds and summarises a cluster', () => {
    const bounds = [10_000, 20_000, 50_000];
    expect(quoteAgeBucketIndex(bounds, 0)).toBe(0);
    expect(quoteAgeBucketIndex(bounds, 10_000)).toBe(0);
    expect(quoteAgeBucketIndex(bounds, 10_001)).toBe(1);
    expect(quoteAgeBucketIndex(bounds, 50_000)).toBe(2);
    expect(quoteAgeBucketIndex(bounds, 50_001)).toBe(3);
    const s = summarizeQuoteAges(bounds, [1, 1, 8, 0]);
    expect(s).toMatchObject({ total: 10, p50UsUpper: 50_000, p90UsUpper: 50_000, modeUsUpper: 50_000, modeShare: 0.8 });
    expect(summarizeQuoteAges(bounds, [0, 0, 0, 0]).p50UsUpper).toBeNaN();
  });
});

describe('ArbitrageDetector markouts', () => {
  it('resolves each horizon with the last mid at or before it, signed for the client', () => {
    const clock = new ManualClock(0);
    const d = new ArbitrageDetector({ clock, markoutHorizonsMs: [100, 1_000], markoutHorizonsMin: 1 });
    d.onMid('XAUUSD', 2_000, 0);
    const base = { execId: 'E', instrument: 'XAUUSD', px: 2_000, midAtExecPx: 2_000, quoteAgeUs: 1_000 };
    expect(d.onFill({ ...base, clientId: 'B', side: 'buy', execMonoNs: 10 * MS }).ok).toBe(true);
    expect(d.onFill({ ...base, clientId: 'S', side: 'sell', execMonoNs: 10 * MS }).ok).toBe(true);
    d.onMid('XAUUSD', 2_000.2, 50 * MS); // +1 bp before the 100 ms horizon (due at 110 ms)
    d.onMid('XAUUSD', 2_000.4, 110 * MS); // exactly at the horizon: counts
    d.onMid('XAUUSD', 2_001, 111 * MS); // after it: must not leak into the 100 ms markout
    expect(d.clientEvidence('B')!.markouts[0]).toMatchObject({ horizonMs: 100, n: 1 });
    expect(d.clientEvidence('B')!.markouts[0]!.meanBps).toBeCloseTo(2, 9);
    expect(d.clientEvidence('S')!.markouts[0]!.meanBps).toBeCloseTo(-2, 9);
    expect(d.clientEvidence('B')!.markouts[1]!.n).toBe(0);
    d.onMid('XAUUSD', 1_999, 2_000 * MS); // first mid after the 1 s horizon (due 1 010 ms): the 2 001 mid applies
    expect(d.clientEvidence('B')!.markouts[1]!.meanBps).toBeCloseTo(5, 9);
    expect(d.pendingMarkouts()).toBe(0);
    expect(d.counters().markoutsResolvedTotal).toBe(4);
  });

  it('counts a burst once per horizon window, so correlated fills do not inflate n', () => {
    const d = new ArbitrageDetector({ clock: new ManualClock(0), markoutHorizonsMs: [100, 1_000], markoutHorizonsMin: 1 });
    d.onMid('XAUUSD', 2_000, 0);
    for (const ms of [10, 15, 20, 60, 109, 110]) d.onFill({ ...staleBuy('A', ms * MS), quoteAgeUs: 1_000 });
    d.advanceTo(5_000 * MS);
    const ev = d.clientEvidence('A')!;
    expect(ev.markouts[0]!.n).toBe(2); // 10 ms and 110 ms windows
    expect(ev.markouts[1]!.n).toBe(1);
    expect(d.counters().markoutsThinnedTotal).toBe(4 + 5);
  });

  it('counts markouts with no mid for their instrument instead of inventing one', () => {
    const d = new ArbitrageDetector({ clock: new ManualClock(0) });
    d.onFill({ ...staleBuy('A', 0), instrument: 'XAGUSD' });
    d.onMid('XAUUSD', 2_000, 61_000 * MS);
    expect(d.counters().markoutsNoMidTotal).toBe(4);
    expect(d.clientEvidence('A')!.markouts.every((m) => m.n === 0)).toBe(true);
  });
});

describe('ArbitrageDetector bounds', () => {
  it('bounds pending markouts per horizon and counts the overflow', async () => {
    const d = new ArbitrageDetector({ clock: new ManualClock(0), pendingMarkoutsMax: 2 });
    for (let c = 0; c < 5; c++) d.onFill(staleBuy(`C${c}`, MS));
    expect(d.pendingMarkouts()).toBe(2 * 4);
    expect(d.counters().pendingMarkoutsOverflowTotal).toBe(3 * 4);
    const registry = new Registry();
    registerDetectionPromMetrics(registry, d);
    expect(await registry.metrics()).toMatch(/^tailguard_detection_pending_markouts_overflow_total 12$/m);
  });

  it('evicts the least recently used client at clientsMax and counts it', () => {
    const d = new ArbitrageDetector({ clock: new ManualClock(0), clientsMax: 3 });
    d.onMid('XAUUSD', 2_000, 0);
    d.onFill(staleBuy('A', 1 * MS));
    d.onFill(staleBuy('B', 2 * MS));
    d.onFill(staleBuy('C', 3 * MS));
    d.onFill(staleBuy('A', 4 * MS)); // A is now most recent; B is the LRU
    d.onFill(staleBuy('D', 5 * MS));
    expect(d.status('B')).toBe('unknown');
    expect(['A', 'C', 'D'].map((id) => d.status(id))).toEqual(['normal', 'normal', 'normal']);
    expect(d.store.size()).toBe(3);
    expect(d.counters().clientsEvictedTotal).toBe(1);
    for (let c = 0; c < 100; c++) d.onFill(staleBuy(`X${c}`, (10 + c) * MS));
    expect(d.store.size()).toBe(3);
    expect(d.counters().clientsEvictedTotal).toBe(101);
    // Pending markouts of evicted clients are discarded, not credited to anyone.
    d.onMid('XAUUSD', 2_000, 120_000 * MS);
    expect(d.counters().markoutsDiscardedTotal).toBe(101 * 4);
    expect(d.counters().markoutsResolvedTotal).toBe(3 * 4);
  });

  it('keeps a flag visible when the review list is full, and counts the drop', () => {
    const d = new ArbitrageDetector({ ...QUICK, clock: new ManualClock(0), reviewListMax: 1 });
    for (const client of ['A', 'B']) for (let i = 0; i < 10; i++) d.onFill(staleBuy(client, (1 + i) * 100 * MS));
    expect(d.reviewList().map((e) => e.clientId)).toEqual(['A']);
    expect(d.isFlagged('B')).toBe(true);
    expect(d.counters().reviewListDroppedTotal).toBe(1);
    expect(d.counters().flagsTotalByRule.STALE_HIT_SHARE).toBe(2);
  });

  it('bounds samples per client', () => {
    const d = new ArbitrageDetector({ ...QUICK, clock: new ManualClock(0), samplesPerClientMax: 3 });
    for (let i = 0; i < 10; i++) d.onFill(staleBuy('A', (1 + i) * 100 * MS, `E${i}`));
    const entry = d.reviewList()[0]!;
    expect(entry.evidence.samples.map((s) => s.execId)).toEqual(['E9', 'E8', 'E7']);
    expect(entry.evidence.samples[0]!.staleMoveBps).toBeCloseTo(1, 9);
    expect(entry.evidence.staleHit).toMatchObject({ n: 10, favourable: 10, share: 1 });
  });
});

describe('ArbitrageDetector.clearFlag', () => {
  it('clears only by an explicit call, and re-flags only on new evidence', () => {
    const clock = new ManualClock(0);
    const d = new ArbitrageDetector({ ...QUICK, clock });
    d.onMid('XAUUSD', 2_000, 0);
    for (let i = 0; i < 10; i++) d.onFill(staleBuy('A', (1 + i) * 100 * MS));
    expect(d.isFlagged('A')).toBe(true);
    // Flags never change by themselves: more neutral time, still flagged.
    clock.nowMonoNs = 2_000 * MS;
    d.onMid('XAUUSD', 2_000, 2_000 * MS);
    expect(d.isFlagged('A')).toBe(true);

    expect(() => d.clearFlag('A', { reason: '', by: 'desk-head' })).toThrow(/reason/);
    expect(() => d.clearFlag('A', { reason: 'reviewed', by: '' })).toThrow(/by/);
    expect(d.clearFlag('nobody', { reason: 'reviewed', by: 'desk-head' })).toEqual({ ok: false, reason: 'NOT_FLAGGED' });

    const pendingBefore = d.pendingMarkouts();
    expect(pendingBefore).toBeGreaterThan(0); // 5 s and 60 s markouts of the old fills are still pending
    const cleared = d.clearFlag('A', { reason: 'market-maker hedging, reviewed', by: 'desk-head' });
    expect(cleared).toMatchObject({ ok: true, reason: 'CLEARED', by: 'desk-head', clearReason: 'market-maker hedging, reviewed' });
    expect(cleared.entry!.rule).toBe('STALE_HIT_SHARE');
    expect(d.reviewList()).toEqual([]);
    expect(d.status('A')).toBe('normal');
    expect(d.clientEvidence('A')!.clearedTotal).toBe(1);

    // Old fills' markouts resolving after the clear are not new evidence.
    d.onMid('XAUUSD', 2_010, 70_000 * MS);
    expect(d.clientEvidence('A')!.markouts.every((m) => m.n === 0)).toBe(true);
    expect(d.counters().markoutsDiscardedTotal).toBe(pendingBefore);

    // Nine new stale fills are not enough on their own; the tenth is.
    for (let i = 0; i < 9; i++) d.onFill(staleBuy('A', (80_000 + i * 100) * MS));
    expect(d.isFlagged('A')).toBe(false);
    d.onFill(staleBuy('A', 81_000 * MS));
    expect(d.isFlagged('A')).toBe(true);
    expect(d.counters().flagsTotalByRule.STALE_HIT_SHARE).toBe(2);
    expect(d.counters().flagsClearedTotal).toBe(1);
  });
});

describe('ArbitrageDetector input', () => {
  it('returns a reason for malformed fills and mids, never throws, and counts them', () => {
    const d = new ArbitrageDetector({ clock: new ManualClock(0) });
    const good = staleBuy('A', MS);
    const cases: [Partial<DetectionFill> & Record<string, unknown>, string][] = [
      [{ clientId: '' }, 'INVALID_CLIENT_ID'],
      [{ clientId: 'x'.repeat(10_000) }, 'INVALID_CLIENT_ID'],
      [{ execId: 5 as unknown as string }, 'INVALID_EXEC_ID'],
      [{ instrument: '' }, 'INVALID_INSTRUMENT'],
      [{ side: 'short' as 'buy' }, 'INVALID_SIDE'],
      [{ px: Number.NaN }, 'INVALID_PRICE'],
      [{ midAtExecPx: -1 }, 'INVALID_PRICE'],
      [{ quoteMidPx: 0 }, 'INVALID_PRICE'],
      [{ execMonoNs: -5 }, 'INVALID_TIME'],
      [{ execMonoNs: undefined, execEpochUs: 1_700_000_000_000 }, 'INVALID_TIME'], // epoch ms where µs are expected
      [{ execMonoNs: undefined }, 'INVALID_TIME'],
      [{ quoteAgeUs: Number.POSITIVE_INFINITY }, 'INVALID_QUOTE_AGE'],
      [{ quoteAgeUs: -1 }, 'INVALID_QUOTE_AGE'],
    ];
    for (const [patch, reason] of cases) {
      expect(d.onFill({ ...good, ...patch } as DetectionFill), JSON.stringify(patch).slice(0, 60)).toEqual({ ok: false, reason });
    }
    expect(d.onFill(null as unknown as DetectionFill).reason).toBe('INVALID_CLIENT_ID');
    expect(d.onMid('XAUUSD', Number.NaN, 0).reason).toBe('INVALID_PRICE');
    expect(d.onMid('', 2_000, 0).reason).toBe('INVALID_INSTRUMENT');
    expect(d.onMid('XAUUSD', 2_000, Number.NaN).reason).toBe('INVALID_TIME');
    expect(d.counters()).toMatchObject({ invalidFillsTotal: cases.length + 1, invalidMidsTotal: 3, fillsTotal: 0 });
    expect(d.store.size()).toBe(0);
  });

  it('maps execEpochUs onto the monotonic clock', () => {
    const clock = new ManualClock(5_000 * MS, 1_700_000_000_000_000);
    const d = new ArbitrageDetector({ clock, samplesPerClientMax: 1 });
    expect(d.onFill({ ...staleBuy('A', 0), execMonoNs: undefined, execEpochUs: 1_700_000_000_000_000 - 2_000_000 }).ok).toBe(true);
    expect(d.clientEvidence('A')!.samples[0]!.execMonoNs).toBe(3_000 * MS);
  });

  it('bounds instruments with a known mid', () => {
    const d = new ArbitrageDetector({ clock: new ManualClock(0), instrumentsMax: 2 });
    expect(d.onMid('A', 1, 0).ok).toBe(true);
    expect(d.onMid('B', 1, 0).ok).toBe(true);
    expect(d.onMid('C', 1, 0)).toEqual({ ok: false, reason: 'INSTRUMENTS_FULL' });
    expect(d.onMid('A', 2, 1).ok).toBe(true);
    expect(d.counters().instrumentsRefusedTotal).toBe(1);
  });

  it('rejects invalid options at construction, naming the field', () => {
    expect(() => new ArbitrageDetector({ clientsMax: 0 })).toThrow(/clientsMax/);
    expect(() => new ArbitrageDetector({ markoutHorizonsMs: [1_000, 100] })).toThrow(/markoutHorizonsMs.*ascending/);
    expect(() => new ArbitrageDetector({ markoutTMin: Number.NaN })).toThrow(/markoutTMin/);
    expect(() => new ArbitrageDetector({ staleHitShareMin: 0.4 })).toThrow(/staleHitShareMin/);
    expect(() => new ArbitrageDetector({ burstExecutionsMin: 20 })).toThrow(/burstExecutionsMin.*intervalWindowExecutions/);
    expect(() => new ArbitrageDetector({ markoutHorizonsMs: [100], markoutHorizonsMin: 2 })).toThrow(/markoutHorizonsMin/);
    expect(() => new InMemoryDetectionStateStore({ clientsMax: 1.5 })).toThrow(/clientsMax/);
  });
});

describe('detection metrics', () => {
  it('exports flags by rule and the flagged gauge on a prom-client registry, with no client IDs', async () => {
    const d = new ArbitrageDetector({ ...QUICK, clock: new ManualClock(0) });
    for (let i = 0; i < 10; i++) d.onFill(staleBuy('client-secret-42', (1 + i) * 100 * MS));
    const registry = new Registry();
    registerDetectionPromMetrics(registry, d);
    const text = await registry.metrics();
    expect(text).toMatch(/^# TYPE tailguard_flagged_clients gauge$/m);
    expect(text).toMatch(/^tailguard_flagged_clients 1$/m);
    expect(text).toMatch(/^tailguard_detection_flags_total\{rule="STALE_HIT_SHARE"\} 1$/m);
    expect(text).toMatch(/^tailguard_detection_flags_total\{rule="MARKOUT_T"\} 0$/m);
    expect(text).toMatch(/^tailguard_detection_clients_evicted_total 0$/m);
    expect(text).not.toContain('client-secret-42');
    d.clearFlag('client-secret-42', { reason: 'reviewed', by: 'ops' });
    expect(await registry.metrics()).toMatch(/^tailguard_flagged_clients 0$/m);
  });

  it('registers the same metrics on an OpenTelemetry Meter', async () => {
    class PullReader extends MetricReader {
      protected override async onShutdown(): Promise<void> {}
      protected override async onForceFlush(): Promise<void> {}
    }
    const reader = new PullReader();
    const provider = new MeterProvider({ readers: [reader] });
    const d = new ArbitrageDetector({ ...QUICK, clock: new ManualClock(0), clientsMax: 1 });
    for (let i = 0; i < 10; i++) d.onFill(staleBuy('A', (1 + i) * 100 * MS));
    d.onFill(staleBuy('B', 5_000 * MS)); // evicts A
    const unregister = registerDetectionOtelMetrics(provider.getMeter('tailguard-test'), d);
    const { resourceMetrics } = await reader.collect();
    const metrics = resourceMetrics.scopeMetrics.flatMap((s) => s.metrics);
    const value = (name: string, attrs: Record<string, string> = {}): number | undefined =>
      metrics
        .find((m) => m.descriptor.name === name)
        ?.dataPoints.find((p) => JSON.stringify(p.attributes) === JSON.stringify(attrs))?.value as number | undefined;
    expect(value('tailguard_flagged_clients')).toBe(1);
    expect(value('tailguard_detection_flags_total', { rule: 'STALE_HIT_SHARE' })).toBe(1);
    expect(value('tailguard_detection_clients_evicted_total')).toBe(1);
    expect(value('tailguard_detection_pending_markouts_overflow_total')).toBe(0);
    unregister();
    await provider.shutdown();
  });
});

describe('false-positive rate of the markout rule on neutral flow', () => {
  /**
   * 2 000 neutral clients, 150 fills each, re-tested after every fill (as the
   * detector does). Markouts follow a random walk: the 1 s markout is the
   * 100 ms one plus an independent move, and so on, in time-scaled variances.
   */
  function flaggedShare(horizonsMin: number): number {
    const o = resolveDetectionOptions({ markoutHorizonsMin: horizonsMin });
    const thresholds = { ...o };
    const rnd = mulberry32(99);
    const shape = { horizons: 4, intervalWindowExecutions: 16, quoteAgeBuckets: 1, samplesPerClientMax: 0 };
    const segmentSd = [Math.sqrt(0.1), Math.sqrt(0.9), Math.sqrt(4), Math.sqrt(55)];
    let flagged = 0;
    for (let c = 0; c < 2_000; c++) {
      const s = createClientDetectionState(`c${c}`, 0, shape);
      for (let i = 0; i < 150; i++) {
        let m = 0;
        for (let h = 0; h < 4; h++) {
          m += segmentSd[h]! * normal(rnd);
          s.markoutN[h]!++;
          s.markoutSumBps[h]! += m;
          s.markoutSumSqBps[h]! += m * m;
        }
        if (firstTrippedRule(s, thresholds) !== null) {
          flagged++;
          break;
        }
      }
    }
    return flagged / 2_000;
  }

  it('stays rare with two agreeing horizons; one horizon alone flags neutral clients', () => {
    const two = flaggedShare(2);
    const one = flaggedShare(1);
    if (process.env.DEBUG_DETECTION) console.log({ one, two });
    expect(two).toBeLessThan(0.003);
    expect(one).toBeGreaterThan(0.02);
    expect(one).toBeGreaterThan(5 * two);
  });
});
