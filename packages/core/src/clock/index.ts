export type { Clock } from './clock.js';
export { monoNowNs } from './mono-clock.js';
export { ManualClock } from './manual-clock.js';
export { SystemClock, systemClock, type SystemClockOptions } from './system-clock.js';
export { WallStepDetector, type WallStepDetectorOptions } from './wall-step-detector.js';
