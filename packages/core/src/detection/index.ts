export {
  ArbitrageDetector,
  CLEAR_FLAG_REASONS,
  type ClearFlagReason,
  type ClearFlagRequest,
  type ClearFlagResult,
  type DetectionCounters,
  type DetectionFill,
  type ReviewEntry,
} from './arbitrage-detector.js';
export {
  createClientDetectionState,
  resetClientEvidence,
  type ClientDetectionState,
  type ClientStateShape,
  type FillSample,
} from './client-detection-state.js';
export {
  buildClientEvidence,
  firstTrippedRule,
  markoutHorizonsPassing,
  staleHitPasses,
  trippedRules,
  type ClientEvidence,
  type MarkoutEvidence,
  type RuleThresholds,
  type StaleHitEvidence,
} from './client-evidence.js';
export { DETECTION_METRIC_NAMES, registerDetectionOtelMetrics, registerDetectionPromMetrics } from './detection-metrics.js';
export {
  DEFAULT_MARKOUT_HORIZONS_MS,
  DEFAULT_QUOTE_AGE_BOUNDS_US,
  resolveDetectionOptions,
  type DetectionOptions,
  type ResolvedDetectionOptions,
} from './detection-options.js';
export {
  CLIENT_STATUSES,
  DETECTION_INPUT_REASONS,
  DETECTION_INPUT_RESULTS,
  DETECTION_RULES,
  PREFILTER_RULES,
  type ClientStatus,
  type DetectionInputReason,
  type DetectionInputResult,
  type DetectionRule,
  type PrefilterRule,
} from './detection-rules.js';
export { InMemoryDetectionStateStore, type DetectionStateStore } from './detection-state-store.js';
export { evaluatePrefilter, type PrefilterThresholds } from './interval-prefilter.js';
export {
  binomialZ,
  favourableMoveBps,
  meanOf,
  mergeMarkoutStats,
  sampleSdOf,
  tStatistic,
  type FillSide,
  type MarkoutStats,
} from './markout-math.js';
export { PendingMarkoutQueue } from './pending-markouts.js';
export { quoteAgeBucketIndex, summarizeQuoteAges, type QuoteAgeDistribution } from './quote-age-buckets.js';
