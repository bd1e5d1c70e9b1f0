import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUOTE_REASONS, resolveQuotePolicies, systemClock, type QuotePolicyOptions } from '@tailguard/core';
import { createGuardCluster, createGuardConnection, keyLayout, quoteCheckLua, RedisQuoteGuard, waitForGuardConnection, type KeyLayout } from '@tailguard/redis-store';
import { spawnRedis, spawnRedisCluster, type SpawnedCluster, type SpawnedRedis } from '../../../test/support/redis-server.js';

const QUOTES = 5_000;
const CONNECTIONS = 8;
const CHILD_CONNECTIONS = 2;
// Quotes stay fresh for the whole race (60 s max age): every outcome is OK or QUOTE_REPLAYED.
const POLICY: QuotePolicyOptions = { default: { maxAgeMs: 60_000, maxClockErrorMs: 5 } };
const CHILD = fileURLToPath(new URL('./support/race-child.mjs', import.meta.url));

type Client = Redis | Cluster;

function ready(client: Client): Promise<void> {
  return client.status === 'ready' ? Promise.resolve() : new Promise((resolve) => client.once('ready', () => resolve()));
}

interface ChildTally {
  OK: number;
  QUOTE_REPLAYED: number;
  other: Record<string, number>;
  okQuotes: number[];
}

/** Races 8 connections here against a second Node process on the same 5 000 quotes. */
async function race(connect: () => Client, nodes: { host: string; port: number }[], cluster: boolean, prefix: string): Promise<void> {
  const keys: KeyLayout = keyLayout(prefix);
  const clients: Client[] = [];
  let child: ChildProcess | undefined;
  try {
    for (let c = 0; c < CONNECTIONS; c++) clients.push(connect());
    await Promise.all(clients.map(ready));
    // Every master's socket is up before the burst: with no offline queue, a command to a
    // still-connecting master fails at once (seen on a loaded CI machine).
    await Promise.all(clients.map((c) => waitForGuardConnection(c, 20_000)));
    const guards = clients.map((r) => new RedisQuoteGuard(r, { policy: POLICY, keys, callTimeoutMs: 30_000, quoteTtlMs: 120_000 }));
    const now = systemClock().wallEpochUs();
    const ids = Array.from({ length: QUOTES }, (_, i) => `race-${i}`);
    const recorded = await Promise.all(
      ids.map((quoteId) => guards[0]!.recordQuote({ quoteId, instrument: 'XAUUSD', bidPx: 2_000, askPx: 2_000.4, issuedEpochUs: now })),
    );
    expect(recorded.filter((r) => !r.ok)).toEqual([]);

    child = spawn(process.execPath, [CHILD], { stdio: ['pipe', 'pipe', 'inherit'] });
    const out = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
    child.stdin!.write(
      `${JSON.stringify({
        cluster,
        nodes,
        connections: CHILD_CONNECTIONS,
        instrument: 'XAUUSD',
        lua: quoteCheckLua(resolveQuotePolicies(POLICY)),
        quotes: ids.map((id) => [keys.quote(id), keys.replay(id)]),
      })}\n`,
    );
    expect((await out.next()).value).toBe('ready');
    child.stdin!.write('go\n');
    // The child walks the quotes forward and this process backward, so the two meet in the
    // middle and each wins some whatever their relative speed: the race is real, not a queue.
    const order = ids.map((_, k) => QUOTES - 1 - k);
    const local = guards.map((g, c) =>
      Promise.all(order.map((i) => g.check({ quoteId: ids[i]!, clientId: `c${c}`, execId: `parent-${c}-${i}`, side: 'buy', instrument: 'XAUUSD' }))),
    );
    const [childLine, ...mine] = await Promise.all([out.next(), ...local]);
    const fromChild = JSON.parse(childLine.value as string) as ChildTally;

    const acceptedPerQuote = new Uint32Array(QUOTES);
    const byReason = new Map<string, number>();
    for (const results of mine) {
      results.forEach((r, k) => {
        byReason.set(r.reason, (byReason.get(r.reason) ?? 0) + 1);
        if (r.reason === 'OK') acceptedPerQuote[order[k]!]!++;
      });
    }
    for (const i of fromChild.okQuotes) acceptedPerQuote[i]!++;
    expect(fromChild.other).toEqual({});
    const ok = (byReason.get('OK') ?? 0) + fromChild.OK;
    const replayed = (byReason.get('QUOTE_REPLAYED') ?? 0) + fromChild.QUOTE_REPLAYED;
    const attempts = QUOTES * (CONNECTIONS + CHILD_CONNECTIONS);
    expect(ok).toBe(QUOTES);
    expect(replayed).toBe(attempts - QUOTES);
    expect([...byReason.keys()].filter((r) => r !== 'OK' && r !== 'QUOTE_REPLAYED')).toEqual([]);
    expect(acceptedPerQuote.every((n) => n === 1)).toBe(true);
    // Both processes won some quotes: the race was real.
    expect(fromChild.OK).toBeGreaterThan(0);
    expect(byReason.get('OK') ?? 0).toBeGreaterThan(0);
    expect(QUOTE_REASONS).toContain('QUOTE_REPLAYED');
    for (const g of guards) g.close();
  } finally {
    if (child?.pid !== undefined && child.exitCode === null) process.kill(child.pid, 'SIGKILL');
    for (const c of clients) c.disconnect();
  }
}

describe('replay race: 8 connections and a second Node process on the same 5 000 quotes', () => {
  let server: SpawnedRedis;
  let cluster: SpawnedCluster;
  beforeAll(async () => {
    [server, cluster] = await Promise.all([spawnRedis(), spawnRedisCluster(3)]);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([server?.stop(), cluster?.stop()]);
  });

  it('on one redis-server: exactly 5 000 acceptances, every other attempt QUOTE_REPLAYED', async () => {
    const nodes = [{ host: '127.0.0.1', port: server.port }];
    await race(() => createGuardConnection({ ...nodes[0], commandTimeout: 30_000 }), nodes, false, 'race1:');
  });

  it('on a 3-master Redis Cluster: the same, with quotes spread over every master', async () => {
    const nodes = cluster.nodes.map((n) => ({ host: '127.0.0.1', port: n.port }));
    await race(() => createGuardCluster(nodes, { redisOptions: { commandTimeout: 30_000 } }), nodes, true, 'race2:');
    // Hash tags spread the quotes: every master holds some of them.
    const { Redis } = await import('ioredis');
    for (const n of cluster.nodes) {
      const r = new Redis(n.port, '127.0.0.1');
      try {
        expect(await r.dbsize()).toBeGreaterThan(1_000);
      } finally {
        r.disconnect();
      }
    }
  });
});
