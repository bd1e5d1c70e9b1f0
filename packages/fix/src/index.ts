/**
 * @tailguard/fix: jspurefix sessions with live instrumentation (order → ack /
 * fill latency, send → encode, SendingTime lag, fix_* session metrics), signed
 * logons, a quote-guarded venue (acceptor) and a loopback harness.
 * Importing this package loads reflect-metadata and jspurefix.
 */
export { BoundedSessionStore, BoundedSessionStoreFactory } from './bounded-session-store.js';
export { CachedDefinitionFactory, CachingSessionContainer, DICTIONARIES_CACHED_MAX } from './dictionary-cache.js';
export {
  ENCODE_TIMINGS_MAX,
  EngineSession,
  PENDING_ORDERS_MAX_DEFAULT,
  SEND_ORDER_REASONS,
  type EngineSessionOptions,
  type OrderReportListener,
  type SendOrderReason,
  type SendOrderResult,
} from './engine-session.js';
export { FixLauncher, type FixLauncherOptions } from './fix-launcher.js';
export {
  FIX_ROUTE_AWAITING_MAX_DEFAULT,
  FixOrderRoute,
  registerFixRoutePromMetrics,
  type FixOrderRouteOptions,
} from './fix-order-route.js';
export { FixMetrics, OTHER_SESSION, type FixLatencyKind, type FixMetricsOptions } from './fix-metrics.js';
export {
  INBOUND_MESSAGE_BYTES_MAX_DEFAULT,
  InstrumentedSession,
  type InstrumentedSessionOptions,
} from './instrumented-session.js';
export {
  ed25519LogonVerifier,
  hmacSha256LogonVerifier,
  SignedLogonMsgFactory,
  sohJoinedLogonPrehash,
  type LogonPrehash,
  type LogonPrehashFields,
  type LogonSigning,
  type LogonVerifier,
} from './logon-signature.js';
export { BoundTcpAcceptor, type ListeningCallback } from './loopback-acceptor.js';
export {
  LOOPBACK_HOST,
  startLoopback,
  type LoopbackEngine,
  type LoopbackEngineSpec,
  type LoopbackHarness,
  type LoopbackOptions,
} from './loopback-harness.js';
export { FIELD_ABSENT, FIELD_NOT_ONE_CHAR, fieldCharCode, fieldTextOf } from './field-char-code.js';
export { FIX_MALFORMED_REASONS, type FixMalformedReason } from './malformed-reason.js';
export { FIX_MSG_TYPE_LABELS, msgTypeLabelIndex, type FixMsgTypeLabel } from './msg-type-label.js';
export { ORDER_ALIASES_MAX, PendingOrders, type PendingOrder } from './pending-orders.js';
export { registerFixPromMetrics } from './prometheus-export.js';
export { formatUtcTimestampMs, parseUtcTimestampEpochUs } from './sending-time.js';
export {
  fixSocketStates,
  socketNoDelay,
  tcpSocketOf,
  type FixSocketState,
  type FixSocketStateSource,
} from './tcp-no-delay.js';
export { fillReport, ordRejReasonOf, rejectReport } from './execution-report.js';
export { FixSessionStats, type FixRole, type FixStatsSource } from './session-stats.js';
export {
  NO_QUOTE_ID_POLICIES,
  NO_QUOTE_ID_REASON,
  VenueSession,
  type IssuedQuote,
  type NoQuoteIdPolicy,
  type VenueSessionOptions,
} from './venue-session.js';
export { AsciiSession, EmptyLogFactory, JsFixLoggerFactory, MsgTag, MsgType, SessionState } from './jspurefix.js';
