import { InMemoryDetectionStateStore, type ClientDetectionState, type DetectionStateStore } from '@tailguard/core';
import { keyLayout, type KeyLayout } from './key-layout.js';
import type { RedisClient } from './redis-client.js';

/**
 * Applies one process's counter deltas to a client's shared hash, at most once
 * per (source, seq), refreshes its TTL and returns every field.
 * KEYS[1] detection hash. ARGV: [1] source id, [2] seq, [3] ttl ms, then field/delta pairs.
 */
const APPLY_DELTAS_LUA = `
local seqField = 'seq:' .. ARGV[1]
local last = tonumber(redis.call('HGET', KEYS[1], seqField) or '0')
if tonumber(ARGV[2]) > last then
  for i = 4, #ARGV, 2 do redis.call('HINCRBYFLOAT', KEYS[1], ARGV[i], ARGV[i + 1]) end
  redis.call('HSET', KEYS[1], seqField, ARGV[2])
end
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return redis.call('HGETALL', KEYS[1])
`;

/** Options for {@link RedisDetectionStateStore}. */
export interface RedisDetectionStateStoreOptions {
  /** Key layout (per-client hashes `{c:<clientId>}`). Default `keyLayout('tg:')`. */
  keys?: KeyLayout;
  /** Clients held locally (LRU). Default 10 000. */
  clientsMax?: number;
  /** TTL of a client's shared hash, refreshed on every sync, ms. Default 24 h. */
  ttlMs?: number;
  /** Clients synced per {@link RedisDetectionStateStore.sync} call at most (the rest wait for the next). Default 1 000. */
  clientsPerSyncMax?: number;
}

/** The additive fields of a client's state: shared by summing across processes. */
function flatten(s: ClientDetectionState, out: number[]): number[] {
  out.length = 0;
  out.push(s.fillsTotal, s.staleHitN, s.staleHitFavourable, s.staleHitTies);
  for (let i = 0; i < s.markoutN.length; i++) out.push(s.markoutN[i]!, s.markoutSumBps[i]!, s.markoutSumSqBps[i]!);
  for (const c of s.quoteAgeCounts) out.push(c);
  return out;
}

function fieldNames(s: ClientDetectionState): string[] {
  const names = ['fills', 'staleN', 'staleFav', 'staleTies'];
  for (let i = 0; i < s.markoutN.length; i++) names.push(`mN${i}`, `mSum${i}`, `mSumSq${i}`);
  for (let i = 0; i < s.quoteAgeCounts.length; i++) names.push(`age${i}`);
  return names;
}

function write(s: ClientDetectionState, v: readonly number[]): void {
  s.fillsTotal = v[0]!;
  s.staleHitN = v[1]!;
  s.staleHitFavourable = v[2]!;
  s.staleHitTies = v[3]!;
  let k = 4;
  for (let i = 0; i < s.markoutN.length; i++) {
    s.markoutN[i] = v[k++]!;
    s.markoutSumBps[i] = v[k++]!;
    s.markoutSumSqBps[i] = v[k++]!;
  }
  for (let i = 0; i < s.quoteAgeCounts.length; i++) s.quoteAgeCounts[i] = v[k++]!;
}

/**
 * Per-client detection state shared across engine processes: a
 * {@link DetectionStateStore} for core's ArbitrageDetector that keeps the
 * working state in a local LRU (the detector reads and writes it synchronously,
 * allocation-free) and, on {@link sync} (a timer from {@link start}), merges the
 * additive counters (fills, markout n / Σ / Σ² per horizon, stale-hit counts,
 * quote-age buckets) with every other process through one hash per client
 * (`{c:<clientId>}` hash tag, TTL refreshed on each sync). Each process sends only
 * its delta since the last sync and takes back the totals, so a client spread over
 * several engines is judged on all its fills, one sync interval late at most.
 *
 * A delta is applied at most once (a per-process sequence number in the hash), so
 * a sync retried after a timeout never double-counts. Pattern state (the
 * pre-filter ring, flags, samples) stays local. A client evicted from the local LRU
 * before its next sync loses its unsynced delta (counted in `unsyncedEvictionsTotal`).
 */
export class RedisDetectionStateStore implements DetectionStateStore {
  /** Syncs that failed (Redis unreachable); their clients stay dirty for the next one. */
  syncFailuresTotal = 0;
  /** Client merges completed. */
  clientsSyncedTotal = 0;
  /** Clients evicted locally with a delta not yet synced. */
  unsyncedEvictionsTotal = 0;
  readonly clientsMax: number;
  private readonly inner: InMemoryDetectionStateStore;
  private readonly keys: KeyLayout;
  private readonly ttlMs: number;
  private readonly perSyncMax: number;
  private readonly dirty = new Set<string>();
  /** Shared totals as last merged into the local state, per client. */
  private readonly base = new Map<string, number[]>();
  /** Calls whose outcome is unknown (failed or timed out), resent unchanged; at most one per held client. */
  private readonly unconfirmed = new Map<string, { args: (string | number)[]; sent: number[] }>();
  private readonly source = `${process.pid}-${Math.floor(Math.random() * 1e9).toString(36)}`;
  private seq = 0;
  private syncing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private names: string[] | undefined;
  private readonly scratch: number[] = [];

