import { describe, expect, it } from 'vitest';
import { keyLayout, RedisQuoteGuard } from '@tailguard/redis-store';
import { useGuardRedis } from './support/guard-redis.js';

const redis = useGuardRedis();

describe('RedisQuoteGuard with busyPoll', () => {
  it('polls only while checks are in flight and decides as without it', async () => {
    const guard = new RedisQuoteGuard(redis(), { keys: keyLayout('poll:'), callTimeoutMs: 1_000, busyPoll: true, policy: { default: { maxAgeMs: 60_000 } } });
    await guard.loadScripts();
    const issuedEpochUs = Math.floor(Date.now() * 1_000);
    for (let i = 0; i < 40; i++) await guard.recordQuote({ quoteId: `q${i}`, instrument: 'XAUUSD', bidPx: 2_000, askPx: 2_000.4, issuedEpochUs });
    expect(guard.busyPolling).toBe(false);
    for (let i = 0; i < 20; i++) {
      const pending = guard.check({ quoteId: `q${i}`, clientId: 'c', execId: `e${i}`, side: 'buy' });
      expect(guard.busyPolling).toBe(true);
      expect((await pending).reason).toBe('OK');
    }
    const burst = await Promise.all(Array.from({ length: 20 }, (_, k) => guard.check({ quoteId: `q${k}`, clientId: 'c', execId: `again${k}`, side: 'buy' })));
    expect(burst.map((r) => r.reason)).toEqual(Array(20).fill('QUOTE_REPLAYED'));
    // The chain sees no check in flight on its next turn and stops (no handle left spinning).
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    expect(guard.inFlight).toBe(0);
    expect(guard.busyPolling).toBe(false);
    guard.close();
  });
});
