export { DEFAULT_LATENCY_BOUNDS_NS } from './latency-buckets.js';
export {
  SlidingWindow,
  type CumulativeHistogram,
  type SlidingWindowOptions,
  type WindowSnapshot,
} from './sliding-window.js';