  constructor(
    private readonly redis: RedisClient,
    options: RedisDetectionStateStoreOptions = {},
  ) {
    this.inner = new InMemoryDetectionStateStore({ clientsMax: options.clientsMax });
    this.clientsMax = this.inner.clientsMax;
    this.keys = options.keys ?? keyLayout();
    this.ttlMs = options.ttlMs ?? 86_400_000;
    if (!Number.isInteger(this.ttlMs) || this.ttlMs < 1_000) throw new RangeError(`RedisDetectionStateStore: ttlMs must be an integer ≥ 1000, got ${this.ttlMs}`);
    this.perSyncMax = options.clientsPerSyncMax ?? 1_000;
    if (!Number.isInteger(this.perSyncMax) || this.perSyncMax < 1) {
      throw new RangeError(`RedisDetectionStateStore: clientsPerSyncMax must be a positive integer, got ${this.perSyncMax}`);
    }
    if ((redis as unknown as Record<string, unknown>).tgApplyDetection === undefined) {
      redis.defineCommand('tgApplyDetection', { lua: APPLY_DELTAS_LUA, numberOfKeys: 1 });
    }
  }

  /** @inheritdoc (marks the client for the next sync: the caller may update it). */
  peek(clientId: string): ClientDetectionState | undefined {
    const s = this.inner.peek(clientId);
    if (s !== undefined) this.dirty.add(clientId);
    return s;
  }

  /** @inheritdoc */
  getOrCreate(clientId: string, nowMonoNs: number, create: (clientId: string, nowMonoNs: number) => ClientDetectionState): ClientDetectionState {
    // The inner LRU evicts its least recent client (first in values()) when a new one arrives full.
    const victim =
      this.inner.size() >= this.clientsMax && this.inner.peek(clientId) === undefined ? this.inner.values().next().value?.clientId : undefined;
    const s = this.inner.getOrCreate(clientId, nowMonoNs, create);
    if (victim !== undefined && this.inner.peek(victim) === undefined) {
      this.base.delete(victim);
      this.unconfirmed.delete(victim);
      if (this.dirty.delete(victim)) this.unsyncedEvictionsTotal++;
    }
    this.dirty.add(clientId);
    return s;
  }

  /** @inheritdoc */
  delete(clientId: string): boolean {
    this.dirty.delete(clientId);
    this.base.delete(clientId);
    this.unconfirmed.delete(clientId);
    return this.inner.delete(clientId);
  }

  /** @inheritdoc */
  size(): number {
    return this.inner.size();
  }

  /** @inheritdoc */
  values(): IterableIterator<ClientDetectionState> {
    return this.inner.values();
  }

  /** @inheritdoc */
  evictedTotal(): number {
    return this.inner.evictedTotal();
  }

  /** Clients waiting for a sync. */
  get dirtyCount(): number {
    return this.dirty.size;
  }

  /**
   * Merges the dirty clients with Redis (one script call per client, pipelined by
   * the client library). Never rejects; concurrent calls share one run.
   */
  sync(): Promise<void> {
    this.syncing ??= this.runSync().finally(() => {
      this.syncing = undefined;
    });
    return this.syncing;
  }

  private async runSync(): Promise<void> {
    const ids: string[] = [];
    for (const id of this.dirty) {
      if (ids.length >= this.perSyncMax) break;
      ids.push(id);
    }
    const call = (this.redis as unknown as Record<string, (...a: (string | number)[]) => Promise<string[]>>).tgApplyDetection!.bind(this.redis);
    await Promise.all(
      ids.map(async (id) => {
        const state = this.inner.peek(id);
        if (state === undefined) {
          this.dirty.delete(id);
          return;
        }
        this.dirty.delete(id);
        const names = (this.names ??= fieldNames(state));
        // A call that failed may still have run (timeout): resend it unchanged, same seq,
        // so the script applies it at most once; newer fills go in the next delta.
        let attempt = this.unconfirmed.get(id);
        if (attempt === undefined) {
          const sent = flatten(state, []);
          const base = this.base.get(id);
          const args: (string | number)[] = [this.keys.detection(id), this.source, ++this.seq, this.ttlMs];
          for (let i = 0; i < sent.length; i++) {
            const delta = sent[i]! - (base?.[i] ?? 0);
            if (delta !== 0) args.push(names[i]!, String(delta));
          }
          attempt = { args, sent };
        }
        const sent = attempt.sent;
        let reply: string[];
        try {
          reply = await call(...attempt.args);
        } catch {
          this.syncFailuresTotal++;
          this.unconfirmed.set(id, attempt);
          this.dirty.add(id);
          return;
        }
        this.unconfirmed.delete(id);
        const totals = new Array<number>(sent.length).fill(0);
        for (let i = 0; i + 1 < reply.length; i += 2) {
          const at = names.indexOf(reply[i]!);
          if (at >= 0) totals[at] = Number(reply[i + 1]);
        }
        const current = this.inner.peek(id);
        if (current === undefined) return;
        // Fills recorded while the script ran stay on top of the new totals.
        const now = flatten(current, this.scratch);
        const merged = totals.map((t, i) => t + (now[i]! - sent[i]!));
        write(current, merged);
        this.base.set(id, totals);
        this.clientsSyncedTotal++;
      }),
    );
  }

  /**
   * Pulls the shared totals of one held client now (with this process's pending
   * delta), e.g. before showing its evidence: a client idle on this engine is
   * otherwise refreshed only when it trades here again. Never rejects.
   */
  async refresh(clientId: string): Promise<void> {
    if (this.inner.peek(clientId) === undefined) return;
    this.dirty.add(clientId);
    await this.syncing;
    await this.sync();
  }

  /** Syncs every `intervalMs` (unref'd timer). */
  start(intervalMs = 1_000): this {
    if (!Number.isInteger(intervalMs) || intervalMs < 10) throw new RangeError(`RedisDetectionStateStore: intervalMs must be an integer ≥ 10, got ${intervalMs}`);
    if (this.timer === undefined) {
      this.timer = setInterval(() => void this.sync(), intervalMs);
      this.timer.unref();
    }
    return this;
  }

  /** Stops the timer. */
  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }
}
