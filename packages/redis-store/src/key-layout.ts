/**
 * Redis key layout. Every key one guard check touches carries the same hash tag
 * (`{q:<quoteId>}`), so the check's Lua script stays in one Redis Cluster slot.
 * Per-client detection keys are tagged by client for the same reason.
 */
export interface KeyLayout {
  /** The configured prefix, e.g. `tg:`. */
  readonly prefix: string;
  /** Hash holding one quote. */
  quote(quoteId: string): string;
  /** String holding the execId that used a quote (SET NX PX: one key per quote, its own TTL). */
  replay(quoteId: string): string;
  /** Hash holding the rollout config. */
  readonly rolloutConfig: string;
  /** Pub/sub channel announcing a rollout change. */
  readonly rolloutChannel: string;
  /** Stream of rejects, would-rejects and flags. */
  readonly auditStream: string;
  /** Stream of executions kept for the staleness audit (trimmed by time). */
  readonly executionStream: string;
  /** Hash of one client's detection counters. */
  detection(clientId: string): string;
}

/** Builds the key layout for `prefix` (default `tg:`); the prefix must not contain braces. */
export function keyLayout(prefix = 'tg:'): KeyLayout {
  if (/[{}]/.test(prefix) || prefix.length > 64) {
    throw new TypeError(`keyLayout: prefix must be at most 64 characters without '{' or '}', got ${JSON.stringify(prefix)}`);
  }
  return {
    prefix,
    quote: (quoteId) => `${prefix}{q:${quoteId}}:quote`,
    replay: (quoteId) => `${prefix}{q:${quoteId}}:replay`,
    rolloutConfig: `${prefix}rollout`,
    rolloutChannel: `${prefix}rollout:changed`,
    auditStream: `${prefix}audit`,
    executionStream: `${prefix}executions`,
    detection: (clientId) => `${prefix}{c:${clientId}}:detection`,
  };
}
