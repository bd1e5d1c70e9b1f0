import { describe, expect, it } from 'vitest';
import {
  FixedSkewSource,
  InMemoryReplayGuard,
  ManualClock,
  QUOTE_REASONS,
  QUOTE_REASON_CODE,
  QuoteGuard,
  type QuoteCheckRequest,
  type QuoteCheckResult,
  type QuoteGuardOptions,
  type QuoteReason,
  type QuoteRecord,
  type QuoteStore,
  type StoredQuote,
} from '@tailguard/core';
import { ScriptedRollout } from './support/quote-guard-conformance.js';

const T0_US = 1_750_000_000_000_000;

function setup(options: QuoteGuardOptions = {}) {
  const clock = new ManualClock(5e9, T0_US);
  const guard = new QuoteGuard({
    clock,
    autoTick: false,
    policy: { instruments: { XAUUSD: { maxAgeMs: 50 }, BTCUSD: { maxAgeMs: 15, maxClockErrorMs: 2 } } },
    ...options,
  });
  let n = 0;
  const quote = (q: Partial<QuoteRecord> = {}): QuoteRecord => {
    const rec: QuoteRecord = { quoteId: `Q${++n}`, instrument: 'XAUUSD', bidPx: 2_350.1, askPx: 2_350.5, issuedEpochUs: clock.nowWallEpochUs, ...q };
    expect(guard.recordQuote(rec).ok).toBe(true);
    return rec;
  };
  const req = (q: QuoteRecord, r: Partial<QuoteCheckRequest> = {}): QuoteCheckRequest => ({
    quoteId: q.quoteId,
    clientId: 'fund-7',
    execId: `E${++n}`,
    side: 'buy',
    ...r,
  });
  return { clock, guard, quote, req };
}

