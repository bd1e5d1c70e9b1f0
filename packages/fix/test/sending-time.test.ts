import { describe, expect, it } from 'vitest';
import { formatUtcTimestampMs, parseUtcTimestampEpochUs } from '@tailguard/fix';

describe('parseUtcTimestampEpochUs', () => {
  it('agrees with Date.UTC at millisecond precision over a wide range, and reads back what formatUtcTimestampMs wrote', () => {
    // Fixed LCG so a failure reproduces; 1970 to 2099, leap days and month ends included by chance and below.
    let seed = 7;
    for (let i = 0; i < 5_000; i++) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      const epochMs = Math.floor((seed / 2 ** 31) * Date.UTC(2099, 11, 31));
      expect(parseUtcTimestampEpochUs(formatUtcTimestampMs(epochMs))).toBe(epochMs * 1_000);
    }
    for (const ms of [0, Date.UTC(2024, 1, 29, 23, 59, 59, 999), Date.UTC(2000, 1, 29), Date.UTC(2023, 11, 31, 23, 59, 59, 1)]) {
      expect(parseUtcTimestampEpochUs(formatUtcTimestampMs(ms))).toBe(ms * 1_000);
    }
  });

  it('keeps microseconds, truncates nanoseconds to microseconds, and accepts whole seconds', () => {
    const base = Date.UTC(2026, 10, 25, 23, 55, 1) * 1_000;
    expect(parseUtcTimestampEpochUs('20261125-23:55:01')).toBe(base);
    expect(parseUtcTimestampEpochUs('20261125-23:55:01.250')).toBe(base + 250_000);
    expect(parseUtcTimestampEpochUs('20261125-23:55:01.000123')).toBe(base + 123);
    expect(parseUtcTimestampEpochUs('20261125-23:55:01.000123999')).toBe(base + 123);
  });

  it('reads a leap second as the next minute', () => {
    expect(parseUtcTimestampEpochUs('20161231-23:59:60')).toBe(Date.UTC(2017, 0, 1) * 1_000);
  });

  it('answers NaN for malformed text and impossible dates instead of a wrong instant', () => {
    for (const raw of [
      '',
      '20261125',
      '20261125 23:55:01', // separator
      '20261125-23.55.01',
      '2026112X-23:55:01',
      '20261325-23:55:01', // month 13
      '20260230-23:55:01', // Feb 30
      '20230229-00:00:00', // not a leap year
      '21000229-00:00:00', // century, not a leap year
      '20261131-00:00:00', // Nov 31
      '20261125-24:00:00',
      '20261125-23:60:00',
      '20261125-23:55:61',
      '20261125-23:55:01.',
      '20261125-23:55:01.25', // 2 fraction digits
      '20261125-23:55:01.2500', // 4
      '20261125-23:55:01.25a',
      '20261125-23:55:01Z',
    ]) {
      expect(parseUtcTimestampEpochUs(raw), raw).toBeNaN();
    }
    expect(parseUtcTimestampEpochUs('20240229-00:00:00')).toBe(Date.UTC(2024, 1, 29) * 1_000);
    expect(parseUtcTimestampEpochUs('20000229-00:00:00')).toBe(Date.UTC(2000, 1, 29) * 1_000);
  });
});
