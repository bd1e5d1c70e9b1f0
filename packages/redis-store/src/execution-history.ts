import type { RedisClient } from './redis-client.js';
import { RedisAuditStream } from './audit-stream.js';
import { keyLayout } from './key-layout.js';

/** One filled execution as the staleness audit reads it back. */
export interface ExecutionRecord {
  quoteId: string;
  clientId: string;
  execId: string;
  instrument: string;
  /** The quote's issue time, epoch µs. */
  quoteEpochUs: number;
  /** The execution's check time, epoch µs. */
  execEpochUs: number;
}

/** Options for {@link RedisExecutionHistory}. */
export interface RedisExecutionHistoryOptions {
  /** Stream key (see keyLayout().executionStream). */
  streamKey: string;
  /** How long executions are kept, ms (stream trimmed with `XADD MINID ~`). Default 7 days. */
  retentionMs?: number;
  /** Entries held locally while Redis is unreachable (beyond it dropped and counted). Default 10 000. */
  bufferedEntriesMax?: number;
}

/** Default retention of the execution history: 7 days. */
export const EXECUTION_HISTORY_RETENTION_MS_DEFAULT = 7 * 86_400_000;

/**
 * Execution history for the staleness audit: every filled execution's quote
 * and execution instants in a Redis stream, bounded by time (`MINID ~` trimming
 * on each append), written off the hot path through the same bounded local
 * buffer as the audit stream. The RedisQuoteGuard appends to it when given one;
 * `tailguard audit-staleness --redis URL` reads it with {@link readExecutionHistory}.
 */
export class RedisExecutionHistory extends RedisAuditStream {
  constructor(redis: RedisClient, options: RedisExecutionHistoryOptions) {
    const retentionMs = options.retentionMs ?? EXECUTION_HISTORY_RETENTION_MS_DEFAULT;
    super(redis, {
      streamKey: options.streamKey,
      retentionMs,
      bufferedEntriesMax: options.bufferedEntriesMax,
    });
  }
}

/** Options for {@link readExecutionHistory}. */
export interface ReadExecutionHistoryOptions {
  /** Only executions appended at or after this instant, epoch ms (stream ID time). Default: all. */
  sinceEpochMs?: number;
  /** Entries fetched per XRANGE. Default 1 000. */
  pageSize?: number;
}

/**
 * Reads the execution history oldest first, a page at a time (constant memory).
 * Entries whose instants are missing or not numbers are yielded with NaN so the
 * audit counts them as invalid rather than skipping them silently.
 */
export async function* readExecutionHistory(
  redis: RedisClient,
  streamKey: string,
  options: ReadExecutionHistoryOptions = {},
): AsyncGenerator<ExecutionRecord> {
  const pageSize = options.pageSize ?? 1_000;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 100_000) {
    throw new RangeError(`readExecutionHistory: pageSize must be an integer in [1, 100000], got ${pageSize}`);
  }
  let start = options.sinceEpochMs === undefined ? '-' : String(Math.floor(options.sinceEpochMs));
  for (;;) {
    const page = await redis.xrange(streamKey, start, '+', 'COUNT', pageSize);
    for (const [, fields] of page) {
      const rec: Record<string, string> = {};
      for (let i = 0; i + 1 < fields.length; i += 2) rec[fields[i]!] = fields[i + 1]!;
      yield {
        quoteId: rec.quoteId ?? '',
        clientId: rec.clientId ?? '',
        execId: rec.execId ?? '',
        instrument: rec.instrument ?? '',
        quoteEpochUs: rec.quoteEpochUs === undefined || rec.quoteEpochUs === '' ? NaN : Number(rec.quoteEpochUs),
        execEpochUs: rec.execEpochUs === undefined || rec.execEpochUs === '' ? NaN : Number(rec.execEpochUs),
      };
    }
    if (page.length < pageSize) return;
    start = `(${page[page.length - 1]![0]}`; // exclusive range start (Redis ≥ 6.2)
  }
}

/** What `tailguard audit-staleness --redis URL` opens: a reader over one server's execution history. */
export interface ExecutionHistorySource {
  /** Executions oldest first (constant memory). */
  records(options?: ReadExecutionHistoryOptions): AsyncGenerator<ExecutionRecord>;
  /** The stream read. */
  readonly streamKey: string;
  /** Closes the connection. */
  close(): void;
}

/**
 * Opens the execution history of the server at `url` (`redis://host:port/db`,
 * `rediss://` for TLS) for reading, with key `prefix` (default `tg:`). Used by
 * the core CLI through a dynamic import, so core never depends on this package.
 * Rejects when the server cannot be reached within `connectTimeoutMs`.
 */
export async function openExecutionHistory(url: string, options: { prefix?: string; connectTimeoutMs?: number } = {}): Promise<ExecutionHistorySource> {
  const { Redis } = await import('ioredis');
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: options.connectTimeoutMs ?? 2_000,
    maxRetriesPerRequest: 1,
    retryStrategy: () => null,
  });
  redis.on('error', () => {});
  try {
    await redis.connect();
  } catch (err) {
    redis.disconnect();
    throw err;
  }
  const streamKey = keyLayout(options.prefix).executionStream;
  return {
    streamKey,
    records: (readOptions) => readExecutionHistory(redis, streamKey, readOptions),
    close: () => redis.disconnect(),
  };
}
