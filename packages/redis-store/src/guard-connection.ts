import { Cluster, Redis, type ClusterNode, type ClusterOptions, type RedisOptions } from 'ioredis';

/**
 * ioredis `commandTimeout` applied by {@link guardRedisOptions}: none. The guard
 * bounds each of its own calls (`RedisQuoteGuardOptions.callTimeoutMs`, one coarse
 * timer for all calls in flight); ioredis's option would add a `setTimeout` and a
 * `clearTimeout` per command (a few µs per check at one in flight here) for nothing.
 * Give `commandTimeout` in the overrides to bound other commands sent on this connection.
 */
export const GUARD_COMMAND_TIMEOUT_MS_DEFAULT = undefined;

/**
 * ioredis options for a quote-guard connection: fail fast, never guess.
 * - `enableOfflineQueue: false`: while disconnected a command fails at once instead of waiting for a reconnect;
 * - `maxRetriesPerRequest: 0`: no command is retried by the client (a retry is the engine's decision);
 * - `autoResendUnfulfilledCommands: false`: a check answered by policy during an outage is not silently re-run later;
 * - no ioredis `commandTimeout`: the guard times its own calls (`callTimeoutMs`, a few ms;
 *   a timed-out script may still have run, see docs/redis.md);
 * - reconnects on its own with a short capped backoff, so checks resume after an outage.
 * `overrides` win over these defaults.
 */
export function guardRedisOptions(overrides: RedisOptions = {}): RedisOptions {
  return {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    connectTimeout: 1_000,
    retryStrategy: (attempt: number) => Math.min(10 * attempt, 250),
    noDelay: true,
    ...overrides,
  };
}

/**
 * A dedicated guard connection to one Redis server with {@link guardRedisOptions}.
 * Listen for or ignore its `error` events (ioredis logs unhandled ones); the guard
 * itself never depends on them.
 */
export function createGuardConnection(options: RedisOptions & { host?: string; port?: number } = {}): Redis {
  const redis = new Redis(guardRedisOptions(options));
  redis.on('error', () => {});
  return redis;
}

function clusterNodeOptions(overrides: ClusterOptions['redisOptions'] = {}): NonNullable<ClusterOptions['redisOptions']> {
  // The cluster owns reconnection and the offline queue; the node options carry the rest.
  const { retryStrategy: _r, enableOfflineQueue: _e, ...nodeOptions } = guardRedisOptions();
  return { ...nodeOptions, ...overrides };
}

/**
 * A dedicated guard connection to a Redis Cluster: the same fail-fast options on
 * every node connection, no offline queue at the cluster level, few redirections.
 * ioredis still stalls a call for its redirection retries when a master dies, so
 * the guard bounds every call itself (see RedisQuoteGuardOptions.callTimeoutMs).
 */
export function createGuardCluster(nodes: ClusterNode[], options: ClusterOptions = {}): Cluster {
  const cluster = new Cluster(nodes, {
    enableOfflineQueue: false,
    maxRedirections: 3,
    retryDelayOnFailover: 20,
    retryDelayOnClusterDown: 20,
    retryDelayOnTryAgain: 20,
    clusterRetryStrategy: (attempt: number) => Math.min(20 * attempt, 500),
    ...options,
    redisOptions: clusterNodeOptions(options.redisOptions),
  });
  cluster.on('error', () => {});
  return cluster;
}

/**
 * Resolves once the guard connection can take checks: the client is ready and, for a
 * Cluster, every master's own connection answers PING. With no offline queue a check
 * sent to a master whose socket is still connecting fails at once (and would be decided
 * by the unavailable policy), so call this before taking traffic. Rejects after
 * `timeoutMs` naming what was not ready.
 */
export async function waitForGuardConnection(client: Redis | Cluster, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const ready = (c: Redis | Cluster, what: string): Promise<void> =>
    c.status === 'ready'
      ? Promise.resolve()
      : new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`waitForGuardConnection: ${what} not ready within ${timeoutMs} ms (status ${c.status})`)), Math.max(0, deadline - Date.now()));
          c.once('ready', () => {
            clearTimeout(timer);
            resolve();
          });
        });
  await ready(client, 'client');
  if (!(client instanceof Cluster)) return;
  for (const node of client.nodes('master')) {
    for (;;) {
      try {
        if (node.status === 'wait') await node.connect();
        if ((await node.ping()) === 'PONG') break;
      } catch {
        // still connecting: try again until the deadline
      }
      if (Date.now() > deadline) throw new Error(`waitForGuardConnection: master ${node.options.host}:${node.options.port} not answering within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}
