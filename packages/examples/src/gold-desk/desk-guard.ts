import { QuoteGuard, registerQuoteGuardPrometheus, type Clock, type QuoteChecker, type QuotePolicyOptions, type RolloutDecider } from '@tailguard/core';
import type { Registry } from 'prom-client';
import { DESK_INSTRUMENT } from './xauusd-market.js';

/** The desk's guard, whichever store backs it. */
export interface DeskGuard {
  readonly checker: QuoteChecker;
  /** `in-memory` or `redis <url>`, for the tables. */
  readonly description: string;
  /** Registers the guard's metrics on the app's registry. */
  registerMetrics(registry: Registry): void;
  /** Stops timers and closes the guard's own connection. */
  close(): Promise<void>;
}

/**
 * Gold's preset (50 ms max age, 10 bps symmetric price tolerance, dealer-safe).
 * Ages are judged on the wall clock (`ageBasis: 'wall'`), the simulated one
 * here, so they are the same on every machine and for the Redis guard too.
 */
export const DESK_POLICY: QuotePolicyOptions = Object.freeze({ instruments: { [DESK_INSTRUMENT]: { maxAgeMs: 50 } } });

/** Quotes live this long in the store, ms: far beyond the 3 s an arbitrageur holds on to them. */
const QUOTE_TTL_MS = 30_000;

/** The embedded default: core's in-memory {@link QuoteGuard}. */
export function createInMemoryDeskGuard(clock: Clock, rollout: RolloutDecider): DeskGuard {
  const guard = new QuoteGuard({ policy: DESK_POLICY, clock, rollout, ageBasis: 'wall', quoteTtlMs: QUOTE_TTL_MS });
  return {
    checker: guard,
    description: 'in-memory',
    registerMetrics: (registry) => registerQuoteGuardPrometheus(guard, registry),
    close: async () => guard.close(),
  };
}

/** Why a Redis guard could not be made: the message the demo prints before exiting with 2. */
export interface DeskGuardUnavailable {
  readonly unavailable: string;
}

/**
 * The Redis guard of @tailguard/redis-store on a connection to `url`
 * (`redis://host:port[/db]`), with the same policy. Resolves to a reason when
 * the URL is invalid, the package has no Redis guard, or Redis does not answer.
 */
export async function createRedisDeskGuard(url: string, clock: Clock, rollout: RolloutDecider): Promise<DeskGuard | DeskGuardUnavailable> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { unavailable: `--redis must be a URL like redis://127.0.0.1:6379, got ${JSON.stringify(url)}` };
  }
  if (parsed.protocol !== 'redis:') return { unavailable: `--redis must use the redis:// scheme, got ${JSON.stringify(url)}` };
  const store = (await import('@tailguard/redis-store')) as Record<string, unknown>;
  const RedisQuoteGuard = store.RedisQuoteGuard as (new (redis: unknown, options: object) => QuoteChecker & { close(): void; registerPrometheus(r: Registry): void }) | undefined;
  const createGuardConnection = store.createGuardConnection as ((options: object) => RedisConnection) | undefined;
  if (RedisQuoteGuard === undefined || createGuardConnection === undefined) {
    return { unavailable: '@tailguard/redis-store has no RedisQuoteGuard in this build: run without --redis (the in-memory guard)' };
  }
  const db = parsed.pathname.length > 1 ? Number(parsed.pathname.slice(1)) : 0;
  const redis = createGuardConnection({
    host: parsed.hostname,
    port: parsed.port === '' ? 6379 : Number(parsed.port),
    db,
    ...(parsed.password === '' ? {} : { password: decodeURIComponent(parsed.password) }),
    ...(parsed.username === '' ? {} : { username: decodeURIComponent(parsed.username) }),
    commandTimeout: 50, // the guard bounds its own calls; this only bounds PING and cleanup
    lazyConnect: true,
  });
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    redis.disconnect();
    return { unavailable: `cannot reach Redis at ${url}: ${error instanceof Error ? error.message : String(error)}` };
  }
  const guard = new RedisQuoteGuard(redis, { policy: DESK_POLICY, clock, rollout, quoteTtlMs: QUOTE_TTL_MS, keys: undefined });
  return {
    checker: guard,
    description: `redis ${parsed.host}`,
    registerMetrics: (registry) => guard.registerPrometheus(registry),
    close: async () => {
      guard.close();
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}

/** The part of an ioredis connection the demo calls. */
interface RedisConnection {
  connect(): Promise<void>;
  ping(): Promise<string>;
  quit(): Promise<unknown>;
  disconnect(): void;
}
