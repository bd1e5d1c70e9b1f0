import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock, QuoteGuard, type QuoteCheckRequest, type QuotePolicyOptions, type SkewSource, type SkewStatus } from '@tailguard/core';
import { createGuardConnection, keyLayout, RedisQuoteGuard } from '@tailguard/redis-store';
import { spawnRedis, type SpawnedRedis } from '../../../test/support/redis-server.js';
import { mulberry32 } from '../../core/test/support/seeded-random.js';

class MutableSkew implements SkewSource {
  current: SkewStatus = { synchronized: true, maxErrorUs: 0, reason: 'ok' };
  status(): SkewStatus {
    return this.current;
  }
}

const POLICY: QuotePolicyOptions = {
  default: { maxAgeMs: 100, maxFutureSkewMs: 5, priceToleranceBps: 10, clockErrorPolicy: 'dealer-safe', maxClockErrorMs: 5 },
  instruments: {
    XAUUSD: { maxAgeMs: 50, maxFutureSkewMs: 3, priceToleranceBps: 8 },
    BTCUSD: { maxAgeMs: 15, maxFutureSkewMs: 1, priceToleranceBps: 25, clockErrorPolicy: 'client-safe', maxClockErrorMs: 10 },
  },
};

describe('RedisQuoteGuard decides exactly as core (wall-clock path) on the same inputs', () => {
  let server: SpawnedRedis;
  let redis: Redis;
  beforeAll(async () => {
    server = await spawnRedis();
    redis = createGuardConnection({ port: server.port, host: '127.0.0.1', commandTimeout: 1_000 });
    await new Promise<void>((resolve) => redis.once('ready', () => resolve()));
  });
  afterAll(async () => {
    redis.disconnect();
    await server.stop();
  });

  it('matches reason, age and clock error over 3 000 randomised cases near every border', async () => {
    const clock = new ManualClock(1e9, 1_750_000_000_000_000);
    const skew = new MutableSkew();
    const core = new QuoteGuard({ policy: POLICY, clock, skew, ageBasis: 'wall', autoTick: false, quotesMax: 10_000 });
    const red = new RedisQuoteGuard(redis, { policy: POLICY, clock, skew, keys: keyLayout('parity:'), callTimeoutMs: 1_000 });
    const rand = mulberry32(20_240_601);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
    const instruments = ['XAUUSD', 'BTCUSD', 'ETHUSD'] as const;
    const seen = new Map<string, number>();
    let midEpochUs = clock.wallEpochUs();
    for (let i = 0; i < 3_000; i++) {
      const instrument = pick(instruments);
      const base = clock.wallEpochUs();
      const bidPx = 1_000 + Math.floor(rand() * 1_000) / 4;
      const askPx = bidPx + pick([0, 0.25, 0.5, 1]);
      // Issue times around now: past (up to 120 ms), exactly at borders, and in the future.
      const issuedEpochUs = base - pick([0, 1, 999, 1_000, 14_000, 15_000, 15_001, 50_000, 49_999, 55_000, 100_000, 100_001, 120_000]) + (rand() < 0.2 ? pick([130_000, 126_000, 110_000, 108_000, 106_001]) : pick([0, 0, -4_000, -6_000, 3_000]));
      const validUntilEpochUs = rand() < 0.3 ? issuedEpochUs + pick([1, 10_000, 20_000, 60_000]) : undefined;
      const quoteId = `p${i}`;
      const quote = { quoteId, instrument, bidPx, askPx, issuedEpochUs, validUntilEpochUs };
      expect(core.recordQuote(quote).ok).toBe(true);
      expect((await red.recordQuote(quote)).ok).toBe(true);
      {
        // Newer than any issue time, so this case's reference mid is the one set here.
        midEpochUs = Math.max(midEpochUs + 1, base + 1_000_000);
        const mid = ((bidPx + askPx) / 2) * (1 + (rand() < 0.5 ? 0 : pick([-0.003, -0.001, -0.0008, 0.0005, 0.0008, 0.001, 0.0025, 0.003])));
        core.updateMid(instrument, mid, midEpochUs);
        red.updateMid(instrument, mid, midEpochUs);
      }
      skew.current = pick<SkewStatus>([
        { synchronized: true, maxErrorUs: 0, reason: 'ok' },
        { synchronized: true, maxErrorUs: 2_000, reason: 'ok' },
        { synchronized: true, maxErrorUs: 5_000, reason: 'ok' },
        { synchronized: true, maxErrorUs: 5_001, reason: 'ok' },
        { synchronized: true, maxErrorUs: 10_000, reason: 'ok' },
        { synchronized: false, maxErrorUs: 0, reason: 'unsynced' },
      ]);
      const replay = rand();
      const req: QuoteCheckRequest = {
        quoteId: rand() < 0.05 ? `unknown-${i}` : quoteId,
        clientId: 'c',
        execId: `x${i}`,
        side: pick(['buy', 'sell'] as const),
        instrument: rand() < 0.5 ? undefined : rand() < 0.9 ? instrument : 'OTHER',
        px: rand() < 0.3 ? pick([bidPx, askPx, bidPx - 0.25, askPx + 0.25]) : undefined,
        nowEpochUs: rand() < 0.5 ? undefined : base + pick([0, 1, -1]),
      };
      if (replay < 0.2) {
        // Executed before, by another execId or the same one (a retry).
        const first = { ...req, execId: replay < 0.1 ? `y${i}` : req.execId, px: undefined, instrument: undefined, nowEpochUs: issuedEpochUs + 1 };
        const a = core.check(first);
        const b = await red.check(first);
        expect(b.reason, `first execution of case ${i}`).toBe(a.reason);
      }
      const a = core.check(req);
      const b = await red.check(req);
      const ctx = `case ${i}: ${JSON.stringify({ quote, req, skew: skew.current })}`;
      expect(b.reason, ctx).toBe(a.reason);
      expect(b.ok, ctx).toBe(a.ok);
      expect(Object.is(b.ageUs, a.ageUs) || b.ageUs === a.ageUs, `${ctx} age ${b.ageUs} vs ${a.ageUs}`).toBe(true);
      expect(Object.is(b.clockErrorUs, a.clockErrorUs) || b.clockErrorUs === a.clockErrorUs, `${ctx} err ${b.clockErrorUs} vs ${a.clockErrorUs}`).toBe(true);
      seen.set(a.reason, (seen.get(a.reason) ?? 0) + 1);
      clock.advanceMs(0.25);
    }
    // The cases reached every decision the wall path can give.
    for (const r of ['OK', 'QUOTE_STALE', 'QUOTE_EXPIRED', 'PRICE_MOVED', 'QUOTE_REPLAYED', 'QUOTE_UNKNOWN', 'QUOTE_FROM_FUTURE', 'CLOCK_UNSYNCED', 'INVALID_REQUEST']) {
      expect(seen.get(r) ?? 0, `${r} in ${JSON.stringify([...seen])}`).toBeGreaterThan(20);
    }
    expect(red.midRoundTripsTotal).toBeGreaterThan(0);
    core.close();
    red.close();
  });
});
