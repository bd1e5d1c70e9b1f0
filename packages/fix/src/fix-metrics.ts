import type { LatencyMonitor, Operation } from '@tailguard/core';
import { FixSessionStats, type FixRole } from './session-stats.js';

/** Options of {@link FixMetrics}. */
export interface FixMetricsOptions {
  /** Monitor whose windows hold the FIX latencies (it gets 4 operations per initiator label, 1 per acceptor label: size its operationsMax). */
  monitor: LatencyMonitor;
  /** Distinct session labels; more are counted under `other` and in `sessionsOverflowTotal`. Default 32. */
  sessionsMax?: number;
  /** Sample SendingTime(52) lag on one inbound message in this many. Default 16. */
  sendingTimeLagSampleEvery?: number;
}

/** Label used for sessions beyond `sessionsMax` or counterparties not configured. */
export const OTHER_SESSION = 'other';

const SESSION_LABEL = /^[A-Za-z0-9_.-]{1,40}$/;

/** Latency kinds a session records, each an operation `<kind>:<session>` on the monitor. */
export type FixLatencyKind = 'fix_order_ack' | 'fix_order_fill' | 'fix_send_encode' | 'fix_sending_time_lag';

/**
 * Everything the FIX sessions of one application count: one
 * {@link FixSessionStats} per session label (bounded), and latency windows on
 * the application's {@link LatencyMonitor}. Pass one instance to every session
 * and register it once with `registerFixPromMetrics`.
 */
export class FixMetrics {
  /** Monitor holding the windows. */
  readonly monitor: LatencyMonitor;
  /** Maximum distinct session labels. */
  readonly sessionsMax: number;
  /** One inbound message in this many has its SendingTime lag measured. */
  readonly sendingTimeLagSampleEvery: number;
  /** Sessions counted under `other` because `sessionsMax` was reached. */
  sessionsOverflowTotal = 0;
  private readonly byLabel = new Map<string, FixSessionStats>();

  constructor(options: FixMetricsOptions) {
    this.monitor = options.monitor;
    this.sessionsMax = options.sessionsMax ?? 32;
    this.sendingTimeLagSampleEvery = options.sendingTimeLagSampleEvery ?? 16;
    if (!Number.isInteger(this.sessionsMax) || this.sessionsMax < 1 || this.sessionsMax > 1_000) {
      throw new RangeError(`FixMetrics: sessionsMax must be an integer in [1, 1000], got ${this.sessionsMax}`);
    }
    if (!Number.isInteger(this.sendingTimeLagSampleEvery) || this.sendingTimeLagSampleEvery < 1) {
      throw new RangeError(`FixMetrics: sendingTimeLagSampleEvery must be a positive integer, got ${this.sendingTimeLagSampleEvery}`);
    }
  }

  /**
   * Stats for a session label, created on first use. Called when a session is
   * built, never per message. Throws on a label that is not a plain configured
   * name (letters, digits, `_ . -`, at most 40).
   */
  session(label: string, role: FixRole): FixSessionStats {
    const existing = this.byLabel.get(label);
    if (existing !== undefined) return existing;
    if (!SESSION_LABEL.test(label)) {
      throw new TypeError(`FixMetrics: session label ${JSON.stringify(label)} must match ${SESSION_LABEL} (use the configured counterparty name)`);
    }
    if (this.byLabel.size >= this.sessionsMax && label !== OTHER_SESSION) {
      this.sessionsOverflowTotal++;
      return this.session(OTHER_SESSION, role);
    }
    const stats = new FixSessionStats(label, role);
    this.byLabel.set(label, stats);
    return stats;
  }

  /** The latency window of `kind` for `stats`, created once. */
  latency(stats: FixSessionStats, kind: FixLatencyKind): Operation {
    return this.monitor.operation(`${kind}:${stats.session}`);
  }

  /** All session stats, in creation order. */
  sessions(): IterableIterator<FixSessionStats> {
    return this.byLabel.values();
  }
}
