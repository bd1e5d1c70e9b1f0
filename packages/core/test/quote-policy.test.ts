import { describe, expect, it } from 'vitest';
import {
  DEFAULT_QUOTE_POLICY,
  MAX_AGE_MS_PRESETS,
  QUOTE_REASONS,
  QUOTE_REASON_CODE,
  QUOTE_REASON_MAPPINGS,
  QuoteGuard,
  decideQuote,
  newQuoteDecisionDetail,
  newQuoteDecisionInput,
  replayTtlNs,
  resolveQuotePolicies,
  type QuoteDecisionInput,
} from '@tailguard/core';

describe('quote policy', () => {
  it('exports the presets and resolves per-instrument overrides over the default', () => {
    expect(MAX_AGE_MS_PRESETS).toEqual({ GOLD: 50, CRYPTO: 15, EQUITIES: 100 });
    const p = resolveQuotePolicies({
      default: { priceToleranceBps: 4 },
      instruments: { XAUUSD: { maxAgeMs: MAX_AGE_MS_PRESETS.GOLD }, BTCUSD: { maxAgeMs: MAX_AGE_MS_PRESETS.CRYPTO, maxClockErrorMs: 1 } },
    });
    expect(p.instruments.get('BTCUSD')).toEqual({ ...DEFAULT_QUOTE_POLICY, priceToleranceBps: 4, maxAgeMs: 15, maxClockErrorMs: 1 });
    expect(p.default.maxAgeMs).toBe(50);
    expect(replayTtlNs(p.instruments.get('XAUUSD')!)).toBe((50 + 5 + 10 + 1) * 1e6);
  });

  it.each([
    [{ default: { maxAgeMs: 0 } }, /default\.maxAgeMs must be a number in \(0, 60000\]/],
    [{ default: { maxAgeMs: Number.NaN } }, /default\.maxAgeMs/],
    [{ instruments: { XAUUSD: { maxAgeMs: -5 } } }, /instruments\.XAUUSD\.maxAgeMs/],
    [{ instruments: { XAUUSD: { priceToleranceBps: 20_000 } } }, /instruments\.XAUUSD\.priceToleranceBps/],
    [{ default: { clockErrorPolicy: 'client-friendly' } }, /default\.clockErrorPolicy must be one of dealer-safe, client-safe/],
    [{ default: { onStoreUnavailable: 'ignore' } }, /default\.onStoreUnavailable/],
    [{ default: { maxFutureSkewMs: -1 } }, /default\.maxFutureSkewMs/],
    [{ default: { maxAge: 50 } }, /default\.maxAge is not a policy field/],
    [{ instruments: { BTCUSD: { maxAgeMs: 15, maxClockErrorMs: 15 } } }, /instruments\.BTCUSD\.maxClockErrorMs \(15\) must be below maxAgeMs/],
    [{ instruments: { other: {} } }, /instruments\.other must be named/],
    [{ instruments: { 'bad name': {} } }, /instruments\.bad name/],
  ])('throws at construction naming the field: %j', (policy, message) => {
    expect(() => new QuoteGuard({ policy: policy as never, autoTick: false })).toThrow(message);
  });

  it('allows a large clock error under client-safe', () => {
    expect(() => resolveQuotePolicies({ default: { maxAgeMs: 15, maxClockErrorMs: 20, clockErrorPolicy: 'client-safe' } })).not.toThrow();
  });

  it('bounds the number of configured instruments', () => {
    const instruments = Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`I${i}`, {}]));
    expect(() => resolveQuotePolicies({ instruments })).toThrow(/QUOTE_INSTRUMENTS_CONFIGURED_MAX/);
  });
});

