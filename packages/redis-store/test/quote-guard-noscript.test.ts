import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { keyLayout, RedisQuoteGuard } from '@tailguard/redis-store';
import { useGuardRedis } from './support/guard-redis.js';

const redis = useGuardRedis();

describe('RedisQuoteGuard after SCRIPT FLUSH', () => {
  it('answers the check that met NOSCRIPT by resending it as EVAL, counts it, and loads the scripts again', async () => {
    const guard = new RedisQuoteGuard(redis(), { keys: keyLayout('noscript:'), callTimeoutMs: 1_000, policy: { default: { maxAgeMs: 60_000 } } });
    expect(await guard.loadScripts()).toBe(true);
    const issuedEpochUs = Math.floor(Date.now() * 1_000);
    for (const quoteId of ['q1', 'q2']) {
      expect((await guard.recordQuote({ quoteId, instrument: 'XAUUSD', bidPx: 2_000, askPx: 2_000.4, issuedEpochUs })).ok).toBe(true);
    }
    await redis().script('FLUSH');
    const first = await guard.check({ quoteId: 'q1', clientId: 'c', execId: 'e1', side: 'buy' });
    expect(first.reason).toBe('OK');
    expect(guard.noScriptTotal).toBe(1);
    // The same quote again with another execId: the EVAL really marked it.
    expect((await guard.check({ quoteId: 'q1', clientId: 'c', execId: 'e2', side: 'buy' })).reason).toBe('QUOTE_REPLAYED');
    // The scripts were loaded again: the next check goes through EVALSHA.
    expect((await guard.check({ quoteId: 'q2', clientId: 'c', execId: 'e3', side: 'buy' })).reason).toBe('OK');
    expect(guard.noScriptTotal).toBe(1);
    const registry = new Registry();
    guard.registerPrometheus(registry);
    expect(await registry.metrics()).toMatch(/^tailguard_redis_guard_noscript_total 1$/m);
    guard.close();
  });
});
