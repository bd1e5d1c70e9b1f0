import type { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import { createGuardConnection } from '@tailguard/redis-store';
import { spawnRedis, type SpawnedRedis } from '../../../../test/support/redis-server.js';

/**
 * Spawns a redis-server for the calling test file (beforeAll) with one guard
 * connection (`createGuardConnection` defaults), and stops both afterwards.
 * Returns the connection's getter, valid inside tests.
 */
export function useGuardRedis(): () => Redis {
  let server: SpawnedRedis | undefined;
  let redis: Redis | undefined;
  beforeAll(async () => {
    server = await spawnRedis();
    redis = createGuardConnection({ port: server.port, host: '127.0.0.1' });
    await new Promise<void>((resolve) => (redis!.status === 'ready' ? resolve() : redis!.once('ready', () => resolve())));
  });
  afterAll(async () => {
    redis?.disconnect();
    await server?.stop();
  });
  return () => {
    if (redis === undefined) throw new Error('useGuardRedis: the connection exists only inside tests');
    return redis;
  };
}
