import { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import { ManualClock } from '@tailguard/core';
import { createGuardConnection, keyLayout, RedisQuoteGuard } from '@tailguard/redis-store';
import { describeQuoteGuardConformance, type QuoteGuardConformanceConfig } from '../../core/test/support/quote-guard-conformance.js';
import { spawnRedis, type SpawnedRedis } from '../../../test/support/redis-server.js';

let server: SpawnedRedis | undefined;
let redis: Redis | undefined;

beforeAll(async () => {
  server = await spawnRedis();
  redis = createGuardConnection({ port: server.port, host: '127.0.0.1', commandTimeout: 1_000 });
  await new Promise<void>((resolve) => (redis!.status === 'ready' ? resolve() : redis!.once('ready', () => resolve())));
});

afterAll(async () => {
  redis?.disconnect();
  await server?.stop();
});

// The Redis guard always ages quotes on the wall clock (nowEpochUs sent by the client,
// widened by the clock error): it is held to the same cases as core's wall-clock path.
// A ManualClock drives the wall reading, so "advancing time" needs no sleep.
describeQuoteGuardConformance('RedisQuoteGuard on a real redis-server (wall-clock age)', (config: QuoteGuardConformanceConfig) => {
  const clock = new ManualClock(1e9, 1_750_000_000_000_000);
  const guard = new RedisQuoteGuard(redis!, { ...config, clock, keys: keyLayout('conf:'), callTimeoutMs: 1_000 });
  return {
    checker: guard,
    advanceMs: (ms: number) => clock.advanceMs(ms),
    wallEpochUs: () => clock.wallEpochUs(),
    close: () => guard.close(),
  };
});
