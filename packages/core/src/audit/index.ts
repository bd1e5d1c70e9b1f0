export {
  EPOCH_US_PLAUSIBLE_MAX,
  EPOCH_US_PLAUSIBLE_MIN,
  EPOCH_US_PROBLEMS,
  describeEpochUsProblem,
  epochUsProblem,
  type EpochUsProblem,
} from './epoch-us-plausibility.js';
export {
  STALENESS_HIGHEST_TRACKABLE_US_DEFAULT,
  STALENESS_INVALID_REASONS,
  STALENESS_THRESHOLD_US_DEFAULT,
  StalenessAudit,
  auditStaleness,
  type StalenessAuditOptions,
  type StalenessInvalidReason,
  type StalenessRecordOutcome,
  type StalenessReport,
  type StalenessSample,
} from './staleness-audit.js';
