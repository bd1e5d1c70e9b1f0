import { describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import {
  EmbeddedReplayMarks,
  InMemoryQuoteStore,
  InMemoryReplayGuard,
  ManualClock,
  QuoteGuard,
  registerQuoteGuardPrometheus,
  type QuoteCheckRequest,
  type QuoteGuardOptions,
  type QuoteRecord,
} from '@tailguard/core';

const T0_US = 1_750_000_000_000_000;
/** Replay TTL of the XAUUSD policy below: 50 ms max age + 5 future skew + 2 × 5 clock error + 1. */
const REPLAY_TTL_MS = 66;

function setup(options: QuoteGuardOptions = {}) {
  const clock = new ManualClock(5e9, T0_US);
  const guard = new QuoteGuard({ clock, autoTick: false, policy: { instruments: { XAUUSD: { maxAgeMs: 50 } } }, ...options });
  let n = 0;
  const quote = (q: Partial<QuoteRecord> = {}): QuoteRecord => {
    const rec: QuoteRecord = { quoteId: `Q${++n}`, instrument: 'XAUUSD', bidPx: 2_350.1, askPx: 2_350.5, issuedEpochUs: clock.nowWallEpochUs, ...q };
    expect(guard.recordQuote(rec).ok).toBe(true);
    return rec;
  };
  const req = (q: QuoteRecord, execId: string): QuoteCheckRequest => ({ quoteId: q.quoteId, clientId: 'fund-7', execId, side: 'buy' });
  return { clock, guard, quote, req };
}

describe('QuoteGuard with replay marks embedded in its default store', () => {
  it('embeds marks only with the default store and no replay option', () => {
    expect(setup().guard.replay).toBeInstanceOf(EmbeddedReplayMarks);
    expect(setup({ replayMax: 1_000 }).guard.replay).toBeInstanceOf(InMemoryReplayGuard);
    expect(setup({ replayOnFull: 'refuse' }).guard.replay).toBeInstanceOf(InMemoryReplayGuard);
    expect(setup({ store: new InMemoryQuoteStore() }).guard.replay).toBeInstanceOf(InMemoryReplayGuard);
    const replay = new InMemoryReplayGuard();
    expect(setup({ replay }).guard.replay).toBe(replay);
  });

  it('is idempotent on execId: the same execId is accepted again, another is a replay', () => {
    const { clock, guard, quote, req } = setup();
    const q = quote();
    clock.advanceMs(5);
    expect(guard.check(req(q, 'E1')).reason).toBe('OK');
    expect(guard.replay.lookup(q.quoteId, clock.monoNs())).toBe('E1');
    expect(guard.replay.size()).toBe(1);
    clock.advanceMs(10);
    expect(guard.check(req(q, 'E1')).reason).toBe('OK');
    expect(guard.check(req(q, 'E2')).reason).toBe('QUOTE_REPLAYED');
    expect(guard.replay.lookup(q.quoteId, clock.monoNs())).toBe('E1'); // the retry and the replay leave the mark as it was
  });

  it('expires a mark after the replay TTL on the injected clock; age is judged before replay', () => {
    const { clock, guard, quote, req } = setup();
    const q = quote();
    expect(guard.check(req(q, 'E1')).reason).toBe('OK');
    clock.advanceMs(REPLAY_TTL_MS - 1);
    expect(guard.replay.size()).toBe(1);
    expect(guard.check(req(q, 'E1')).reason).toBe('OK'); // retry inside the mark's life, past max age
    expect(guard.check(req(q, 'E2')).reason).toBe('QUOTE_STALE'); // age first, even while the mark lives
    clock.advanceMs(1);
    expect(guard.replay.size()).toBe(0);
    expect(guard.replay.lookup(q.quoteId, clock.monoNs())).toBeUndefined();
    expect(guard.check(req(q, 'E1')).reason).toBe('QUOTE_STALE'); // the mark is gone: judged afresh, never re-accepted
  });

  it('drops a mark with its quote when the store evicts it: a later check is QUOTE_UNKNOWN, never accepted', () => {
    const { guard, quote, req } = setup({ quotesMax: 2 });
    const a = quote();
    expect(guard.check(req(a, 'E1')).reason).toBe('OK');
    quote();
    quote(); // evicts a, and its mark with it
    expect((guard.store as InMemoryQuoteStore).evictionsTotal).toBe(1);
    expect(guard.check(req(a, 'E1')).reason).toBe('QUOTE_UNKNOWN');
    expect(guard.check(req(a, 'E2')).reason).toBe('QUOTE_UNKNOWN');
    expect(guard.replay.size()).toBe(0);
  });

  it('drops a mark with its quote at the quote TTL, even when that is shorter than the replay TTL', () => {
    const { clock, guard, quote, req } = setup({ quoteTtlMs: 20 });
    const q = quote();
    expect(guard.check(req(q, 'E1')).reason).toBe('OK');
    clock.advanceMs(20);
    expect(guard.check(req(q, 'E2')).reason).toBe('QUOTE_UNKNOWN');
    expect(guard.check(req(q, 'E1')).reason).toBe('QUOTE_UNKNOWN');
    expect(guard.replay.size()).toBe(0);
  });

  it('exports live marks as tailguard_replay_entries and no replay evictions', async () => {
    const { clock, guard, quote, req } = setup();
    const registry = new Registry();
    registerQuoteGuardPrometheus(guard, registry);
    const value = async (name: string) => (await registry.getSingleMetric(name)!.get()).values[0]!.value;
    const a = quote();
    const b = quote();
    quote(); // never executed: no mark
    expect(guard.check(req(a, 'E1')).reason).toBe('OK');
    clock.advanceMs(30);
    expect(guard.check(req(b, 'E2')).reason).toBe('OK');
    expect(await value('tailguard_replay_entries')).toBe(2);
    clock.advanceMs(40); // a's mark (66 ms) has expired, b's has not
    expect(await value('tailguard_replay_entries')).toBe(1);
    expect(await value('tailguard_replay_evictions_total')).toBe(0);
    expect(await value('tailguard_replay_refused_total')).toBe(0);
  });

  it('markExecuted marks a held quote like an accepted check, in either mode', () => {
    const embedded = setup();
    const q = embedded.quote();
    expect(embedded.guard.markExecuted(q.quoteId, 'X1')).toBe('marked');
    expect(embedded.guard.markExecuted(q.quoteId, 'X1')).toBe('same');
    expect(embedded.guard.markExecuted(q.quoteId, 'X2')).toBe('other');
    expect(embedded.guard.check(embedded.req(q, 'X2')).reason).toBe('QUOTE_REPLAYED');
    expect(embedded.guard.check(embedded.req(q, 'X1')).reason).toBe('OK');
    embedded.clock.advanceMs(REPLAY_TTL_MS);
    expect(embedded.guard.replay.lookup(q.quoteId, embedded.clock.monoNs())).toBeUndefined(); // the policy's replay TTL
    expect(embedded.guard.markExecuted('never-recorded', 'X1')).toBe('unavailable'); // nothing held to mark
    expect(embedded.guard.markExecuted('', 'X1')).toBe('unavailable');

    const separate = setup({ replayMax: 16 });
    expect(separate.guard.markExecuted('elsewhere', 'X1', 'XAUUSD')).toBe('marked');
    expect(separate.guard.replay.lookup('elsewhere', separate.clock.monoNs())).toBe('X1');
    const r = separate.quote();
    expect(separate.guard.markExecuted(r.quoteId, 'X3', 'XAUUSD')).toBe('marked');
    expect(separate.guard.check(separate.req(r, 'X4')).reason).toBe('QUOTE_REPLAYED');
    separate.clock.advanceMs(REPLAY_TTL_MS);
    expect(separate.guard.replay.lookup('elsewhere', separate.clock.monoNs())).toBeUndefined();
  });
});
