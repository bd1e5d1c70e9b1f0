import { describe, expect, it } from 'vitest';
import { InMemoryQuoteStore, InMemoryReplayGuard, ManualClock, QuoteGuard, type StoredQuote } from '@tailguard/core';
import { mulberry32 } from './support/seeded-random.js';

const T0_US = 1_750_000_000_000_000;

function stored(quoteId: string): StoredQuote {
  return { quoteId, instrument: 'X', bidPx: 1, askPx: 1.1, issuedEpochUs: T0_US, validUntilEpochUs: NaN, recordedMonoNs: 0 };
}

describe('InMemoryQuoteStore', () => {
  it('forgets quotes after the TTL and purges them on the next put', () => {
    const store = new InMemoryQuoteStore({ quoteTtlMs: 100, quotesMax: 10 });
    expect(store.put(stored('a'), 0)).toBe(true);
    expect(store.put(stored('b'), 50e6)).toBe(true);
    expect(store.get('a', 99.9e6)?.quoteId).toBe('a');
    expect(store.get('a', 100e6)).toBeUndefined();
    expect(store.get('b', 100e6)?.quoteId).toBe('b');
    expect(store.size()).toBe(2);
    store.put(stored('c'), 120e6);
    expect(store.size()).toBe(2);
    expect(store.expiredTotal).toBe(1);
    expect(store.evictionsTotal).toBe(0);
  });

  it('refuses a live duplicate ID and accepts it again once expired', () => {
    const store = new InMemoryQuoteStore({ quoteTtlMs: 100 });
    expect(store.put(stored('a'), 0)).toBe(true);
    expect(store.put(stored('a'), 10e6)).toBe(false);
    expect(store.put(stored('a'), 100e6)).toBe(true);
  });

  it('evicts the oldest quote when full and counts it', () => {
    const store = new InMemoryQuoteStore({ quoteTtlMs: 10_000, quotesMax: 3 });
    for (let i = 0; i < 5; i++) store.put(stored(`q${i}`), i * 1e6);
    expect(store.size()).toBe(3);
    expect(store.evictionsTotal).toBe(2);
    expect(store.get('q0', 5e6)).toBeUndefined();
    expect(store.get('q1', 5e6)).toBeUndefined();
    expect(store.get('q4', 5e6)?.quoteId).toBe('q4');
  });

  it('throws at construction for invalid bounds, naming the field', () => {
    expect(() => new InMemoryQuoteStore({ quotesMax: 0 })).toThrow(/quotesMax/);
    expect(() => new InMemoryQuoteStore({ quoteTtlMs: Number.NaN })).toThrow(/quoteTtlMs/);
  });
});

describe('InMemoryReplayGuard', () => {
  it('holds one entry per quote with its own TTL, idempotent on execId', () => {
    const g = new InMemoryReplayGuard({ replayMax: 10 });
    expect(g.tryMark('q1', 'e1', 100e6, 0)).toBe('marked');
    expect(g.tryMark('q2', 'e2', 10e6, 0)).toBe('marked');
    expect(g.tryMark('q1', 'e1', 100e6, 5e6)).toBe('same');
    expect(g.tryMark('q1', 'e9', 100e6, 5e6)).toBe('other');
    // q2's short TTL ends without touching q1's (no shared expiry).
    expect(g.lookup('q2', 10e6)).toBeUndefined();
    expect(g.lookup('q1', 10e6)).toBe('e1');
    expect(g.tryMark('q2', 'e3', 10e6, 11e6)).toBe('marked');
    expect(g.lookup('q1', 100e6)).toBeUndefined();
  });

  it('when full evicts the entry expiring first (not the oldest inserted) and counts it', () => {
    const g = new InMemoryReplayGuard({ replayMax: 2 });
    g.tryMark('long', 'e1', 100e6, 0);
    g.tryMark('short', 'e2', 10e6, 1e6);
    expect(g.tryMark('new', 'e3', 50e6, 2e6)).toBe('marked');
    expect(g.evictionsTotal).toBe(1);
    expect(g.lookup('short', 2e6)).toBeUndefined();
    expect(g.lookup('long', 2e6)).toBe('e1');
    expect(g.size()).toBe(2);
  });

  it('under the refuse policy answers unavailable when full, and recovers as entries expire', () => {
    const g = new InMemoryReplayGuard({ replayMax: 1, onFull: 'refuse' });
    expect(g.tryMark('a', 'e', 10e6, 0)).toBe('marked');
    expect(g.tryMark('b', 'e', 10e6, 1e6)).toBe('unavailable');
    expect(g.refusedTotal).toBe(1);
    expect(g.tryMark('b', 'e', 10e6, 10e6)).toBe('marked');
    expect(g.evictionsTotal).toBe(0);
  });

  it('agrees with a reference model over random marks, expiries and evictions', () => {
    const rnd = mulberry32(42);
    const max = 64;
    const g = new InMemoryReplayGuard({ replayMax: max });
    const model = new Map<string, { execId: string; expires: number }>();
    let now = 0;
    let modelEvictions = 0;
    for (let i = 0; i < 20_000; i++) {
      now += Math.floor(rnd() * 0.6e6) + 1;
      const q = `q${Math.floor(rnd() * 200)}`;
      const e = `e${Math.floor(rnd() * 3)}`;
      // A handful of TTLs (one per instrument policy in the guard), offset so expiries rarely tie.
      const k = [10, 15, 50, 66, 100][Math.floor(rnd() * 5)]!;
      const ttl = k * 1e6 + k;
      for (const [k, v] of model) if (v.expires <= now) model.delete(k);
      const cur = model.get(q);
      let expected: string;
      if (cur !== undefined) expected = cur.execId === e ? 'same' : 'other';
      else {
        if (model.size >= max) {
          let minK = '';
          let minV = Infinity;
          for (const [k, v] of model) if (v.expires < minV) [minK, minV] = [k, v.expires];
          model.delete(minK);
          modelEvictions++;
        }
        model.set(q, { execId: e, expires: now + ttl });
        expected = 'marked';
      }
      expect(g.tryMark(q, e, ttl, now)).toBe(expected);
      expect(g.size()).toBeGreaterThanOrEqual(model.size); // expired entries of idle TTL queues are purged lazily
      expect(g.size()).toBeLessThanOrEqual(max);
      const probe = `q${Math.floor(rnd() * 200)}`;
      expect(g.lookup(probe, now)).toBe(model.get(probe)?.execId);
    }
    expect(g.evictionsTotal).toBe(modelEvictions);
    expect(modelEvictions).toBeGreaterThan(0);
    g.purge(now);
    expect(g.size()).toBe([...model.values()].filter((v) => v.expires > now).length);
  });

  it('keeps each entry\'s own expiry beyond the number of exactly tracked TTLs', () => {
    const g = new InMemoryReplayGuard({ replayMax: 10_000 });
    for (let i = 0; i < 300; i++) expect(g.tryMark(`q${i}`, 'e', (i + 1) * 1e6, 0)).toBe('marked');
    for (let i = 0; i < 300; i++) {
      expect(g.lookup(`q${i}`, (i + 1) * 1e6 - 1)).toBe('e');
      expect(g.lookup(`q${i}`, (i + 1) * 1e6)).toBeUndefined();
    }
    expect(g.tryMark('q5', 'other', 1e6, 6e6)).toBe('marked'); // its old entry expired at 6 ms
    g.purge(400e6);
    expect(g.size()).toBe(0);
  });
});

