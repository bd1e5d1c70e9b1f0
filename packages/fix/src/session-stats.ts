import type { Operation } from '@tailguard/core';
import { FIX_MALFORMED_REASONS } from './malformed-reason.js';
import { FIX_MSG_TYPE_LABELS } from './msg-type-label.js';
import type { FixSocketStateSource } from './tcp-no-delay.js';

/** Which side of the connection a session is. */
export type FixRole = 'initiator' | 'acceptor';

/** What the exporter reads from the live session at scrape time (its socket's TCP_NODELAY included). */
export interface FixStatsSource extends FixSocketStateSource {
  /** Last MsgSeqNum(34) sent. */
  lastSentSeqNum(): number;
  /** Last MsgSeqNum(34) received from the peer. */
  lastPeerSeqNum(): number;
  /** jspurefix `SessionState` value. */
  getState(): number;
  /** Messages written to the encoder and not yet encoded. */
  sendQueueDepth(): number;
  /** Orders awaiting a final state (0 for a venue). */
  pendingOrderCount(): number;
  /** Sent messages this session's bounded store pushed out of its ring, not yet added to {@link FixSessionStats.storeEvictedTotal}. */
  liveStoreEvicted(): number;
}

/**
 * Counters of one session label (the configured counterparty). They outlive
 * any one connection: an acceptor makes a new session object per connection
 * and a reconnect keeps counting here. The hot path only increments numbers
 * and typed-array slots; the exporter reads them at scrape time.
 */
export class FixSessionStats {
  /** 1 between logon and session end. */
  up = 0;
  /** Last jspurefix SessionState value seen. */
  state = 0;
  /** Inbound messages per {@link FIX_MSG_TYPE_LABELS} index. */
  readonly messagesIn = new Float64Array(FIX_MSG_TYPE_LABELS.length);
  /** Outbound messages per {@link FIX_MSG_TYPE_LABELS} index. */
  readonly messagesOut = new Float64Array(FIX_MSG_TYPE_LABELS.length);
  /** Inbound bytes (as parsed). */
  bytesIn = 0;
  /** Outbound bytes (as encoded). */
  bytesOut = 0;
  /** Sequence gaps detected (each ResendRequest this side sent). */
  gapsDetectedTotal = 0;
  /** Logons after the first on this label. */
  reconnectsTotal = 0;
  /** Logons completed on this label. */
  logonsTotal = 0;
  /** Malformed inbound messages per {@link FIX_MALFORMED_REASONS} index. */
  readonly malformed = new Float64Array(FIX_MALFORMED_REASONS.length);
  /** Orders whose outcome is unknown because the session ended while they were pending. */
  ordersUnknownTotal = 0;
  /** Orders sent untracked because the pending map was full. */
  pendingOverflowTotal = 0;
  /** Execution reports that matched no pending order. */
  unmatchedReportsTotal = 0;
  /** Execution reports ignored because PossDupFlag(43) or PossResend(97) was set. */
  possDupIgnoredTotal = 0;
  /** SendingTime lag samples below zero (peer clock ahead); recorded as 0 in the window. */
  sendingTimeLagNegativeTotal = 0;
  /** Sent messages pushed out of the bounded session store's ring by sessions that ended on this label (the live session's are read at scrape time). */
  storeEvictedTotal = 0;
  /** Logons refused (bad signature or credentials) on this label. */
  logonsRefusedTotal = 0;
  /** Venue: orders filled after passing the guard (or without a guard). */
  venueFilledTotal = 0;
  /** Venue: orders rejected. */
  venueRejectedTotal = 0;
  /** Venue: orders the guard failed but that were filled (shadow mode or not enforced). */
  venueShadowFilledTotal = 0;
  /** Last known values when no session is live. */
  seqOut = 0;
  seqIn = 0;
  /** The live session, read at scrape time. */
  source: FixStatsSource | undefined;

  /** Order → first execution report. Present for initiators. */
  orderAck: Operation | undefined;
  /** Order → first fill. Present for initiators. */
  orderFill: Operation | undefined;
  /** sendOrder call → message encoded and handed to the socket. Present for initiators. */
  sendEncode: Operation | undefined;
  /** Receive wall time − SendingTime(52), sampled. */
  sendingTimeLag: Operation | undefined;

  constructor(
    /** Session label: the configured counterparty, or `other`. */
    readonly session: string,
    /** Side of the connection. */
    readonly role: FixRole,
  ) {}
}
