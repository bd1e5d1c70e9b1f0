import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyLayout, RedisAuditStream } from '@tailguard/redis-store';
import { spawnRedis, type SpawnedRedis } from '../../../test/support/redis-server.js';

async function waitFor(cond: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('RedisAuditStream on a real redis-server', () => {
  let server: SpawnedRedis;
  let redis: Redis;
  let reader: Redis;
  beforeAll(async () => {
    server = await spawnRedis();
    // The audit connection fails fast while Redis is down instead of queueing blindly.
    redis = new Redis(server.port, '127.0.0.1', { enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => 50 });
    reader = new Redis(server.port, '127.0.0.1', { retryStrategy: () => 50 });
    redis.on('error', () => {});
    reader.on('error', () => {});
    await waitFor(() => redis.status === 'ready', 5_000);
  });
  afterAll(async () => {
    redis.disconnect();
    reader.disconnect();
    await server.stop();
  });

  it('buffers while Redis is down and flushes in order on reconnect; drops beyond the bound are counted', async () => {
    const keys = keyLayout('t1:');
    const audit = new RedisAuditStream(redis, { streamKey: keys.auditStream, bufferedEntriesMax: 50, retryDelayMs: 20 });
    const registry = new Registry();
    audit.registerPrometheus(registry);
    for (let i = 0; i < 10; i++) audit.append({ type: 'reject', n: i });
    await audit.drain();
    expect(await reader.xlen(keys.auditStream)).toBe(10);

    await server.kill();
    await waitFor(() => redis.status !== 'ready', 5_000);
    for (let i = 10; i < 70; i++) audit.append({ type: 'reject', n: i });
    expect(audit.droppedTotal).toBe(10); // 60 appended, 50 held
    expect(audit.bufferedCount).toBe(50);

    await server.restart();
    await audit.drain(10_000);
    const entries = await reader.xrange(keys.auditStream, '-', '+');
    // The restarted server has no persistence: it holds exactly the 50 buffered entries, in order.
    const ns = entries.map(([, fields]) => Number(fields[fields.indexOf('n') + 1]));
    expect(ns).toEqual(Array.from({ length: 50 }, (_, i) => i + 10));
    expect(await registry.metrics()).toMatch(/^tailguard_audit_dropped_total 10$/m);
    audit.close();
  });

  it('keeps the stream bounded with XADD MAXLEN ~', async () => {
    const keys = keyLayout('t2:');
    const audit = new RedisAuditStream(redis, { streamKey: keys.auditStream, streamLengthMax: 100, batchSizeMax: 50 });
    for (let i = 0; i < 2_000; i++) audit.append({ type: 'flag', n: i });
    await audit.drain(10_000);
    const len = await reader.xlen(keys.auditStream);
    expect(len).toBeGreaterThanOrEqual(100);
    expect(len).toBeLessThan(300); // approximate trimming works in whole macro nodes
    audit.close();
  });
});
