import type { Meter } from '@opentelemetry/api';
import { registerPromCollector } from '@tailguard/core';
import type { Registry } from 'prom-client';
import type { RedisClient } from './redis-client.js';

/** One audit record: a reject, a would-reject or a detection flag. Values are flat strings or numbers. */
export type AuditEntry = Readonly<Record<string, string | number>>;

/** Options for {@link RedisAuditStream}. */
export interface RedisAuditStreamOptions {
  /** Stream key (see keyLayout().auditStream). */
  streamKey: string;
  /** Approximate maximum stream length (`XADD MAXLEN ~`). Default 100 000. */
  streamLengthMax?: number;
  /** Entries held locally while Redis is unreachable; beyond it new entries are dropped and counted. Default 10 000. */
  bufferedEntriesMax?: number;
  /** Entries sent per pipeline. Default 256. */
  batchSizeMax?: number;
  /** Delay before retrying after a failed flush. Default 250 ms. */
  retryDelayMs?: number;
  /**
   * Bound the stream by time instead of length: each XADD trims with
   * `MINID ~ <now − retentionMs>` (entry IDs are Redis ms timestamps), so entries
   * older than this go. When set, streamLengthMax is not applied. Used for the
   * execution history of the staleness audit.
   */
  retentionMs?: number;
}

/**
 * The audit trail: rejects, would-rejects and flags appended to a Redis stream
 * with `XADD MAXLEN ~` (bounded), off the hot path. `append` only pushes into a
 * bounded local buffer; a flush loop sends batches in order and removes entries
 * only after Redis acknowledged them, so while Redis is unreachable entries wait
 * and are flushed in order on reconnect. Beyond `bufferedEntriesMax` the newest
 * entries are dropped and counted (`tailguard_audit_dropped_total`).
 *
 * Delivery is at least once: a batch whose reply is lost (timeout) is sent again,
 * so every entry carries `seq` (per process, increasing) and `src` for readers
 * that deduplicate.
 */