describe('QuoteGuard: every reason from a realistic case', () => {
  it('reaches each reason of the closed union', () => {
    const seen = new Set<QuoteReason>();
    const note = (r: QuoteCheckResult, expected: QuoteReason) => {
      expect(r.reason).toBe(expected);
      seen.add(r.reason);
    };

    // A dealer's own quote, executed 12 ms later: filled.
    {
      const { clock, guard, quote, req } = setup();
      const q = quote();
      clock.advanceMs(12);
      note(guard.check(req(q)), 'OK');
      // The same quote hit again by another order of the same client: replay.
      note(guard.check(req(q)), 'QUOTE_REPLAYED');
      // A latency arbitrageur hits a 2.9 s old quote.
      const old = quote();
      clock.advanceMs(2_900);
      note(guard.check(req(old)), 'QUOTE_STALE');
      // A quote with a 10 ms ValidUntilTime executed after 20 ms.
      const short = quote({ validUntilEpochUs: clock.nowWallEpochUs + 10_000 });
      clock.advanceMs(20);
      note(guard.check(req(short)), 'QUOTE_EXPIRED');
      // The market moved 25 bps between the client's quote and the next one.
      const before = quote({ bidPx: 2_350.0, askPx: 2_350.4 });
      quote({ bidPx: 2_355.9, askPx: 2_356.3 });
      note(guard.check(req(before)), 'PRICE_MOVED');
      // A QuoteID the dealer never issued.
      note(guard.check({ quoteId: 'forged-123', clientId: 'fund-7', execId: 'E-x', side: 'sell' }), 'QUOTE_UNKNOWN');
      // A transact time in epoch milliseconds instead of microseconds.
      note(guard.check(req(quote(), { nowEpochUs: T0_US / 1_000 })), 'INVALID_REQUEST');
    }
    // Quotes from another pricing process (wall age) stamped 30 ms ahead of our clock.
    {
      const { clock, guard, quote, req } = setup({ ageBasis: 'wall', skew: new FixedSkewSource(1_000) });
      const q = quote({ issuedEpochUs: clock.nowWallEpochUs + 30_000 });
      note(guard.check(req(q)), 'QUOTE_FROM_FUTURE');
    }
    // chrony lost its source: wall ages cannot be judged.
    {
      const skew = new FixedSkewSource(0, false);
      const { guard, quote, req } = setup({ ageBasis: 'wall', skew });
      note(guard.check(req(quote())), 'CLOCK_UNSYNCED');
    }
    // The replay guard is full and configured to fail closed.
    {
      const { guard, quote, req } = setup({ replayMax: 1, replayOnFull: 'refuse' });
      expect(guard.check(req(quote())).reason).toBe('OK');
      note(guard.check(req(quote())), 'GUARD_UNAVAILABLE');
    }
    expect([...seen].sort()).toEqual([...QUOTE_REASONS].sort());
  });

  it('is CLOCK_UNSYNCED when the error exceeds the instrument maxClockErrorMs, only for wall ages', () => {
    const skew = new FixedSkewSource(3_000); // 3 ms: fine for gold (5 ms), too much for BTC (2 ms)
    const wall = setup({ ageBasis: 'wall', skew });
    expect(wall.guard.check(wall.req(wall.quote())).reason).toBe('OK');
    const btc = wall.guard.check(wall.req(wall.quote({ instrument: 'BTCUSD', bidPx: 60_000, askPx: 60_010 })));
    expect(btc).toMatchObject({ reason: 'CLOCK_UNSYNCED', clockErrorUs: 3_000 });
    // A quote this process recorded is aged on the monotonic clock: the wall clock's error does not matter.
    const mono = setup({ skew: new FixedSkewSource(0, false) });
    const r = mono.guard.check(mono.req(mono.quote({ instrument: 'BTCUSD', bidPx: 60_000, askPx: 60_010 })));
    expect(r).toMatchObject({ reason: 'OK', clockErrorUs: 0 });
  });

  it('uses a monotonic age for local quotes even when the wall clock steps', () => {
    const { clock, guard, quote, req } = setup();
    const q = quote();
    clock.advanceMs(10);
    clock.stepWallUs(-2_000_000); // an operator steps the wall clock back 2 s
    const r = guard.check(req(q));
    expect(r).toMatchObject({ reason: 'OK', ageUs: 10_000, clockErrorUs: 0 });
  });

  it('accepts the same execId again while its mark lives, even past max age (a retried fill is not disowned)', () => {
    const { clock, guard, quote, req } = setup();
    const q = quote();
    const first = req(q);
    expect(guard.check(first).reason).toBe('OK');
    clock.advanceMs(60); // past the 50 ms max age, inside the 66 ms replay TTL (50 + 5 + 2 × 5 + 1)
    expect(guard.check({ ...first }).reason).toBe('OK');
    expect(guard.check(req(q)).reason).toBe('QUOTE_STALE'); // another execId: age first
    clock.advanceMs(10); // the mark has expired: a retry this late is judged afresh
    expect(guard.check({ ...first }).reason).toBe('QUOTE_STALE');
  });

  it('replay marks outlive the quote: a second execId just before max age is still a replay', () => {
    const { clock, guard, quote, req } = setup();
    const q = quote();
    expect(guard.check(req(q)).reason).toBe('OK');
    clock.advanceMs(49.9);
    expect(guard.check(req(q)).reason).toBe('QUOTE_REPLAYED');
  });

  it('counts PRICE_MOVED by direction, symmetric for buys and sells', () => {
    const { guard, quote, req } = setup();
    const slot = 0; // XAUUSD
    const up1 = quote({ bidPx: 100, askPx: 100.02 });
    quote({ bidPx: 100.5, askPx: 100.52 }); // mid up 50 bps
    expect(guard.check(req(up1, { side: 'buy' })).reason).toBe('PRICE_MOVED'); // buyer gains: client-favourable
    const up2 = quote({ bidPx: 100.5, askPx: 100.52 });
    quote({ bidPx: 101, askPx: 101.02 });
    expect(guard.check(req(up2, { side: 'sell' })).reason).toBe('PRICE_MOVED'); // seller loses: dealer-favourable
    const dn = quote({ bidPx: 101, askPx: 101.02 });
    quote({ bidPx: 100.4, askPx: 100.42 });
    expect(guard.check(req(dn, { side: 'sell' })).reason).toBe('PRICE_MOVED'); // seller gains
    expect(guard.counters.priceRejectsTotal(slot, 0)).toBe(2);
    expect(guard.counters.priceRejectsTotal(slot, 1)).toBe(1);
  });

  it('uses market data mids from updateMid as the reference', () => {
    const { clock, guard, quote, req } = setup();
    const q = quote({ bidPx: 100, askPx: 100.02 });
    clock.advanceMs(1);
    expect(guard.updateMid('XAUUSD', 99.8)).toBe(true); // -20 bps
    expect(guard.check(req(q, { side: 'sell' })).reason).toBe('PRICE_MOVED');
    expect(guard.updateMid('XAUUSD', Number.NaN)).toBe(false);
    expect(guard.updateMid('', 100)).toBe(false);
  });

  it('answers INVALID_REQUEST for bad input and counts it, never throwing', () => {
    const { guard, quote, req } = setup();
    const q = quote();
    const good = req(q);
    const bad: unknown[] = [
      { ...good, nowEpochUs: Number.NaN },
      { ...good, nowEpochUs: -1 },
      { ...good, nowEpochUs: Date.now() }, // epoch ms
      { ...good, nowEpochUs: Infinity },
      { ...good, quoteId: '' },
      { ...good, clientId: 'c'.repeat(10_240) },
      { ...good, execId: 7 },
      { ...good, px: '2350.5' },
      Object.create(null),
    ];
    for (const b of bad) expect(guard.check(b as QuoteCheckRequest).reason).toBe('INVALID_REQUEST');
    expect(guard.counters.checksTotal(2, QUOTE_REASON_CODE.INVALID_REQUEST, true)).toBe(bad.length); // slot other
    const invalid = [
      { ...q, quoteId: 'x', issuedEpochUs: Number.NaN },
      { ...q, quoteId: 'y', issuedEpochUs: T0_US * 1_000 }, // ns
      { ...q, quoteId: '' },
      { ...q, quoteId: 'z', bidPx: -1 },
    ];
    for (const b of invalid) expect(guard.recordQuote(b).reason).toBe('INVALID_QUOTE');
    expect(guard.counters.records[1]).toBe(invalid.length);
    expect(guard.check(good).reason).toBe('OK');
  });

  it('in shadow mode fills everything and counts would-rejects per reason', () => {
    const rollout = new ScriptedRollout('shadow');
    const { clock, guard, quote, req } = setup({ rollout });
    const q1 = quote();
    const q2 = quote();
    clock.advanceMs(60);
    const results = [guard.check(req(q1)), guard.check(req(q2)), guard.check({ quoteId: 'nope', clientId: 'c', execId: 'e', side: 'buy' })];
    expect(results.every((r) => r.ok && !r.enforced && r.wouldReject)).toBe(true);
    expect(guard.counters.wouldRejectTotal(0, QUOTE_REASON_CODE.QUOTE_STALE)).toBe(2);
    expect(guard.counters.wouldRejectTotal(2, QUOTE_REASON_CODE.QUOTE_UNKNOWN)).toBe(1);
    expect(guard.counters.checksTotal(0, QUOTE_REASON_CODE.QUOTE_STALE, false)).toBe(2);
    // Switching to enforce live: the next failure is enforced.
    rollout.current = 'enforce';
    const q3 = quote();
    clock.advanceMs(60);
    expect(guard.check(req(q3))).toMatchObject({ ok: false, enforced: true, wouldReject: false });
    expect(guard.counters.wouldRejectTotal(0, QUOTE_REASON_CODE.QUOTE_STALE)).toBe(2);
  });

  it('with rollout off evaluates and marks nothing, counting bypasses', () => {
    const rollout = new ScriptedRollout('off');
    const { guard, quote, req } = setup({ rollout });
    const q = quote();
    expect(guard.check(req(q)).reason).toBe('OK');
    expect(guard.check(req(q)).reason).toBe('OK'); // not marked: off means off
    expect(guard.counters.bypassedTotal).toBe(2);
    expect(guard.replay.size()).toBe(0);
  });

  it('GUARD_UNAVAILABLE follows onStoreUnavailable: shadow fails open, reject and local-only fail closed', () => {
    const brokenStore: QuoteStore = {
      get(): StoredQuote | undefined {
        throw new Error('connection reset');
      },
      put(): boolean {
        throw new Error('connection reset');
      },
      size: () => 0,
    };
    for (const [onStoreUnavailable, ok] of [['reject', false], ['local-only', false], ['shadow', true]] as const) {
      const { guard } = setup({ store: brokenStore, policy: { default: { onStoreUnavailable } } });
      const r = guard.check({ quoteId: 'Q1', clientId: 'c', execId: 'e', side: 'buy' });
      expect(r, onStoreUnavailable).toMatchObject({ reason: 'GUARD_UNAVAILABLE', ok, enforced: !ok, wouldReject: ok });
      expect(guard.recordQuote({ quoteId: 'Q1', instrument: 'XAUUSD', bidPx: 1, askPx: 2, issuedEpochUs: T0_US }).reason).toBe('GUARD_UNAVAILABLE');
    }
  });

  it('judges age before an unknown replay state', () => {
    const replay = new InMemoryReplayGuard();
    replay.lookup = () => {
      throw new Error('replay store down');
    };
    const { clock, guard, quote, req } = setup({ replay });
    const q = quote();
    clock.advanceMs(60);
    expect(guard.check(req(q)).reason).toBe('QUOTE_STALE');
    expect(guard.check(req(quote())).reason).toBe('GUARD_UNAVAILABLE');
  });

  it('checkInto reuses the caller result object; check returns one fixed shape', () => {
    const { guard, quote, req } = setup();
    const out = guard.check(req(quote()));
    expect(Object.keys(out)).toEqual(['ok', 'reason', 'enforced', 'wouldReject', 'ageUs', 'clockErrorUs', 'holdNs']);
    const again = guard.checkInto(req(quote()), out);
    expect(again).toBe(out);
    expect(out.reason).toBe('OK');
  });

  it('measures hold time on the guard clock and records ages into the instrument window', () => {
    const { clock, guard, quote, req } = setup();
    const q = quote();
    clock.advanceMs(20);
    guard.check(req(q));
    guard.check(req(quote({ instrument: 'NATGAS', bidPx: 3, askPx: 3.01 }))); // unconfigured: slot other
    expect(guard.counters.ageWindows[0]!.count()).toBe(1);
    expect(guard.counters.ageWindows[0]!.quantileNs(1)).toBeGreaterThanOrEqual(20e6 * 0.999);
    expect(guard.counters.ageWindows[2]!.count()).toBe(1);
    expect(guard.counters.holdWindows[0]!.count()).toBe(1); // ManualClock: hold 0, still recorded
    expect(guard.counters.instrumentLabels).toEqual(['XAUUSD', 'BTCUSD', 'other']);
  });

  it('bounds tracked instruments and counts the overflow', () => {
    const { guard, quote, req } = setup({ instrumentsTrackedMax: 3 });
    quote({ instrument: 'AAA' });
    const q = quote({ instrument: 'BBB', bidPx: 10, askPx: 10.01 });
    quote({ instrument: 'BBB', bidPx: 20, askPx: 20.01 }); // would move BBB's mid 100 %, but BBB is untracked
    expect(guard.counters.instrumentsUntrackedTotal).toBe(2);
    expect(guard.check(req(q)).reason).toBe('OK');
  });

  it('refuses a duplicate live quote ID', () => {
    const { guard, quote } = setup();
    const q = quote();
    expect(guard.recordQuote({ ...q, bidPx: 1, askPx: 1.1 })).toMatchObject({ ok: false, reason: 'DUPLICATE_QUOTE_ID' });
  });
});
