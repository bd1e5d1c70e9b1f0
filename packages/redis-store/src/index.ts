/**
 * @tailguard/redis-store: ioredis implementations of @tailguard/core's store
 * interfaces, shared by several engine processes on Redis or Redis Cluster.
 * The application passes its `Redis` or `Cluster` instance; nothing global.
 */
export { keyLayout, type KeyLayout } from './key-layout.js';
export type { RedisClient } from './redis-client.js';
export {
  RedisTimeSkewSource,
  type RedisOffsetSample,
  type RedisTimeSkewSourceOptions,
} from './redis-time-skew-source.js';
export { RedisAuditStream, type AuditEntry, type RedisAuditStreamOptions } from './audit-stream.js';
export {
  GUARD_COMMAND_TIMEOUT_MS_DEFAULT,
  createGuardCluster,
  createGuardConnection,
  guardRedisOptions,
  waitForGuardConnection,
} from './guard-connection.js';
export { NEED_MID_CODE, RECORD_QUOTE_LUA, quoteCheckLua } from './quote-guard-lua.js';
export { RedisQuoteGuard, type RedisQuoteGuardOptions } from './redis-quote-guard.js';
export {
  EXECUTION_HISTORY_RETENTION_MS_DEFAULT,
  RedisExecutionHistory,
  openExecutionHistory,
  readExecutionHistory,
  type ExecutionHistorySource,
  type ExecutionRecord,
  type ReadExecutionHistoryOptions,
  type RedisExecutionHistoryOptions,
} from './execution-history.js';
export { RedisRollout, type RedisRolloutOptions } from './redis-rollout.js';
export { RedisDetectionStateStore, type RedisDetectionStateStoreOptions } from './redis-detection-store.js';
