import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { combineSkewSources, FixedSkewSource } from '@tailguard/core';
import { RedisTimeSkewSource } from '@tailguard/redis-store';
import { spawnRedis, type SpawnedRedis } from '../../../test/support/redis-server.js';

describe('RedisTimeSkewSource against a real redis-server on loopback', () => {
  let server: SpawnedRedis;
  let redis: Redis;
  beforeAll(async () => {
    server = await spawnRedis();
    redis = new Redis(server.port, '127.0.0.1', { enableOfflineQueue: false, maxRetriesPerRequest: 0, lazyConnect: true });
    redis.on('error', () => {});
    await redis.connect();
  });
  afterAll(async () => {
    redis.disconnect();
    await server.stop();
  });

  it('returns an offset within its uncertainty bound (same host: the true offset is 0)', async () => {
    const src = new RedisTimeSkewSource(redis, { samplesPerProbe: 16 });
    expect(src.status().synchronized).toBe(false);
    expect(src.status().reason).toBe('never_probed');
    const sample = await src.probe();
    expect(sample).toBeDefined();
    // The server's TIME has µs resolution and our wall anchor ms-derived lower bound: allow 1 ms slack.
    expect(Math.abs(sample!.offsetUs)).toBeLessThanOrEqual(sample!.uncertaintyUs + 1_000);
    expect(sample!.uncertaintyUs).toBeGreaterThan(0);
    const st = src.status();
    expect(st.synchronized).toBe(true);
    expect(st.maxErrorUs).toBeCloseTo(Math.abs(sample!.offsetUs) + sample!.uncertaintyUs, 6);
  });

  it('turns unsynchronised when a probe fails, and combines with another source by the larger bound', async () => {
    const src = new RedisTimeSkewSource(redis, { samplesPerProbe: 2 });
    await src.probe();
    const combined = combineSkewSources(src, new FixedSkewSource(50_000));
    expect(combined.status().synchronized).toBe(true);
    expect(combined.status().maxErrorUs).toBe(50_000);
    await server.kill();
    expect(await src.probe()).toBeUndefined();
    expect(src.probeFailuresTotal).toBe(1);
    expect(src.status()).toMatchObject({ synchronized: false, reason: 'probe_failed' });
    expect(combined.status()).toMatchObject({ synchronized: false, reason: 'probe_failed' });
    await server.restart();
  });
});
