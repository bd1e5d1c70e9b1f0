import { describe, expect, it } from 'vitest';
import { FixedSkewSource, ManualClock, QuoteGuard, type ClockErrorPolicy, type QuoteAgeBasis } from '@tailguard/core';

const T0_US = 1_750_000_000_000_000;

/** One quote aged `ageMs` under a 50 ms max age and 5 ms of clock error. */
function judge(basis: QuoteAgeBasis, clockErrorPolicy: ClockErrorPolicy, ageMs: number) {
  const clock = new ManualClock(1e9, T0_US);
  const guard = new QuoteGuard({
    clock,
    autoTick: false,
    ageBasis: basis,
    skew: new FixedSkewSource(5_000),
    policy: { instruments: { XAUUSD: { maxAgeMs: 50, maxClockErrorMs: 5, clockErrorPolicy } } },
  });
  guard.recordQuote({ quoteId: 'Q', instrument: 'XAUUSD', bidPx: 2_350, askPx: 2_350.4, issuedEpochUs: T0_US });
  clock.advanceMs(ageMs);
  return guard.check({ quoteId: 'Q', clientId: 'c', execId: 'e', side: 'buy' });
}

describe('clock-error policy at the 50 ms border with 5 ms of error', () => {
  // [age ms, wall dealer-safe, wall client-safe, monotonic (either policy)]
  const matrix: [number, string, string, string][] = [
    [40, 'OK', 'OK', 'OK'],
    [45, 'OK', 'OK', 'OK'], // dealer-safe: 45 + 5 = 50, not above
    [45.5, 'QUOTE_STALE', 'OK', 'OK'],
    [49, 'QUOTE_STALE', 'OK', 'OK'],
    [50, 'QUOTE_STALE', 'OK', 'OK'], // exactly the max is accepted on a monotonic age
    [50.5, 'QUOTE_STALE', 'OK', 'QUOTE_STALE'],
    [55, 'QUOTE_STALE', 'OK', 'QUOTE_STALE'], // client-safe: 55 − 5 = 50, not above
    [55.5, 'QUOTE_STALE', 'QUOTE_STALE', 'QUOTE_STALE'],
    [60, 'QUOTE_STALE', 'QUOTE_STALE', 'QUOTE_STALE'],
  ];
  for (const [ageMs, dealerWall, clientWall, mono] of matrix) {
    it(`age ${ageMs} ms: wall dealer-safe ${dealerWall}, wall client-safe ${clientWall}, monotonic ${mono}`, () => {
      const dw = judge('wall', 'dealer-safe', ageMs);
      const cw = judge('wall', 'client-safe', ageMs);
      expect(dw.reason).toBe(dealerWall);
      expect(cw.reason).toBe(clientWall);
      expect(dw).toMatchObject({ ageUs: ageMs * 1_000, clockErrorUs: 5_000 });
      for (const policy of ['dealer-safe', 'client-safe'] as const) {
        const m = judge('local-monotonic', policy, ageMs);
        expect(m.reason, policy).toBe(mono);
        expect(m).toMatchObject({ ageUs: ageMs * 1_000, clockErrorUs: 0 });
      }
    });
  }

  it('takes the request time for a wall age when given', () => {
    const clock = new ManualClock(1e9, T0_US);
    const guard = new QuoteGuard({ clock, autoTick: false, ageBasis: 'wall', skew: new FixedSkewSource(5_000) });
    guard.recordQuote({ quoteId: 'Q', instrument: 'XAUUSD', bidPx: 1, askPx: 1.0001, issuedEpochUs: T0_US });
    const r = guard.check({ quoteId: 'Q', clientId: 'c', execId: 'e', side: 'buy', nowEpochUs: T0_US + 46_000 });
    expect(r).toMatchObject({ reason: 'QUOTE_STALE', ageUs: 46_000 }); // default dealer-safe: 46 + 5 > 50
  });

  it('accepts a future stamp within maxFutureSkew + error and rejects beyond it', () => {
    const clock = new ManualClock(1e9, T0_US);
    const guard = new QuoteGuard({ clock, autoTick: false, ageBasis: 'wall', skew: new FixedSkewSource(5_000), policy: { default: { maxFutureSkewMs: 5 } } });
    guard.recordQuote({ quoteId: 'A', instrument: 'X', bidPx: 1, askPx: 1.0001, issuedEpochUs: T0_US + 10_000 });
    guard.recordQuote({ quoteId: 'B', instrument: 'X', bidPx: 1, askPx: 1.0001, issuedEpochUs: T0_US + 10_001 });
    expect(guard.check({ quoteId: 'A', clientId: 'c', execId: 'e1', side: 'buy' })).toMatchObject({ reason: 'OK', ageUs: -10_000 });
    expect(guard.check({ quoteId: 'B', clientId: 'c', execId: 'e2', side: 'buy' }).reason).toBe('QUOTE_FROM_FUTURE');
  });
});
