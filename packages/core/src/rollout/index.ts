export { ENFORCE_ALL, ROLLOUT_MODES, type RolloutDecider, type RolloutMode } from './rollout-decider.js';
