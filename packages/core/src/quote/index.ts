export {
  PRICE_MOVE_DIRECTIONS,
  QUOTE_REASONS,
  QUOTE_REASON_CODE,
  QUOTE_REASON_MAPPINGS,
  type IaRejectCategory,
  type PriceMoveDirection,
  type QuoteReason,
  type QuoteReasonMapping,
} from './quote-reasons.js';
export {
  EPOCH_US_MAX,
  EPOCH_US_MIN,
  QUOTE_ID_LENGTH_MAX,
  QUOTE_RECORD_FIELDS,
  invalidQuoteField,
  isPlausibleEpochUs,
  isValidId,
  isValidPx,
  type QuoteRecord,
  type QuoteRecordField,
  type StoredQuote,
} from './quote-record.js';
export {
  InMemoryQuoteStore,
  QUOTES_MAX_DEFAULT,
  QUOTES_MAX_LIMIT,
  QUOTE_TTL_MS_DEFAULT,
  type InMemoryQuoteStoreOptions,
  type QuoteStore,
} from './quote-store.js';
export {
  InMemoryReplayGuard,
  REPLAY_MAX_DEFAULT,
  REPLAY_MAX_LIMIT,
  REPLAY_TTL_QUEUES_MAX,
  type InMemoryReplayGuardOptions,
  type ReplayFullPolicy,
  type ReplayGuard,
  type ReplayMarkOutcome,
} from './replay-guard.js';
export { EmbeddedReplayMarks, markQuote, type MarkedQuote } from './embedded-replay-marks.js';
export {
  CLOCK_ERROR_POLICIES,
  DEFAULT_QUOTE_POLICY,
  MAX_AGE_MS_PRESETS,
  OTHER_INSTRUMENT_LABEL,
  QUOTE_INSTRUMENTS_CONFIGURED_MAX,
  STORE_UNAVAILABLE_POLICIES,
  replayTtlNs,
  resolveQuotePolicies,
  type ClockErrorPolicy,
  type QuotePolicy,
  type QuotePolicyOptions,
  type ResolvedQuotePolicies,
  type StoreUnavailablePolicy,
} from './quote-policy.js';
export {
  decideQuote,
  decideQuoteCode,
  newQuoteDecisionDetail,
  newQuoteDecisionInput,
  type QuoteDecisionDetail,
  type QuoteDecisionInput,
  type ReplayState,
} from './quote-decision.js';
export {
  RECORD_QUOTE_REASONS,
  isValidQuoteCheckRequest,
  type QuoteCheckRequest,
  type QuoteCheckResult,
  type QuoteChecker,
  type RecordQuoteReason,
  type RecordQuoteResult,
} from './quote-check.js';
export { QUOTE_AGE_BOUNDS_NS, QuoteGuardCounters, type QuoteWindowOptions } from './quote-guard-counters.js';
export {
  INSTRUMENTS_TRACKED_MAX_DEFAULT,
  QuoteGuard,
  type QuoteAgeBasis,
  type QuoteGuardOptions,
  type QuoteSampleSink,
} from './quote-guard.js';
export { QUOTE_GUARD_PROMETHEUS_METRICS, registerQuoteGuardPrometheus } from './quote-guard-prometheus.js';
export { QUOTE_GUARD_OPENTELEMETRY_INSTRUMENTS, registerQuoteGuardOpenTelemetry } from './quote-guard-opentelemetry.js';
