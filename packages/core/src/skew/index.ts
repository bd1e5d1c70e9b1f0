export type { SkewSource, SkewStatus } from './skew-source.js';
export { FixedSkewSource, ZERO_SKEW } from './fixed-skew-source.js';
export { combineSkewSources } from './combined-skew-source.js';
