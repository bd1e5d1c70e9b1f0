import type { LatencyMonitor } from '../monitor/monitor.js';

/**
 * Anything that counts wall-clock steps: {@link SystemClock} and
 * {@link WallStepDetector} both qualify.
 */
export interface ClockStepCounter {
  /** Steps detected since the counter started. */
  readonly stepsTotal: number;
}

/**
 * The step counter an exporter reads: `explicit` when given, else the monitor's
 * clock when it counts steps (the system clock does), else `undefined` (a
 * {@link ManualClock} counts nothing, so no step metric is exported for it).
 */
export function resolveClockStepCounter(
  monitor: LatencyMonitor,
  explicit: ClockStepCounter | undefined,
): ClockStepCounter | undefined {
  if (explicit !== undefined) {
    if (typeof explicit.stepsTotal !== 'number') {
      throw new TypeError('clockSteps: expected an object with a numeric stepsTotal (a SystemClock or WallStepDetector)');
    }
    return explicit;
  }
  const clock = monitor.clock as Partial<ClockStepCounter>;
  return typeof clock.stepsTotal === 'number' ? (clock as ClockStepCounter) : undefined;
}
