import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rolloutBucket } from '@tailguard/core';
import { keyLayout, RedisRollout } from '@tailguard/redis-store';
import { spawnRedis, type SpawnedRedis } from '../../../test/support/redis-server.js';

async function waitFor(cond: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (!cond()) {
    if (performance.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 5));
  }
  return true;
}

describe('RedisRollout: config in Redis, changes pushed over pub/sub', () => {
  let server: SpawnedRedis;
  const conns: Redis[] = [];
  const connect = (): Redis => {
    const r = new Redis(server.port, '127.0.0.1', { retryStrategy: () => 20, maxRetriesPerRequest: 1 });
    r.on('error', () => {});
    conns.push(r);
    return r;
  };
  beforeAll(async () => {
    server = await spawnRedis();
  });
  afterAll(async () => {
    for (const c of conns) c.disconnect();
    await server.stop();
  });

  it('a change published by one engine is applied by another within one second; the last config survives a disconnect', async () => {
    const keys = keyLayout('ro:');
    const initial = { mode: 'shadow' as const, salt: 's1' };
    const a = await new RedisRollout(connect(), connect(), { keys, initial }).start();
    const bSubscriber = connect();
    const b = await new RedisRollout(connect(), bSubscriber, { keys, initial }).start();
    expect(b.mode()).toBe('shadow');

    // A client in the lowest 30 % of buckets, and one above.
    const clients = Array.from({ length: 200 }, (_, i) => `client-${i}`);
    const low = clients.find((c) => rolloutBucket('s1', c) < 3_000)!;
    const high = clients.find((c) => rolloutBucket('s1', c) >= 3_000)!;
    expect(b.isEnforced(low)).toBe(false);

    const v1 = await a.publish({ mode: 'enforce', enforceBasisPoints: 3_000 });
    expect(await waitFor(() => b.version === v1, 1_000)).toBe(true);
    expect(b.mode()).toBe('enforce');
    expect(b.isEnforced(low)).toBe(true);
    expect(b.isEnforced(high)).toBe(false);

    // The subscriber loses its connection: the last config stays in force.
    await server.kill();
    await new Promise((r) => setTimeout(r, 100));
    expect(b.mode()).toBe('enforce');
    expect(b.isEnforced(low)).toBe(true);
    await server.restart();

    // The restarted server (no persistence) lost the config; a change published now still reaches b,
    // by the message or by the re-read on b's reconnect.
    expect(await waitFor(() => a['redis'].status === 'ready', 5_000)).toBe(true);
    const v2 = await a.publish({ enforceBasisPoints: 10_000, denyClientIds: [low] });
    expect(await waitFor(() => b.rollout.config().enforceBasisPoints === 10_000, 5_000)).toBe(true);
    // Versions keep increasing across the restart (they start from the publisher's clock in ms).
    expect(v2).toBeGreaterThan(v1);
    expect(b.isEnforced(low)).toBe(false);
    expect(b.isEnforced(high)).toBe(true);
    a.close();
    b.close();
  });

  it('refuses an invalid change with a message naming the field, and ignores an invalid stored config', async () => {
    const keys = keyLayout('ro2:');
    const r = connect();
    const a = await new RedisRollout(r, connect(), { keys, initial: { mode: 'off' } }).start();
    await expect(a.publish({ enforceBasisPoints: 10_001 })).rejects.toThrow(/enforceBasisPoints/);
    await r.hset(keys.rolloutConfig, 'version', String(Date.now() * 2), 'config', '{"mode":"sometimes"}');
    expect(await a.refresh()).toBe(true);
    expect(a.invalidTotal).toBe(1);
    expect(a.mode()).toBe('off');
    a.close();
  });
});

describe('RedisRollout across two Node processes', () => {
  let server: SpawnedRedis;
  let child: ChildProcess | undefined;
  beforeAll(async () => {
    // The child runs the compiled package: build it (incremental, a no-op after `pnpm test`'s tsc -b).
    execFileSync(process.execPath, [fileURLToPath(new URL('../../../node_modules/typescript/bin/tsc', import.meta.url)), '-b', fileURLToPath(new URL('../tsconfig.json', import.meta.url))]);
    server = await spawnRedis();
  }, 120_000);
  afterAll(async () => {
    if (child?.pid !== undefined && child.exitCode === null) process.kill(child.pid, 'SIGKILL');
    await server.stop();
  });

  it('a percentage change published here is applied in the other process within one second', async () => {
    const prefix = 'ro2:';
    const clientId = Array.from({ length: 200 }, (_, i) => `client-${i}`).find((c) => rolloutBucket('s1', c) < 3_000)!;
    child = spawn(process.execPath, [fileURLToPath(new URL('./support/rollout-child.mjs', import.meta.url)), String(server.port), prefix, clientId], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
    const first = JSON.parse((await lines.next()).value as string) as { mode: string; enforced: boolean };
    expect(first).toMatchObject({ mode: 'shadow', enforced: false });

    const r = new Redis(server.port, '127.0.0.1');
    const sub = new Redis(server.port, '127.0.0.1');
    try {
      const here = await new RedisRollout(r, sub, { keys: keyLayout(prefix), initial: { mode: 'shadow', salt: 's1' } }).start();
      const t0 = performance.now();
      const version = await here.publish({ mode: 'enforce', enforceBasisPoints: 3_000 });
      let applied: { version: number; mode: string; enforced: boolean } | undefined;
      while (applied?.version !== version) applied = JSON.parse((await lines.next()).value as string) as typeof applied;
      const elapsedMs = performance.now() - t0;
      expect(applied).toMatchObject({ mode: 'enforce', enforced: true });
      expect(elapsedMs).toBeLessThan(1_000);
      here.close();
    } finally {
      r.disconnect();
      sub.disconnect();
      child.stdin!.end();
    }
  });
});
