import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './free-port.js';

const execFileP = promisify(execFile);

/** A redis-server spawned for a test on a free loopback port (never 6379), without persistence. */
export interface SpawnedRedis {
  port: number;
  url: string;
  pid: number;
  /** Kills the server (SIGKILL by default, as a crash would). */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Starts it again on the same port (after kill). */
  restart(): Promise<void>;
  /** Kills it and removes its directory. */
  stop(): Promise<void>;
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`redis-server did not listen on 127.0.0.1:${port} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Spawns `redis-server` with `extraArgs` (e.g. cluster options) on a free port. */
export async function spawnRedis(extraArgs: string[] = [], port?: number): Promise<SpawnedRedis> {
  const p = port ?? (await freePort());
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tg-redis-'));
  let child: ChildProcess;
  const start = async (): Promise<void> => {
    child = spawn(
      'redis-server',
      ['--port', String(p), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, ...extraArgs],
      { stdio: 'ignore' },
    );
    child.once('error', () => {});
    await waitForPort(p, 10_000);
  };
  await start();
  const kill = async (signal: NodeJS.Signals = 'SIGKILL'): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited(child);
  };
  return {
    port: p,
    url: `redis://127.0.0.1:${p}`,
    get pid() {
      return child.pid ?? -1;
    },
    kill,
    restart: start,
    stop: async () => {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A 3-master Redis Cluster on loopback, created with `redis-cli --cluster create`. */
export interface SpawnedCluster {
  nodes: SpawnedRedis[];
  stop(): Promise<void>;
}

/** Spawns `masters` cluster-enabled servers and joins them into one cluster (no replicas). */
export async function spawnRedisCluster(masters = 3): Promise<SpawnedCluster> {
  const nodes: SpawnedRedis[] = [];
  try {
    for (let i = 0; i < masters; i++) {
      nodes.push(
        await spawnRedis(['--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${i}.conf`, '--cluster-node-timeout', '2000']),
      );
    }
    await execFileP('redis-cli', ['--cluster', 'create', ...nodes.map((n) => `127.0.0.1:${n.port}`), '--cluster-replicas', '0', '--cluster-yes']);
    // Wait until every node agrees the cluster is ok.
    const deadline = Date.now() + 15_000;
    for (const n of nodes) {
      for (;;) {
        const { stdout } = await execFileP('redis-cli', ['-p', String(n.port), 'cluster', 'info']);
        if (stdout.includes('cluster_state:ok')) break;
        if (Date.now() > deadline) throw new Error(`cluster on ${n.port} not ok: ${stdout}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  } catch (err) {
    await Promise.all(nodes.map((n) => n.stop()));
    throw err;
  }
  return { nodes, stop: async () => void (await Promise.all(nodes.map((n) => n.stop()))) };
}
