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
