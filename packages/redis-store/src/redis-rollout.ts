import { Rollout, validateRolloutConfig, type RolloutConfig, type RolloutDecider, type RolloutMode, type RolloutOptions } from '@tailguard/core';
import { keyLayout, type KeyLayout } from './key-layout.js';
import type { RedisClient } from './redis-client.js';

/**
 * Publishes a rollout config atomically: the new version is the larger of the
 * stored version + 1 and the publisher's wall clock in ms, so versions keep
 * increasing even across a Redis restart that lost the stored one; stores the
 * config and announces `<version> <json>` on the channel. KEYS[1] rollout hash;
 * ARGV[1] config JSON, ARGV[2] channel, ARGV[3] publisher epoch ms. Returns the version.
 */
const PUBLISH_ROLLOUT_LUA = `
local v = math.max(tonumber(redis.call('HGET', KEYS[1], 'version') or '0') + 1, tonumber(ARGV[3]))
local vs = string.format('%.0f', v)
redis.call('HSET', KEYS[1], 'version', vs, 'config', ARGV[1])
redis.call('PUBLISH', ARGV[2], vs .. ' ' .. ARGV[1])
return vs
`;

/** Options for {@link RedisRollout}. */
export interface RedisRolloutOptions {
  /** Key layout (rollout hash and channel). Default `keyLayout('tg:')`. */
  keys?: KeyLayout;
  /** Config used until one is read from Redis (and kept if Redis never has one). */
  initial: RolloutOptions;
  /** Backstop re-read of the stored config, ms, for a missed message. Default 5 000; 0 disables. */
  refreshIntervalMs?: number;
}

/**
 * A {@link RolloutDecider} shared by every engine: the config lives in Redis
 * (hash `rolloutConfig`, with a version) and each change is pushed on the
 * `rolloutChannel` pub/sub channel, so a percentage change reaches every engine
 * within a round trip, without restart. Decisions are answered synchronously from
 * a local core {@link Rollout}; while Redis is unreachable the last known config
 * stays in force. On every (re)connect of the subscriber and every
 * `refreshIntervalMs` the stored config is re-read, so a change made while an
 * engine was disconnected is applied when it returns. Older versions never
 * replace newer ones.
 *
 * Needs two connections: `redis` for commands and `subscriber` for pub/sub (a
 * connection in subscribe mode can run nothing else), e.g. `redis.duplicate()`.
 */
export class RedisRollout implements RolloutDecider {
  /** The local decider the guard consults. */
  readonly rollout: Rollout;
  /** Configs applied from Redis. */
  appliedTotal = 0;
  /** Configs read from Redis that failed validation (the previous one stays). */
  invalidTotal = 0;
  /** Re-reads that failed (Redis unreachable). */
  refreshFailuresTotal = 0;
  private versionApplied = 0;
  private readonly keys: KeyLayout;
  private readonly refreshIntervalMs: number;
  private timer: NodeJS.Timeout | undefined;
  private readonly publishCommand: string;
  private readonly onMessage = (channel: string, message: string): void => {
    if (channel !== this.keys.rolloutChannel) return;
    const space = message.indexOf(' ');
    this.apply(Number(message.slice(0, space)), message.slice(space + 1));
  };
  private readonly onReady = (): void => void this.refresh();

  constructor(
    private readonly redis: RedisClient,
    private readonly subscriber: RedisClient,
    options: RedisRolloutOptions,
  ) {
    this.keys = options.keys ?? keyLayout();
    this.rollout = new Rollout(options.initial);
    this.refreshIntervalMs = options.refreshIntervalMs ?? 5_000;
    if (!Number.isInteger(this.refreshIntervalMs) || this.refreshIntervalMs < 0) {
      throw new RangeError(`RedisRollout: refreshIntervalMs must be a non-negative integer, got ${this.refreshIntervalMs}`);
    }
    this.publishCommand = 'tgPublishRollout';
    if ((redis as unknown as Record<string, unknown>)[this.publishCommand] === undefined) {
      redis.defineCommand(this.publishCommand, { lua: PUBLISH_ROLLOUT_LUA, numberOfKeys: 1 });
    }
  }

  /** Subscribes, reads the stored config and starts the backstop refresh. Resolves once subscribed; never rejects for Redis being down. */
  async start(): Promise<this> {
    this.subscriber.on('message', this.onMessage);
    this.subscriber.on('ready', this.onReady);
    try {
      await this.subscriber.subscribe(this.keys.rolloutChannel);
    } catch {
      // Resubscribed by ioredis on reconnect (autoResubscribe); the refresh covers the gap.
    }
    await this.refresh();
    if (this.refreshIntervalMs > 0) {
      this.timer = setInterval(() => void this.refresh(), this.refreshIntervalMs);
      this.timer.unref();
    }
    return this;
  }

  /** Re-reads the stored config; true when Redis answered. Never rejects. */
  async refresh(): Promise<boolean> {
    try {
      const [version, json] = await this.redis.hmget(this.keys.rolloutConfig, 'version', 'config');
      if (typeof version === 'string' && typeof json === 'string') this.apply(Number(version), json);
      return true;
    } catch {
      this.refreshFailuresTotal++;
      return false;
    }
  }

  private apply(version: number, json: string): void {
    if (!(version > this.versionApplied)) return;
    try {
      const config = validateRolloutConfig(JSON.parse(json) as RolloutConfig);
      this.rollout.update(config);
      this.versionApplied = version;
      this.appliedTotal++;
    } catch {
      this.invalidTotal++;
    }
  }

  /**
   * Changes the shared config: `patch` over the current local config, validated
   * here (a TypeError naming the field, nothing published), then stored and
   * published in one script. Resolves to the new version; rejects when Redis is
   * unreachable (an operator action, not the hot path).
   */
  async publish(patch: Partial<RolloutConfig>): Promise<number> {
    const next = validateRolloutConfig({ ...this.rollout.config(), ...patch });
    const call = (this.redis as unknown as Record<string, (...a: string[]) => Promise<unknown>>)[this.publishCommand]!;
    // Off the hot path: the wall clock only orders versions across Redis restarts.
    const version = Number(await call.call(this.redis, this.keys.rolloutConfig, JSON.stringify(next), this.keys.rolloutChannel, String(Date.now())));
    this.apply(version, JSON.stringify(next));
    return version;
  }

  /** Version of the config in force (0: the initial one, nothing read from Redis yet). */
  get version(): number {
    return this.versionApplied;
  }

  /** @inheritdoc */
  mode(): RolloutMode {
    return this.rollout.mode();
  }

  /** @inheritdoc */
  isEnforced(clientId: string): boolean {
    return this.rollout.isEnforced(clientId);
  }

  /** Stops listening and refreshing; the connections are the caller's. */
  close(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    this.subscriber.off('message', this.onMessage);
    this.subscriber.off('ready', this.onReady);
  }
}
