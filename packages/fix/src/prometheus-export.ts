import { pushHistogramSamples, registerPromCollector, type PromSample, type Operation } from '@tailguard/core';
import type { Registry } from 'prom-client';
import type { FixMetrics } from './fix-metrics.js';
import { FIX_MALFORMED_REASONS } from './malformed-reason.js';
import { FIX_MSG_TYPE_LABELS } from './msg-type-label.js';
import type { FixSessionStats } from './session-stats.js';

const QUANTILES = [0.5, 0.9, 0.99, 0.999, 1] as const;
const DIRECTIONS = ['in', 'out'] as const;

type Latency = 'orderAck' | 'orderFill' | 'sendEncode' | 'sendingTimeLag';

const LATENCIES: readonly { key: Latency; name: string; help: string }[] = [
  { key: 'orderAck', name: 'fix_order_ack_latency_seconds', help: 'Order sent to its first execution report' },
  { key: 'orderFill', name: 'fix_order_fill_latency_seconds', help: 'Order sent to its first fill' },
  { key: 'sendEncode', name: 'fix_send_encode_seconds', help: 'sendOrder call to the message encoded and handed to the socket' },
  {
    key: 'sendingTimeLag',
    name: 'fix_sending_time_lag_seconds',
    help: 'Receive wall time minus SendingTime(52), sampled: wire delay plus clock skew (negative lags recorded as 0)',
  },
];

function windowOf(stats: FixSessionStats, key: Latency): Operation | undefined {
  return stats[key];
}

/**
 * Registers every `fix_*` metric on the application's prom-client Registry.
 * All values are read at scrape time from {@link FixMetrics}; label objects
 * are built per scrape, never on the hot path. Session labels are the
 * configured counterparties (bounded by `sessionsMax`), `msg_type` is the
 * bounded set of {@link FIX_MSG_TYPE_LABELS}. Call once per registry.
 */
