import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock, type QuoteCheckResult, type StoreUnavailablePolicy } from '@tailguard/core';
import { createGuardConnection, keyLayout, RedisAuditStream, RedisQuoteGuard } from '@tailguard/redis-store';
import { spawnRedis, type SpawnedRedis } from '../../../test/support/redis-server.js';

const CALL_TIMEOUT_MS = 100;
/** Event-loop slack on a loaded 2-core CI box; the point is "tens of ms", not ioredis's seconds. */
const MARGIN_MS = 250;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(cond: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(10);
  }
}

describe('RedisQuoteGuard when redis-server is killed mid-stream', () => {
  let server: SpawnedRedis;
  let guardConn: Redis;
  let auditConn: Redis;
  let reader: Redis;
  beforeAll(async () => {
    server = await spawnRedis();
    guardConn = createGuardConnection({ port: server.port, host: '127.0.0.1', commandTimeout: 50 }); // a few ms in production; generous on a shared, loaded CI box
    auditConn = new Redis(server.port, '127.0.0.1', { enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => 20 });
    reader = new Redis(server.port, '127.0.0.1', { retryStrategy: () => 20 });
    auditConn.on('error', () => {});
    reader.on('error', () => {});
    await waitFor(() => guardConn.status === 'ready' && auditConn.status === 'ready', 5_000);
  });
  afterAll(async () => {
    guardConn.disconnect();
    auditConn.disconnect();
    reader.disconnect();
    await server.stop();
  });

  it('answers every check within the bound by policy, resumes after restart, and flushes the audit trail in order', async () => {
    const keys = keyLayout('fault:');
    const audit = new RedisAuditStream(auditConn, { streamKey: keys.auditStream, retryDelayMs: 20 });
    const guards = new Map<StoreUnavailablePolicy, RedisQuoteGuard>();
    const registry = new Registry();
    for (const onStoreUnavailable of ['reject', 'shadow', 'local-only'] as const) {
      guards.set(
        onStoreUnavailable,
        new RedisQuoteGuard(guardConn, {
          policy: { default: { maxAgeMs: 60_000, onStoreUnavailable } },
          keys,
          callTimeoutMs: CALL_TIMEOUT_MS,
          ...(onStoreUnavailable === 'reject' ? { audit } : {}),
        }),
      );
    }
    guards.get('reject')!.registerPrometheus(registry);
    for (const g of guards.values()) expect(await g.loadScripts()).toBe(true);
    const now = () => systemClock().wallEpochUs();
    let n = 0;
    // Each guard records its own quotes (the local-only fallback knows only those).
    const recordFresh = async (policy: StoreUnavailablePolicy, count: number): Promise<string[]> => {
      const ids = Array.from({ length: count }, () => `${policy}-${n++}`);
      for (const quoteId of ids) {
        // Setup, not the thing under test: a CPU-starved CI box can stall the event loop past
        // the timeout, so retry (a retried record whose first attempt ran is a DUPLICATE).
        const quote = { quoteId, instrument: 'XAUUSD', bidPx: 2_000, askPx: 2_000.4, issuedEpochUs: now() };
        let r = await guards.get(policy)!.recordQuote(quote);
        for (let t = 0; t < 5 && r.reason === 'GUARD_UNAVAILABLE'; t++) r = await guards.get(policy)!.recordQuote(quote);
        expect(['OK', 'DUPLICATE_QUOTE_ID']).toContain(r.reason);
      }
      return ids;
    };
    const quotes = new Map<StoreUnavailablePolicy, string[]>();
    for (const p of guards.keys()) quotes.set(p, await recordFresh(p, 400));
    // One local-only quote executed through Redis before the outage: the local cache knows it.
    const executed = quotes.get('local-only')![0]!;
    expect((await guards.get('local-only')!.check({ quoteId: executed, clientId: 'c', execId: 'first', side: 'buy' })).reason).toBe('OK');

    // A stream of checks, one every 2 ms per policy; the server dies during it.
    type Sample = { policy: StoreUnavailablePolicy; quoteId: string; phase: 'up' | 'down'; res: Promise<QuoteCheckResult> };
    const samples: Sample[] = [];
    const rejectOrder: string[] = [];
    let phase: 'up' | 'down' = 'up';
    let i = 1;
    const timer = setInterval(() => {
      for (const [policy, g] of guards) {
        const quoteId = quotes.get(policy)![i]!;
        const res = g.check({ quoteId, clientId: 'c', execId: `s${i}`, side: 'buy', instrument: 'XAUUSD' });
        // Audit entries are appended as checks resolve: note the order they resolved in.
        if (policy === 'reject') void res.then((r) => r.reason === 'GUARD_UNAVAILABLE' && rejectOrder.push(quoteId));
        samples.push({ policy, quoteId, phase, res });
      }
      if (phase === 'down' && i % 10 === 0) {
        const g = guards.get('local-only')!;
        samples.push({ policy: 'local-only', quoteId: executed, phase, res: g.check({ quoteId: executed, clientId: 'c', execId: `replay${i}`, side: 'buy' }) });
      }
      i++;
    }, 2);
    await sleep(100);
    await server.kill();
    phase = 'down';
    await sleep(300);
    clearInterval(timer);
    const results = await Promise.all(samples.map((s) => s.res));

    const down = samples.map((s, k) => ({ ...s, r: results[k]! })).filter((s) => s.phase === 'down');
    expect(down.length).toBeGreaterThan(30);
    for (const s of results) expect(s.holdNs / 1e6).toBeLessThan(CALL_TIMEOUT_MS + MARGIN_MS);
    // Checks sent once the server was gone get the policy's answer (the first few may have been answered before the kill landed).
    const settled = down.slice(15);
    for (const s of settled.filter((x) => x.policy === 'reject')) {
      expect(s.r).toMatchObject({ ok: false, reason: 'GUARD_UNAVAILABLE', enforced: true });
    }
    for (const s of settled.filter((x) => x.policy === 'shadow')) {
      expect(s.r).toMatchObject({ ok: true, reason: 'GUARD_UNAVAILABLE', enforced: false, wouldReject: true });
    }
    const local = settled.filter((x) => x.policy === 'local-only');
    for (const s of local) {
      // The in-process guard decides: fresh quotes pass, the quote accepted through Redis before is a replay.
      expect(s.r.reason).toBe(s.quoteId === executed ? 'QUOTE_REPLAYED' : 'OK');
    }
    expect(local.some((s) => s.quoteId === executed)).toBe(true);
    const unavailableReject = guards.get('reject')!.guardUnavailableTotal[0]!;
    expect(unavailableReject).toBeGreaterThan(10);
    expect(await registry.metrics()).toContain(`tailguard_guard_unavailable_total{policy="reject"} ${unavailableReject}`);

    // Rejects waited in the audit buffer while the server was down.
    expect(rejectOrder.length).toBeGreaterThanOrEqual(settled.filter((x) => x.policy === 'reject').length);
    expect(audit.bufferedCount).toBe(rejectOrder.length);

    await server.restart();
    await waitFor(() => guardConn.status === 'ready', 10_000);
    // Normal operation resumes by itself: the restarted server forgot everything, new quotes pass.
    const [fresh] = await recordFresh('reject', 1);
    expect(await guards.get('reject')!.check({ quoteId: fresh!, clientId: 'c', execId: 'after', side: 'buy' })).toMatchObject({ ok: true, reason: 'OK' });

    await audit.drain(10_000);
    const entries = await reader.xrange(keys.auditStream, '-', '+');
    const field = (fields: string[], k: string) => fields[fields.indexOf(k) + 1];
    expect(entries.map(([, f]) => field(f, 'quoteId'))).toEqual(rejectOrder);
    expect(entries.every(([, f]) => field(f, 'reason') === 'GUARD_UNAVAILABLE' && field(f, 'type') === 'reject')).toBe(true);
    const seqs = entries.map(([, f]) => Number(field(f, 'seq')));
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    for (const g of guards.values()) g.close();
    audit.close();
  });
});
