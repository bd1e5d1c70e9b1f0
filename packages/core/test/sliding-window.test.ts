import { describe, expect, it } from 'vitest';
import hdr from 'hdr-histogram-js';
import { ManualClock, SlidingWindow } from '@tailguard/core';
import { mulberry32 } from './support/seeded-random.js';

function exactQuantile(sorted: number[], q: number): number {
  // HdrHistogram's definition: the smallest value with at least q of the samples at or below it.
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[rank - 1]!;
}

describe('SlidingWindow', () => {
  it('agrees with exact quantiles within the 3-digit bound on random data with a spike', () => {
    const clock = new ManualClock();
    const w = new SlidingWindow({ clock });
    const rnd = mulberry32(7);
    const values: number[] = [];
    for (let i = 0; i < 100_000; i++) {
      // log-normal-ish latencies around 20 µs, plus a 1 % spike at 5-50 ms
      let v = Math.round(20_000 * Math.exp(rnd() * 2 - 1));
      if (rnd() < 0.012) v = Math.round(5e6 + rnd() * 45e6);
      values.push(v);
      w.recordNs(v);
    }
    values.sort((a, b) => a - b);
    const snap = w.snapshot();
    expect(snap.count).toBe(values.length);
    for (const [q, got] of [
      [0.5, snap.p50Ns],
      [0.9, snap.p90Ns],
      [0.99, snap.p99Ns],
      [0.999, snap.p999Ns],
    ] as const) {
      const exact = exactQuantile(values, q);
      expect(Math.abs(got - exact) / exact, `q=${q} got ${got} exact ${exact}`).toBeLessThanOrEqual(0.001);
    }
    expect(snap.p99Ns).toBeGreaterThan(5e6 * 0.999); // the spike shows in p99
    expect(Math.abs(snap.maxNs - values.at(-1)!) / values.at(-1)!).toBeLessThanOrEqual(0.001);
    expect(Math.abs(snap.minNs - values[0]!) / values[0]!).toBeLessThanOrEqual(0.001);
  });

  it('folds pending records into the slice they were recorded in, whether a query or a rotation comes first', () => {
    // Records go to a pending array and are folded at the next tick: a slice that closes
    // without any query in between must still hold (and later drop) exactly its records.
    const clock = new ManualClock();
    const w = new SlidingWindow({ clock, windowMs: 5_000, slices: 5 });
    const reference = hdr.build({ bitBucketSize: 32, lowestDiscernibleValue: 1, highestTrackableValue: 60e9, numberOfSignificantValueDigits: 3 });
    for (const v of [1_500, 2_000_000, 37, 0, 9_999_999]) {
      w.recordNs(v);
      reference.recordValue(v);
    }
    clock.advanceMs(1_000);
    w.tick(); // slice 0 closes with its five records still pending: folded first, then closed
    for (let i = 0; i < 100; i++) w.recordNs(50_000); // slice 1
    for (let i = 0; i < 100; i++) reference.recordValue(50_000);
    const snap = w.snapshot();
    expect(snap.count).toBe(105);
    expect(snap.maxNs).toBe(reference.maxValue);
    expect(snap.minNs).toBe(reference.minNonZeroValue);
    expect(snap.p50Ns).toBe(reference.getValueAtPercentile(50));
    expect(snap.p999Ns).toBe(reference.getValueAtPercentile(99.9));
    expect(w.cumulative().count).toBe(105);
    expect(w.cumulative().sumNs).toBe(1_500 + 2_000_000 + 37 + 0 + 9_999_999 + 100 * 50_000);
    clock.advanceMs(4_100); // t = 5.1 s: slice 0 (the first five records, tick-folded late) has left
    expect(w.count()).toBe(100);
    expect(w.quantileNs(1)).toBe(reference.highestEquivalentValue(50_000));
    expect(w.cumulative().count).toBe(105); // cumulative keeps everything
  });

  it('slides one slice at a time and forgets values older than the window', () => {
    const clock = new ManualClock();
    const w = new SlidingWindow({ clock, windowMs: 5_000, slices: 5 });
    w.recordNs(1_000_000); // in slice 0
    clock.advanceMs(1_000);
    w.tick(); // the monitor's coarse timer does this in production
    w.recordNs(2_000_000); // slice 1
    clock.advanceMs(3_500); // t = 4.5 s: both still inside
    expect(w.count()).toBe(2);
    clock.advanceMs(600); // t = 5.1 s: slice 0 has left the window
    expect(w.count()).toBe(1);
    expect(w.quantileNs(1)).toBeGreaterThanOrEqual(1_999_000);
    clock.advanceMs(1_000); // t = 6.1 s: slice 1 gone too
    expect(w.count()).toBe(0);
    expect(w.snapshot().p99Ns).toBe(0);
  });

  it('keeps the worst closed-window p99 for the history length, then forgets it', () => {
    const clock = new ManualClock();
    const w = new SlidingWindow({ clock, windowMs: 5_000, slices: 5, historyWindows: 12 });
    for (let i = 0; i < 1_000; i++) w.recordNs(50_000_000); // a 50 ms spike
    clock.advanceMs(6_000); // the spike has left the live window
    w.tick();
    for (let i = 0; i < 1_000; i++) w.recordNs(10_000);
    expect(w.quantileNs(0.99)).toBeLessThan(20_000);
    expect(w.worstP99Ns()).toBeGreaterThan(49_000_000);
    clock.advanceMs(60_000); // the last window holding the spike closed at t=5 s, more than 60 s ago
    expect(w.worstP99Ns()).toBeLessThan(20_000);
    clock.advanceMs(20_000); // nothing recorded for more than a minute
    expect(w.worstP99Ns()).toBe(0);
  });

  it('clamps values above the highest trackable value and counts them; drops invalid values', () => {
    const clock = new ManualClock();
    const w = new SlidingWindow({ clock });
    w.recordNs(120e9);
    w.recordNs(Number.NaN);
    w.recordNs(-5);
    w.recordNs(Number.POSITIVE_INFINITY);
    expect(w.clampedTotal).toBe(1);
    expect(w.invalidTotal).toBe(3);
    expect(w.count()).toBe(1);
    expect(w.quantileNs(1)).toBeGreaterThanOrEqual(60e9 * 0.999);
    expect(w.quantileNs(1)).toBeLessThanOrEqual(60e9 * 1.001);
  });

  it('keeps cumulative buckets across rotations', () => {
    const clock = new ManualClock();
    const w = new SlidingWindow({ clock, cumulativeBoundsNs: [1_000, 1_000_000, 1e9] });
    w.recordNs(500);
    w.recordNs(500_000);
    clock.advanceMs(10_000);
    w.recordNs(2e9);
    w.recordNs(900);
    const c = w.cumulative();
    expect(c.cumulativeCounts).toEqual([2, 3, 3]);
    expect(c.count).toBe(4);
    expect(c.sumNs).toBe(500 + 500_000 + 2e9 + 900);
  });

  it('does not grow with a million more samples', () => {
    const clock = new ManualClock();
    const w = new SlidingWindow({ clock });
    const before = w.footprintBytes;
    expect(before).toBeLessThan(1_000_000);
    for (let i = 0; i < 1_000_000; i++) {
      w.recordNs((i * 7919) % 5e9);
      if (i % 100_000 === 0) clock.advanceMs(700);
    }
    expect(w.footprintBytes).toBe(before);
  });

  it('records exactly what hdr-histogram-js records (fast index path), with an exact mean', () => {
    const clock = new ManualClock();
    const w = new SlidingWindow({ clock });
    const ref = new hdr.Int32Histogram(1, 60e9, 3);
    const rnd = mulberry32(11);
    let sum = 0;
    for (let i = 0; i < 50_000; i++) {
      // every magnitude from 0 ns to 60 s, including above 2^32 ns where the fast path hands over
      const v = Math.floor(10 ** (rnd() * 10.7));
      w.recordNs(v);
      ref.recordValue(v);
      sum += v;
    }
    const snap = w.snapshot();
    expect(snap.count).toBe(ref.totalCount);
    for (const [p, got] of [[50, snap.p50Ns], [90, snap.p90Ns], [99, snap.p99Ns], [99.9, snap.p999Ns]] as const) {
      expect(got).toBe(ref.getValueAtPercentile(p));
    }
    expect(snap.maxNs).toBe(ref.maxValue);
    expect(snap.minNs).toBe(ref.minNonZeroValue);
    expect(snap.meanNs).toBeCloseTo(sum / 50_000, 3);
  });

  it('keeps the live window equal to the slices inside it across many rotations', () => {
    const clock = new ManualClock();
    const w = new SlidingWindow({ clock, windowMs: 5_000, slices: 5 });
    const rnd = mulberry32(3);
    const perSlice: number[][] = [];
    for (let slice = 0; slice < 40; slice++) {
      const values: number[] = [];
      // some slices empty, some with a spike that sets the max or the min of the window
      const n = slice % 7 === 3 ? 0 : 200 + Math.floor(rnd() * 300);
      for (let i = 0; i < n; i++) values.push(Math.floor(10 ** (2 + rnd() * (slice % 5 === 0 ? 8 : 4))));
      for (const v of values) w.recordNs(v);
      perSlice.push(values);
      const ref = new hdr.Int32Histogram(1, 60e9, 3);
      for (const v of perSlice.slice(-5).flat()) ref.recordValue(v);
      const snap = w.snapshot();
      expect(snap.count).toBe(ref.totalCount);
      if (ref.totalCount > 0) {
        expect(snap.p50Ns).toBe(ref.getValueAtPercentile(50));
        expect(snap.p99Ns).toBe(ref.getValueAtPercentile(99));
        // after a rotation max/min are rebuilt from counts: equal within the 3-digit resolution
        expect(Math.abs(snap.maxNs - ref.maxValue) / ref.maxValue).toBeLessThanOrEqual(0.001);
        expect(Math.abs(snap.minNs - ref.minNonZeroValue) / ref.minNonZeroValue).toBeLessThanOrEqual(0.001);
      }
      clock.advanceMs(1_000);
      w.tick();
    }
  });

  it('names the field to fix in bad configuration', () => {
    expect(() => new SlidingWindow({ slices: 0 })).toThrow(/slices/);
    expect(() => new SlidingWindow({ windowMs: Number.NaN })).toThrow(/windowMs/);
    expect(() => new SlidingWindow({ significantDigits: 7 })).toThrow(/significantDigits/);
    expect(() => new SlidingWindow({ cumulativeBoundsNs: [5, 3] })).toThrow(/cumulativeBoundsNs/);
  });
});
