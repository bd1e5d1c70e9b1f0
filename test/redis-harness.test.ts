import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnRedis, spawnRedisCluster, type SpawnedCluster, type SpawnedRedis } from './support/redis-server.js';

const execFileP = promisify(execFile);

describe('test harness: real redis-server on a free loopback port', () => {
  let single: SpawnedRedis | undefined;
  let cluster: SpawnedCluster | undefined;
  afterAll(async () => {
    await single?.stop();
    await cluster?.stop();
  });

  it('spawns a private server, never on 6379, and restarts it after a crash', async () => {
    single = await spawnRedis();
    expect(single.port).not.toBe(6379);
    const ping = await execFileP('redis-cli', ['-p', String(single.port), 'ping']);
    expect(ping.stdout.trim()).toBe('PONG');
    await single.kill();
    await expect(execFileP('redis-cli', ['-p', String(single.port), 'ping'])).rejects.toBeDefined();
    await single.restart();
    expect((await execFileP('redis-cli', ['-p', String(single.port), 'ping'])).stdout.trim()).toBe('PONG');
  });

  it('creates a 3-master cluster covering every slot', async () => {
    cluster = await spawnRedisCluster(3);
    const { stdout } = await execFileP('redis-cli', ['-p', String(cluster.nodes[0]!.port), 'cluster', 'info']);
    expect(stdout).toContain('cluster_slots_assigned:16384');
    expect(stdout).toContain('cluster_known_nodes:3');
  });
});
