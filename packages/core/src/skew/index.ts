export type { SkewSource, SkewStatus } from './skew-source.js';
export { FixedSkewSource, ZERO_SKEW } from './fixed-skew-source.js';
export { combineSkewSources } from './combined-skew-source.js';
export {
  CHRONY_LEAP_STATUSES,
  CHRONY_LEAP_STATUS_CODES,
  CHRONY_LEAP_STATUS_TEXT,
  CHRONY_LOCAL_REF_ID,
  chronyErrorBoundUs,
  type ChronyLeapStatus,
  type ChronyTrackingRecord,
} from './chrony-tracking-record.js';
export {
  CHRONY_PARSE_ERROR_CODES,
  CHRONY_TRACKING_FIELD_COUNT,
  parseChronyTracking,
  type ChronyParseErrorCode,
  type ChronyTrackingParse,
} from './chrony-tracking-parser.js';
export {
  CHRONY_SOURCES_MAX,
  parseChronySources,
  type ChronySourceMode,
  type ChronySourceRecord,
  type ChronySourcesParse,
  type ChronySourceState,
} from './chrony-sources-parser.js';
export {
  CHRONY_POLL_FAILURE_KINDS,
  CHRONY_SKEW_REASONS,
  type ChronyPollFailureKind,
  type ChronySkewReason,
  type ChronySkewStatus,
} from './chrony-skew-reasons.js';
export type { ChronySkewJudgeOptions } from './chrony-skew-options.js';
export { ChronySkewJudge, type ChronySkewSnapshot } from './chrony-skew-judge.js';
export { ChronySkewSource, type ChronySkewSourceOptions } from './chrony-skew-source.js';
export { CHRONY_METRICS, chronyGaugeValues, type ChronyGaugeValues } from './chrony-metric-values.js';
export { registerChronyPrometheus } from './chrony-prometheus.js';
export { registerChronyOpenTelemetry } from './chrony-opentelemetry.js';