export class RedisAuditStream {
  /** Entries dropped because the local buffer was full. */
  droppedTotal = 0;
  /** Entries acknowledged by Redis. */
  writtenTotal = 0;
  /** Flushes that failed (Redis down or slow). */
  flushFailuresTotal = 0;
  private readonly buffer: AuditEntry[] = [];
  private seq = 0;
  private flushing = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly source = `${process.pid}-${Math.floor(Math.random() * 1e9).toString(36)}`;
  private readonly streamKey: string;
  private readonly streamLengthMax: number;
  private readonly bufferedMax: number;
  private readonly batchMax: number;
  private readonly retryDelayMs: number;
  /** Time bound of the stream in ms (MINID trimming), or undefined when bounded by length. */
  readonly retentionMs: number | undefined;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly redis: RedisClient,
    options: RedisAuditStreamOptions,
  ) {
    this.streamKey = options.streamKey;
    this.streamLengthMax = options.streamLengthMax ?? 100_000;
    this.bufferedMax = options.bufferedEntriesMax ?? 10_000;
    this.batchMax = options.batchSizeMax ?? 256;
    this.retryDelayMs = options.retryDelayMs ?? 250;
    this.retentionMs = options.retentionMs;
    if (this.retentionMs !== undefined && !(Number.isInteger(this.retentionMs) && this.retentionMs >= 1)) {
      throw new RangeError(`RedisAuditStream: retentionMs must be a positive integer number of ms, got ${this.retentionMs}`);
    }
    for (const [k, v] of Object.entries({
      streamLengthMax: this.streamLengthMax,
      bufferedEntriesMax: this.bufferedMax,
      batchSizeMax: this.batchMax,
    })) {
      if (!Number.isInteger(v) || v < 1) throw new RangeError(`RedisAuditStream: ${k} must be a positive integer, got ${v}`);
    }
    if (!(this.retryDelayMs >= 1)) throw new RangeError(`RedisAuditStream: retryDelayMs must be ≥ 1, got ${this.retryDelayMs}`);
    // Flush what waited as soon as the connection is back.
    redis.on('ready', () => this.scheduleFlush());
  }

  /** Queues one entry; never throws, never waits. Returns false when it was dropped (buffer full). */
  append(entry: AuditEntry): boolean {
    if (this.buffer.length >= this.bufferedMax) {
      this.droppedTotal++;
      return false;
    }
    this.buffer.push({ ...entry, seq: ++this.seq, src: this.source });
    this.scheduleFlush();
    return true;
  }

  /** Entries waiting to be written. */
  get bufferedCount(): number {
    return this.buffer.length;
  }

  /** Resolves when the buffer is empty (or rejects after `timeoutMs`). */
  async drain(timeoutMs = 5_000): Promise<void> {
    if (this.buffer.length === 0 && !this.flushing) return;
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`RedisAuditStream: ${this.buffer.length} entries not written within ${timeoutMs} ms`)), timeoutMs);
      this.idleWaiters.push(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }

  /** Stops retrying; entries still buffered are kept in memory (see bufferedCount). */
  close(): void {
    this.closed = true;
    if (this.retryTimer !== undefined) clearTimeout(this.retryTimer);
  }

  private scheduleFlush(): void {
    if (this.flushing || this.closed || this.retryTimer !== undefined || this.buffer.length === 0) return;
    this.flushing = true;
    queueMicrotask(() => void this.flush());
  }

  private async flush(): Promise<void> {
    while (this.buffer.length > 0 && !this.closed) {
      const batch = this.buffer.slice(0, this.batchMax);
      const pipeline = this.redis.pipeline();
      // Off the hot path: one wall-clock read per batch for time-bounded trimming.
      const minId = this.retentionMs === undefined ? '' : String(Date.now() - this.retentionMs);
      for (const e of batch) {
        const fields: (string | number)[] = [];
        for (const k in e) fields.push(k, e[k]!);
        if (minId === '') pipeline.xadd(this.streamKey, 'MAXLEN', '~', this.streamLengthMax, '*', ...fields);
        else pipeline.xadd(this.streamKey, 'MINID', '~', minId, '*', ...fields);
      }
      let ok = false;
      try {
        const results = await pipeline.exec();
        ok = results !== null && results.every(([err]) => err === null);
      } catch {
        ok = false;
      }
      if (!ok) {
        this.flushFailuresTotal++;
        this.flushing = false;
        this.retryTimer = setTimeout(() => {
          this.retryTimer = undefined;
          this.scheduleFlush();
        }, this.retryDelayMs);
        this.retryTimer.unref();
        return;
      }
      this.buffer.splice(0, batch.length);
      this.writtenTotal += batch.length;
    }
    this.flushing = false;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  /** Registers `tailguard_audit_dropped_total`, `tailguard_audit_buffered` and write counters. */
  registerPrometheus(registry: Registry): void {
    registerPromCollector(registry, {
      name: 'tailguard_audit_dropped_total',
      help: 'Audit entries dropped because the local buffer (bufferedEntriesMax) was full while Redis was unreachable',
      type: 'counter',
      collect: () => [{ value: this.droppedTotal }],
    });
    registerPromCollector(registry, {
      name: 'tailguard_audit_buffered',
      help: 'Audit entries waiting in the local buffer',
      type: 'gauge',
      collect: () => [{ value: this.buffer.length }],
    });
    registerPromCollector(registry, {
      name: 'tailguard_audit_written_total',
      help: 'Audit entries acknowledged by Redis',
      type: 'counter',
      collect: () => [{ value: this.writtenTotal }],
    });
    registerPromCollector(registry, {
      name: 'tailguard_audit_flush_failures_total',
      help: 'Audit flushes that failed and were retried',
      type: 'counter',
      collect: () => [{ value: this.flushFailuresTotal }],
    });
  }

  /** Registers the same figures as OpenTelemetry observables. */
  registerOpenTelemetry(meter: Meter): void {
    const dropped = meter.createObservableCounter('tailguard.audit.dropped');
    const buffered = meter.createObservableGauge('tailguard.audit.buffered');
    meter.addBatchObservableCallback(
      (r) => {
        r.observe(dropped, this.droppedTotal);
        r.observe(buffered, this.buffer.length);
      },
      [dropped, buffered],
    );
  }
}