export function registerFixPromMetrics(registry: Registry, metrics: FixMetrics): void {
  const each = (fn: (s: FixSessionStats, out: PromSample[]) => void) => (): PromSample[] => {
    const out: PromSample[] = [];
    for (const s of metrics.sessions()) fn(s, out);
    return out;
  };
  const perSession = (name: string, help: string, type: 'counter' | 'gauge', value: (s: FixSessionStats) => number): void =>
    registerPromCollector(registry, {
      name,
      help,
      type,
      collect: each((s, out) => out.push({ labels: { session: s.session }, value: value(s) })),
    });

  registerPromCollector(registry, {
    name: 'fix_session_up',
    help: '1 while the session is logged on',
    type: 'gauge',
    collect: each((s, out) => out.push({ labels: { session: s.session, role: s.role }, value: s.up })),
  });
  perSession('fix_session_state', 'jspurefix SessionState value (17 = ActiveNormalSession, 23 = Stopped)', 'gauge', (s) =>
    s.source !== undefined ? (s.state = s.source.getState()) : s.state,
  );
  registerPromCollector(registry, {
    name: 'fix_messages_total',
    help: 'FIX messages by direction and MsgType(35); unknown types counted as other',
    type: 'counter',
    collect: each((s, out) => {
      for (const direction of DIRECTIONS) {
        const counts = direction === 'in' ? s.messagesIn : s.messagesOut;
        for (let i = 0; i < counts.length; i++) {
          if (counts[i]! > 0) out.push({ labels: { session: s.session, direction, msg_type: FIX_MSG_TYPE_LABELS[i]! }, value: counts[i]! });
        }
      }
    }),
  });
  registerPromCollector(registry, {
    name: 'fix_bytes_total',
    help: 'FIX bytes by direction',
    type: 'counter',
    collect: each((s, out) => {
      out.push({ labels: { session: s.session, direction: 'in' }, value: s.bytesIn });
      out.push({ labels: { session: s.session, direction: 'out' }, value: s.bytesOut });
    }),
  });
  registerPromCollector(registry, {
    name: 'fix_seq_num',
    help: 'Last MsgSeqNum(34) sent (out) and received (in)',
    type: 'gauge',
    collect: each((s, out) => {
      if (s.source !== undefined) {
        s.seqOut = s.source.lastSentSeqNum();
        s.seqIn = s.source.lastPeerSeqNum();
      }
      out.push({ labels: { session: s.session, direction: 'in' }, value: s.seqIn });
      out.push({ labels: { session: s.session, direction: 'out' }, value: s.seqOut });
    }),
  });
  registerPromCollector(registry, {
    name: 'fix_socket_nodelay',
    help: 'TCP_NODELAY on the logged-on session socket: 1 on, 0 off (Nagle delays small orders); absent while no socket is open',
    type: 'gauge',
    collect: each((s, out) => {
      if (s.up !== 1) return;
      const socket = s.source?.socketState();
      if (socket !== undefined) out.push({ labels: { session: s.session }, value: socket.noDelay ? 1 : 0 });
    }),
  });
  perSession('fix_gaps_detected_total', 'Inbound sequence gaps detected (ResendRequests sent)', 'counter', (s) => s.gapsDetectedTotal);
  perSession('fix_reconnects_total', 'Logons after the first on this session label', 'counter', (s) => s.reconnectsTotal);
  perSession('fix_pending_orders', 'Orders awaiting a final state', 'gauge', (s) => s.source?.pendingOrderCount() ?? 0);
  perSession('fix_send_queue_depth', 'Messages written to the encoder and not yet encoded', 'gauge', (s) => s.source?.sendQueueDepth() ?? 0);
  perSession('fix_orders_unknown_total', 'Orders pending when the session ended: outcome UNKNOWN, neither filled nor failed', 'counter', (s) => s.ordersUnknownTotal);
  perSession('fix_pending_orders_overflow_total', 'Orders sent untracked because the pending map was at its maximum', 'counter', (s) => s.pendingOverflowTotal);
  perSession('fix_unmatched_execution_reports_total', 'Execution reports that matched no pending order', 'counter', (s) => s.unmatchedReportsTotal);
  perSession('fix_possdup_ignored_total', 'Execution reports ignored because PossDupFlag or PossResend was set', 'counter', (s) => s.possDupIgnoredTotal);
  perSession('fix_sending_time_lag_negative_total', 'SendingTime lag samples below zero (peer clock ahead)', 'counter', (s) => s.sendingTimeLagNegativeTotal);
  perSession(
    'fix_store_evicted_total',
    'Sent messages pushed out of the bounded session store ring (storeMessagesMax); jspurefix answers every ResendRequest with a gap fill either way',
    'counter',
    (s) => s.storeEvictedTotal + (s.up === 1 ? (s.source?.liveStoreEvicted() ?? 0) : 0),
  );
  perSession('fix_logons_refused_total', 'Peer logons refused (bad signature or credentials)', 'counter', (s) => s.logonsRefusedTotal);
  registerPromCollector(registry, {
    name: 'fix_malformed_messages_total',
    help: 'Malformed inbound messages by reason; the session stays up',
    type: 'counter',
    collect: each((s, out) => {
      for (let i = 0; i < FIX_MALFORMED_REASONS.length; i++) {
        out.push({ labels: { session: s.session, reason: FIX_MALFORMED_REASONS[i]! }, value: s.malformed[i]! });
      }
    }),
  });
  registerPromCollector(registry, {
    name: 'fix_venue_orders_total',
    help: 'Venue: orders answered, by outcome (shadow_filled = failed the guard, filled because not enforced)',
    type: 'counter',
    collect: each((s, out) => {
      if (s.role !== 'acceptor') return;
      out.push({ labels: { session: s.session, outcome: 'filled' }, value: s.venueFilledTotal });
      out.push({ labels: { session: s.session, outcome: 'rejected' }, value: s.venueRejectedTotal });
      out.push({ labels: { session: s.session, outcome: 'shadow_filled' }, value: s.venueShadowFilledTotal });
    }),
  });
  registerPromCollector(registry, {
    name: 'fix_sessions_overflow_total',
    help: 'Sessions counted under session="other" because sessionsMax was reached',
    type: 'counter',
    collect: () => [{ value: metrics.sessionsOverflowTotal }],
  });

  for (const { key, name, help } of LATENCIES) {
    registerPromCollector(registry, {
      name,
      help: `${help} (cumulative)`,
      type: 'histogram',
      collect: each((s, out) => {
        const op = windowOf(s, key);
        if (op !== undefined) pushHistogramSamples(out, name, { session: s.session }, op.window.cumulative());
      }),
    });
    const windowName = name.replace(/_seconds$/, '_window_seconds');
    registerPromCollector(registry, {
      name: windowName,
      help: `${help}: quantiles of the live window`,
      type: 'gauge',
      collect: each((s, out) => {
        const op = windowOf(s, key);
        if (op === undefined) return;
        for (const q of QUANTILES) out.push({ labels: { session: s.session, quantile: q }, value: op.window.quantileNs(q) / 1e9 });
      }),
    });
  }
}
