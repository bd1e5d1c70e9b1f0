import { describe, expect, it } from 'vitest';
import {
  EPOCH_US_PLAUSIBLE_MIN,
  STALENESS_HIGHEST_TRACKABLE_US_DEFAULT,
  StalenessAudit,
  auditStaleness,
  epochUsProblem,
  type StalenessSample,
} from '@tailguard/core';
import { mulberry32 } from './support/seeded-random.js';

const T0 = 1_767_225_600_000_000; // 2026-01-01T00:00:00Z in epoch µs

/** Exact order statistic with HDR's definition: the smallest value with at least ceil(p/100 × n) values ≤ it. */
function exactPercentile(sorted: number[], p: number): number {
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** Within HDR's 3-significant-digit bound (relative 1/1024 ≈ 0.098 %, at least 1 µs). */
function expectWithinHdr(actual: number | null, exact: number): void {
  expect(actual).not.toBeNull();
  expect(Math.abs(actual! - exact)).toBeLessThanOrEqual(Math.max(1, exact / 1_000));
}

describe('auditStaleness', () => {
  it('matches exact quantiles on random log-normal ages (200 000 executions)', async () => {
    const next = mulberry32(42);
    const samples: StalenessSample[] = [];
    const ages: number[] = [];
    for (let i = 0; i < 200_000; i++) {
      // Log-normal around 50 ms with a heavy tail reaching seconds, integer µs.
      const u = Math.max(next(), 1e-12);
      const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next());
      const ageUs = Math.round(50_000 * Math.exp(1.2 * z));
      const quoteEpochUs = T0 + i * 1_000;
      samples.push({ quoteEpochUs, execEpochUs: quoteEpochUs + ageUs });
      ages.push(ageUs);
    }
    const r = await auditStaleness(samples);
    const sorted = [...ages].sort((a, b) => a - b);
    expect(r.count).toBe(ages.length);
    expectWithinHdr(r.medianUs, exactPercentile(sorted, 50));
    expectWithinHdr(r.p95Us, exactPercentile(sorted, 95));
    expectWithinHdr(r.p99Us, exactPercentile(sorted, 99));
    expect(r.maxUs).toBe(sorted[sorted.length - 1]);
    expect(r.minUs).toBe(sorted[0]);
    expect(r.meanUs).toBeCloseTo(ages.reduce((a, b) => a + b, 0) / ages.length, 6);
    const vulnerable = ages.filter((a) => a > 500_000).length;
    expect(vulnerable).toBeGreaterThan(0);
    expect(r.vulnerableCount).toBe(vulnerable);
    expect(r.vulnerableShare).toBe(vulnerable / ages.length);
    expect(r.thresholdUs).toBe(500_000);
    expect(r.negativeCount + r.invalidCount + r.clampedCount).toBe(0);
  });

  it('empty input: count 0, figures null, never NaN', async () => {
    const r = await auditStaleness([]);
    expect(r).toMatchObject({ count: 0, medianUs: null, p95Us: null, p99Us: null, maxUs: null, minUs: null, meanUs: null });
    expect(r.vulnerableShare).toBeNull();
    expect(r.vulnerableCount).toBe(0);
    expect(JSON.stringify(r)).not.toMatch(/NaN|Infinity/);
  });

  it('one execution: every quantile is that age', async () => {
    const r = await auditStaleness([{ quoteEpochUs: T0, execEpochUs: T0 + 847_213 }]);
    expect(r.count).toBe(1);
    // Quantiles are capped at the exact max, so one sample reads back exactly.
    expect([r.medianUs, r.p95Us, r.p99Us, r.maxUs, r.minUs]).toEqual([847_213, 847_213, 847_213, 847_213, 847_213]);
    expect(r.vulnerableShare).toBe(1);
  });

  it('a million executions from a generator, in constant memory', async () => {
    function* flow(): Generator<StalenessSample> {
      for (let i = 0; i < 1_000_000; i++) {
        const quoteEpochUs = T0 + i;
        // 2 % of fills land at 2.9 s, the rest at 847 µs.
        yield { quoteEpochUs, execEpochUs: quoteEpochUs + (i % 50 === 0 ? 2_900_000 : 847) };
      }
    }
    const r = await auditStaleness(flow());
    expect(r.count).toBe(1_000_000);
    expect(r.vulnerableCount).toBe(20_000);
    expect(r.vulnerableShare).toBe(0.02);
    expectWithinHdr(r.medianUs, 847);
    expectWithinHdr(r.p95Us, 847);
    expectWithinHdr(r.p99Us, 2_900_000);
    expect(r.maxUs).toBe(2_900_000);
  });

  it('reads async iterables with the same result as arrays', async () => {
    const samples = Array.from({ length: 1_000 }, (_, i) => ({ quoteEpochUs: T0 + i * 7, execEpochUs: T0 + i * 7 + ((i * 7_919) % 900_000) }));
    async function* slow(): AsyncGenerator<StalenessSample> {
      for (const s of samples) {
        await Promise.resolve();
        yield s;
      }
    }
    expect(await auditStaleness(slow())).toEqual(await auditStaleness(samples));
  });

  it('counts negative ages as an anomaly, outside the distribution', async () => {
    const r = await auditStaleness([
      { quoteEpochUs: T0, execEpochUs: T0 + 10_000 },
      { quoteEpochUs: T0 + 5_000, execEpochUs: T0 + 2_000 },
      { quoteEpochUs: T0 + 9_000, execEpochUs: T0 + 8_999 },
    ]);
    expect(r.count).toBe(1);
    expect(r.negativeCount).toBe(2);
    expect(r.negativeMinUs).toBe(-3_000);
    expect(r.medianUs).toBe(10_000);
  });

  it('counts invalid samples by reason: NaN, milliseconds, missing fields, non-objects', async () => {
    const r = await auditStaleness([
      { quoteEpochUs: Number.NaN, execEpochUs: T0 },
      { quoteEpochUs: T0, execEpochUs: Infinity },
      { quoteEpochUs: T0 / 1_000, execEpochUs: T0 / 1_000 + 50 }, // epoch ms
      { quoteEpochUs: T0 * 1_000, execEpochUs: T0 * 1_000 }, // epoch ns
      { quoteEpochUs: T0 } as StalenessSample,
      { quoteEpochUs: String(T0), execEpochUs: T0 } as unknown as StalenessSample,
      null as unknown as StalenessSample,
      { quoteEpochUs: T0, execEpochUs: T0 + 1 },
    ]);
    expect(r.count).toBe(1);
    expect(r.invalidByReason).toEqual({ 'not-finite': 2, 'implausible-epoch': 2, 'missing-field': 3 });
    expect(r.invalidCount).toBe(7);
  });

  it('threshold is strict and configurable', async () => {
    const at = (ageUs: number) => ({ quoteEpochUs: T0, execEpochUs: T0 + ageUs });
    expect((await auditStaleness([at(500_000), at(500_001)])).vulnerableCount).toBe(1);
    const r = await auditStaleness([at(40_000), at(60_000), at(50_000)], { thresholdUs: 50_000 });
    expect(r.vulnerableCount).toBe(1);
    expect(r.vulnerableShare).toBeCloseTo(1 / 3, 12);
  });

  it('clamps ages above the highest trackable value, counts them and keeps the exact max', () => {
    const audit = new StalenessAudit();
    expect(audit.record(T0, T0 + 10)).toBe('recorded');
    expect(audit.record(T0, T0 + 2 * STALENESS_HIGHEST_TRACKABLE_US_DEFAULT)).toBe('recorded');
    expect(audit.record(T0, T0 - 1)).toBe('negative-age');
    expect(audit.record(T0, 1.7e12)).toBe('implausible-epoch');
    const r = audit.report();
    expect(r.clampedCount).toBe(1);
    expect(r.maxUs).toBe(2 * STALENESS_HIGHEST_TRACKABLE_US_DEFAULT);
    expect(r.p99Us).toBeLessThanOrEqual(r.maxUs!);
    expectWithinHdr(r.p99Us, STALENESS_HIGHEST_TRACKABLE_US_DEFAULT);
  });

  it('rejects bad options and sources with messages naming them', async () => {
    expect(() => new StalenessAudit({ thresholdUs: -1 })).toThrow(/thresholdUs must be a number/);
    expect(() => new StalenessAudit({ thresholdUs: Number.NaN })).toThrow(/thresholdUs/);
    expect(() => new StalenessAudit({ highestTrackableUs: 1 })).toThrow(/highestTrackableUs/);
    await expect(auditStaleness(42 as never)).rejects.toThrow(/source must be an iterable/);
  });

  it('epochUsProblem names the unit an implausible instant looks like', () => {
    expect(epochUsProblem(T0)).toBeUndefined();
    expect(epochUsProblem(EPOCH_US_PLAUSIBLE_MIN)).toBeUndefined();
    expect(epochUsProblem(1_767_225_600)).toBe('looks-like-epoch-seconds');
    expect(epochUsProblem(1_767_225_600_000)).toBe('looks-like-epoch-milliseconds');
    expect(epochUsProblem(1_767_225_600_000_000_000)).toBe('looks-like-epoch-nanoseconds');
    expect(epochUsProblem(-5)).toBe('out-of-range');
    expect(epochUsProblem(Number.NaN)).toBe('not-finite');
  });
});
