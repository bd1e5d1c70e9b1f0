import type { Cluster, Redis } from 'ioredis';

/** Either kind of ioredis client the application passes in. */
export type RedisClient = Redis | Cluster;