describe('QuoteGuard with an injected clock: TTL expiry and bounded eviction', () => {
  it('answers QUOTE_UNKNOWN after the quote TTL, QUOTE_STALE before it', () => {
    const clock = new ManualClock(1e9, T0_US);
    const guard = new QuoteGuard({ clock, autoTick: false, quoteTtlMs: 1_000 });
    guard.recordQuote({ quoteId: 'Q', instrument: 'XAUUSD', bidPx: 1, askPx: 1.0001, issuedEpochUs: T0_US });
    clock.advanceMs(999);
    expect(guard.check({ quoteId: 'Q', clientId: 'c', execId: 'e1', side: 'buy' }).reason).toBe('QUOTE_STALE');
    clock.advanceMs(1);
    expect(guard.check({ quoteId: 'Q', clientId: 'c', execId: 'e2', side: 'buy' }).reason).toBe('QUOTE_UNKNOWN');
  });

  it('evicts the oldest quote past quotesMax, counted: a late execution gets QUOTE_UNKNOWN', () => {
    const clock = new ManualClock(1e9, T0_US);
    const guard = new QuoteGuard({ clock, autoTick: false, quotesMax: 2 });
    for (const id of ['Q1', 'Q2', 'Q3']) {
      guard.recordQuote({ quoteId: id, instrument: 'XAUUSD', bidPx: 1, askPx: 1.0001, issuedEpochUs: T0_US });
      clock.advanceMs(1);
    }
    expect((guard.store as InMemoryQuoteStore).evictionsTotal).toBe(1);
    expect(guard.check({ quoteId: 'Q1', clientId: 'c', execId: 'e', side: 'buy' }).reason).toBe('QUOTE_UNKNOWN');
    expect(guard.check({ quoteId: 'Q2', clientId: 'c', execId: 'e2', side: 'buy' }).reason).toBe('OK');
  });

  it('evicts the replay mark expiring first past replayMax, counted, and shows the exposure it opens', () => {
    const clock = new ManualClock(1e9, T0_US);
    const guard = new QuoteGuard({ clock, autoTick: false, replayMax: 2 });
    for (const id of ['Q1', 'Q2', 'Q3']) {
      guard.recordQuote({ quoteId: id, instrument: 'XAUUSD', bidPx: 1, askPx: 1.0001, issuedEpochUs: T0_US });
      expect(guard.check({ quoteId: id, clientId: 'c', execId: `e-${id}`, side: 'buy' }).reason).toBe('OK');
      clock.advanceMs(1);
    }
    const replay = guard.replay as InMemoryReplayGuard;
    expect(replay.evictionsTotal).toBe(1);
    expect(guard.check({ quoteId: 'Q3', clientId: 'c', execId: 'x3', side: 'buy' }).reason).toBe('QUOTE_REPLAYED');
    // Q1's mark was evicted while Q1 is 3 ms old, inside its max age: a replay now passes.
    // This is the exposure tailguard_replay_evictions_total reports.
    expect(guard.check({ quoteId: 'Q1', clientId: 'c', execId: 'x1', side: 'buy' }).reason).toBe('OK');
    // Once Q1 is past its max age, age (checked before replay) rejects it regardless.
    clock.advanceMs(60);
    expect(guard.check({ quoteId: 'Q1', clientId: 'c', execId: 'x1b', side: 'buy' }).reason).toBe('QUOTE_STALE');
  });
});
