import { Redis, type Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '@tailguard/core';
import { createGuardCluster, keyLayout, RedisQuoteGuard, waitForGuardConnection } from '@tailguard/redis-store';
import { spawnRedisCluster, type SpawnedCluster } from '../../../test/support/redis-server.js';

const CALL_TIMEOUT_MS = 100;
/** Event-loop slack on a loaded 2-core CI box; ioredis alone would hold these calls about 1.6 s. */
const MARGIN_MS = 250;

describe('RedisQuoteGuard on a Redis Cluster that loses a master', () => {
  let cluster: SpawnedCluster;
  let conn: Cluster;
  beforeAll(async () => {
    cluster = await spawnRedisCluster(3);
    conn = createGuardCluster(
      cluster.nodes.map((n) => ({ host: '127.0.0.1', port: n.port })),
      { redisOptions: { commandTimeout: 50 } },
    );
    await waitForGuardConnection(conn, 20_000);
  }, 60_000);
  afterAll(async () => {
    conn?.disconnect();
    await cluster?.stop();
  });

  it('bounds every check and answers by policy for the dead master’s quotes', async () => {
    const keys = keyLayout('cf:');
    const guard = new RedisQuoteGuard(conn, { keys, callTimeoutMs: CALL_TIMEOUT_MS, policy: { default: { maxAgeMs: 60_000 } } });
    expect(await guard.loadScripts()).toBe(true);
    const ids = Array.from({ length: 300 }, (_, i) => `cf-${i}`);
    for (const quoteId of ids) {
      let r = await guard.recordQuote({ quoteId, instrument: 'XAUUSD', bidPx: 10, askPx: 10.1, issuedEpochUs: systemClock().wallEpochUs() });
      for (let t = 0; t < 5 && r.reason === 'GUARD_UNAVAILABLE'; t++) {
        r = await guard.recordQuote({ quoteId, instrument: 'XAUUSD', bidPx: 10, askPx: 10.1, issuedEpochUs: systemClock().wallEpochUs() });
      }
      expect(['OK', 'DUPLICATE_QUOTE_ID']).toContain(r.reason);
    }
    // Which quotes live on the master about to die.
    const victim = cluster.nodes[0]!;
    const probe = new Redis(cluster.nodes[1]!.port, '127.0.0.1');
    let onVictim: Set<string>;
    try {
      const slots = (await probe.cluster('SLOTS')) as [number, number, [string, number]][];
      const victimRanges = slots.filter((s) => s[2][1] === victim.port);
      onVictim = new Set<string>();
      for (const id of ids) {
        const slot = Number(await probe.cluster('KEYSLOT', keys.quote(id)));
        if (victimRanges.some(([lo, hi]) => slot >= lo && slot <= hi)) onVictim.add(id);
      }
    } finally {
      probe.disconnect();
    }
    expect(onVictim.size).toBeGreaterThan(30);

    await victim.kill();
    const results = await Promise.all(ids.map((quoteId, i) => guard.check({ quoteId, clientId: 'c', execId: `x${i}`, side: 'buy', instrument: 'XAUUSD' })));
    for (const [i, r] of results.entries()) {
      expect(r.holdNs / 1e6).toBeLessThan(CALL_TIMEOUT_MS + MARGIN_MS);
      if (onVictim.has(ids[i]!)) expect(r).toMatchObject({ ok: false, reason: 'GUARD_UNAVAILABLE', enforced: true });
      else expect(['OK', 'GUARD_UNAVAILABLE']).toContain(r.reason); // CLUSTERDOWN follows once the others notice
    }
    expect(guard.guardUnavailableTotal[0]).toBeGreaterThanOrEqual(onVictim.size);
    guard.close();
  });
});
