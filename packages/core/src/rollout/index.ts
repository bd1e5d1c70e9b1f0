export { ENFORCE_ALL, ROLLOUT_MODES, type RolloutDecider, type RolloutMode } from './rollout-decider.js';
export { murmur3X86_32 } from './murmur3.js';
export { utf8EncodeInto } from './utf8-encode-into.js';
export {
  ROLLOUT_BASIS_POINTS_MAX,
  ROLLOUT_CLIENT_ID_FAST_LENGTH_MAX,
  ROLLOUT_SALT_LENGTH_MAX,
  SaltedRolloutHasher,
  bucketFromHash,
  rolloutBucket,
  rolloutHash,
} from './rollout-bucket.js';
export {
  ROLLOUT_BUCKET_CACHE_MAX_DEFAULT,
  ROLLOUT_CLIENT_LIST_MAX,
  ROLLOUT_LIST_CLIENT_ID_LENGTH_MAX,
  Rollout,
  validateRolloutConfig,
  type RolloutConfig,
  type RolloutDecisionSource,
  type RolloutExplanation,
  type RolloutOptions,
} from './rollout.js';
export { registerRolloutMetrics, type RolloutMetricsTargets } from './rollout-metrics.js';
