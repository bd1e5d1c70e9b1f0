import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArbitrageDetector, ManualClock } from '@tailguard/core';
import { keyLayout, RedisDetectionStateStore } from '@tailguard/redis-store';
import { spawnRedis, type SpawnedRedis } from '../../../test/support/redis-server.js';

describe('RedisDetectionStateStore: one client seen whole across engines', () => {
  let server: SpawnedRedis;
  const conns: Redis[] = [];
  beforeAll(async () => {
    server = await spawnRedis();
  });
  afterAll(async () => {
    for (const c of conns) c.disconnect();
    await server.stop();
  });
  const connect = (): Redis => {
    const r = new Redis(server.port, '127.0.0.1', { maxRetriesPerRequest: 0 });
    r.on('error', () => {});
    conns.push(r);
    return r;
  };

  it('merges fills, markout sums and stale-hit counts from two detectors, once each, with a TTL', async () => {
    const keys = keyLayout('det:');
    const clock = new ManualClock(1e9, 1_750_000_000_000_000);
    const stores = [new RedisDetectionStateStore(connect(), { keys, ttlMs: 60_000 }), new RedisDetectionStateStore(connect(), { keys, ttlMs: 60_000 })];
    const detectors = stores.map((store) => new ArbitrageDetector({ clock, store }));
    let mid = 2_000;
    // 40 fills of one client, alternating between the two engines; the mid then moves in the client's favour.
    for (let i = 0; i < 40; i++) {
      clock.advanceMs(200);
      const d = detectors[i % 2]!;
      for (const x of detectors) x.onMid('XAUUSD', mid, clock.monoNs());
      d.onFill({ clientId: 'arb', execId: `e${i}`, instrument: 'XAUUSD', side: 'buy', px: mid, midAtExecPx: mid, quoteMidPx: mid - 0.2, execMonoNs: clock.monoNs(), quoteAgeUs: 30_000 });
      mid += 0.1;
    }
    for (let t = 0; t < 70; t++) {
      clock.advanceMs(1_000);
      for (const x of detectors) x.onMid('XAUUSD', mid, clock.monoNs());
    }
    const local = stores.map((s) => structuredClone(s.peek('arb')!));
    expect(local[0]!.fillsTotal).toBe(20);
    expect(local[1]!.fillsTotal).toBe(20);

    await stores[0]!.sync();
    await stores[1]!.sync();
    await stores[0]!.refresh('arb'); // a picks up b's part
    await stores[0]!.refresh('arb'); // nothing new: nothing counted twice
    for (const s of stores) {
      const st = s.peek('arb')!;
      expect(st.fillsTotal).toBe(40);
      expect(st.staleHitN).toBe(local[0]!.staleHitN + local[1]!.staleHitN);
      expect(st.staleHitFavourable).toBe(local[0]!.staleHitFavourable + local[1]!.staleHitFavourable);
      st.markoutN.forEach((n, h) => expect(n).toBe(local[0]!.markoutN[h]! + local[1]!.markoutN[h]!));
      st.markoutSumBps.forEach((sum, h) => expect(sum).toBeCloseTo(local[0]!.markoutSumBps[h]! + local[1]!.markoutSumBps[h]!, 9));
      st.quoteAgeCounts.forEach((c, b) => expect(c).toBe(local[0]!.quoteAgeCounts[b]! + local[1]!.quoteAgeCounts[b]!));
    }
    expect(local[0]!.markoutN.some((n) => n > 0)).toBe(true);
    const r = connect();
    const ttl = await r.pttl(keys.detection('arb'));
    expect(ttl).toBeGreaterThan(50_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
    expect(Number(await r.hget(keys.detection('arb'), 'fills'))).toBe(40);

    // More fills on b, then a sync that fails (server gone) and is resent after restart: counted once.
    clock.advanceMs(200);
    detectors[1]!.onFill({ clientId: 'arb', execId: 'late', instrument: 'XAUUSD', side: 'buy', px: mid, midAtExecPx: mid, execMonoNs: clock.monoNs(), quoteAgeUs: 30_000 });
    await server.kill();
    await stores[1]!.sync();
    expect(stores[1]!.syncFailuresTotal).toBe(1);
    expect(stores[1]!.dirtyCount).toBe(1);
    await server.restart();
    await new Promise((res) => setTimeout(res, 300));
    await stores[1]!.sync();
    await stores[1]!.sync();
    // The restarted server (no persistence) holds b's delta since its last successful sync, applied once.
    expect(Number(await r.hget(keys.detection('arb'), 'fills'))).toBe(1);
    // Redis holds the shared truth: a server that lost its data restarts the shared counters from
    // the deltas sent since (each engine's local copy holds others' fills too, so re-sending it would double count).
    expect(stores[1]!.peek('arb')!.fillsTotal).toBe(1);
    expect(stores[1]!.syncFailuresTotal).toBe(1);
  });
});