describe('reason table', () => {
  it('maps every reason to FIX and IA as in DESIGN.md', () => {
    expect(Object.keys(QUOTE_REASON_MAPPINGS).sort()).toEqual([...QUOTE_REASONS].sort());
    expect(QUOTE_REASON_MAPPINGS.QUOTE_STALE).toMatchObject({ ordRejReason: 8, quoteStatus: 7, iaCategory: 'A-2' });
    expect(QUOTE_REASON_MAPPINGS.QUOTE_EXPIRED).toMatchObject({ quoteStatus: 7, iaCategory: 'A-2' });
    expect(QUOTE_REASON_MAPPINGS.PRICE_MOVED).toMatchObject({ quoteStatus: 11, iaCategory: 'A-1' });
    expect(QUOTE_REASON_MAPPINGS.QUOTE_REPLAYED).toMatchObject({ ordRejReason: 6, iaCategory: 'exceptional' });
    expect(QUOTE_REASON_MAPPINGS.GUARD_UNAVAILABLE).toMatchObject({ ordRejReason: 99, iaCategory: 'B' });
    for (const r of ['QUOTE_UNKNOWN', 'QUOTE_FROM_FUTURE', 'CLOCK_UNSYNCED', 'INVALID_REQUEST'] as const) {
      expect(QUOTE_REASON_MAPPINGS[r]).toMatchObject({ ordRejReason: 99, iaCategory: 'exceptional' });
      expect(QUOTE_REASON_MAPPINGS[r].text.length).toBeGreaterThan(0);
    }
    expect(QUOTE_REASON_MAPPINGS.OK.ordRejReason).toBeUndefined();
    QUOTE_REASONS.forEach((r, i) => expect(QUOTE_REASON_CODE[r]).toBe(i));
  });
});

describe('decideQuote (the pure decision the Redis Lua port is tested against)', () => {
  const policy = resolveQuotePolicies().default; // 50 ms, 5 ms future, 10 bps, dealer-safe, 5 ms error
  const base = (over: Partial<QuoteDecisionInput> = {}): QuoteDecisionInput => ({
    ...newQuoteDecisionInput(),
    found: true,
    bidPx: 99.99,
    askPx: 100.01,
    issuedEpochUs: 1_750_000_000_000_000,
    recordedMonoNs: 1e9,
    nowMonoNs: 1e9 + 10e6,
    referenceMidPx: 100,
    ...over,
  });

  it('follows the documented order', () => {
    const stale = { nowMonoNs: 1e9 + 60e6 };
    expect(decideQuote(base({ found: false }), policy)).toBe('QUOTE_UNKNOWN');
    expect(decideQuote(base({ instrumentMatches: false, ...stale }), policy)).toBe('INVALID_REQUEST');
    expect(decideQuote(base({ side: 'buy', pxLimit: 100, ...stale }), policy)).toBe('INVALID_REQUEST');
    expect(decideQuote(base({ side: 'sell', pxLimit: 99.99 }), policy)).toBe('OK');
    expect(decideQuote(base({ replay: 'same', ...stale }), policy)).toBe('OK');
    expect(decideQuote(base({ replay: 'other', ...stale }), policy)).toBe('QUOTE_STALE');
    expect(decideQuote(base({ replay: 'unavailable', ...stale }), policy)).toBe('QUOTE_STALE');
    expect(decideQuote(base({ replay: 'other', referenceMidPx: 101 }), policy)).toBe('QUOTE_REPLAYED');
    expect(decideQuote(base({ replay: 'unavailable' }), policy)).toBe('GUARD_UNAVAILABLE');
    expect(decideQuote(base({ validUntilEpochUs: 1_750_000_000_005_000, ...stale }), policy)).toBe('QUOTE_EXPIRED');
    expect(decideQuote(base({ referenceMidPx: 100.2 }), policy)).toBe('PRICE_MOVED');
    expect(decideQuote(base({ referenceMidPx: Number.NaN }), policy)).toBe('OK');
    const wall = { recordedMonoNs: Number.NaN, nowEpochUs: 1_750_000_000_010_000, skewMaxErrorUs: 1_000 };
    expect(decideQuote(base({ ...wall, skewSynchronized: false }), policy)).toBe('CLOCK_UNSYNCED');
    expect(decideQuote(base({ ...wall, skewMaxErrorUs: 5_001 }), policy)).toBe('CLOCK_UNSYNCED');
    expect(decideQuote(base({ ...wall, nowEpochUs: 1_750_000_000_000_000 - 6_001 }), policy)).toBe('QUOTE_FROM_FUTURE');
    expect(decideQuote(base({ ...wall, nowEpochUs: 1_750_000_000_000_000 - 6_000 }), policy)).toBe('OK');
  });

  it('reports the figures and the price direction', () => {
    const out = newQuoteDecisionDetail();
    expect(decideQuote(base({ side: 'sell', referenceMidPx: 99.8 }), policy, out)).toBe('PRICE_MOVED');
    expect(out.ageUs).toBe(10_000);
    expect(out.clockErrorUs).toBe(0);
    expect(out.priceMoveBps).toBeCloseTo(20, 6);
    expect(out.priceDirection).toBe(1); // a seller gains when the mid falls
    decideQuote(base({ side: 'buy', referenceMidPx: 99.8 }), policy, out);
    expect(out.priceDirection).toBe(2);
  });
});
