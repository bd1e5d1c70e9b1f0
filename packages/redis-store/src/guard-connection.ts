import { Cluster, Redis, type ClusterNode, type ClusterOptions, type RedisOptions } from 'ioredis';

/** Default per-command timeout of the guard connection, ms: a few ms, well inside a 50 ms quote life. */
export const GUARD_COMMAND_TIMEOUT_MS_DEFAULT = 5;

/**
 * ioredis options for a quote-guard connection: fail fast, never guess.
 * - `enableOfflineQueue: false`: while disconnected a command fails at once instead of waiting for a reconnect;
 * - `maxRetriesPerRequest: 0`: no command is retried by the client (a retry is the engine's decision);
 * - `autoResendUnfulfilledCommands: false`: a check answered by policy during an outage is not silently re-run later;
 * - `commandTimeout`: a few ms (a timed-out script may still have run; see docs/redis.md);
 * - reconnects on its own with a short capped backoff, so checks resume after an outage.
 * `overrides` win over these defaults.
 */
export function guardRedisOptions(overrides: RedisOptions = {}): RedisOptions {
  return {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    commandTimeout: GUARD_COMMAND_TIMEOUT_MS_DEFAULT,
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
