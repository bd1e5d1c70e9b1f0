/** Options for {@link WallStepDetector}. */
export interface WallStepDetectorOptions {
  /** A change of (wall − monotonic) larger than this is a step. Default 1 000 µs. */
  stepBoundUs?: number;
  /** Called once per detected step with the signed size of the step. */
  onStep?: (stepUs: number) => void;
}

/**
 * Detects wall-clock steps (chrony `makestep`, an operator's `date -s`) by watching
 * `wall − monotonic`. NTP slewing moves both clocks together on Linux, so that
 * difference only jumps when the wall clock is stepped.
 *
 * The wall reading may be coarse (`Date.now()` is whole milliseconds): the detector
 * keeps the largest lower bound of the offset it has seen, which converges on the
 * true offset as readings land near millisecond edges, and treats a reading as a
 * step only when it falls outside `[bound − resolution − stepBound, bound + stepBound]`.
 */
export class WallStepDetector {
  /** Number of steps detected since construction. */
  stepsTotal = 0;
  /** Signed size of the last detected step in µs (0 before any). */
  lastStepUs = 0;
  private offsetLowerUs = Number.NaN;
  private readonly stepBoundUs: number;
  private readonly onStep: ((stepUs: number) => void) | undefined;

  constructor(options: WallStepDetectorOptions = {}) {
    const stepBoundUs = options.stepBoundUs ?? 1_000;
    if (!Number.isFinite(stepBoundUs) || stepBoundUs <= 0) {
      throw new RangeError(`WallStepDetector: stepBoundUs must be a positive number of microseconds, got ${stepBoundUs}`);
    }
    this.stepBoundUs = stepBoundUs;
    this.onStep = options.onStep;
  }

  /**
   * Feeds one paired reading. `wallResolutionUs` is the granularity of the wall
   * reading (1 000 for `Date.now()`, 0 for an exact source). Returns the signed
   * step in µs, or 0 when no step was seen.
   */
  observe(monoNs: number, wallEpochUs: number, wallResolutionUs = 0): number {
    const lowerUs = wallEpochUs - monoNs / 1_000;
    if (Number.isNaN(this.offsetLowerUs)) {
      this.offsetLowerUs = lowerUs;
      return 0;
    }
    const deltaUs = lowerUs - this.offsetLowerUs;
    if (deltaUs > this.stepBoundUs || deltaUs < -(this.stepBoundUs + wallResolutionUs)) {
      this.offsetLowerUs = lowerUs;
      this.stepsTotal++;
      this.lastStepUs = deltaUs;
      this.onStep?.(deltaUs);
      return deltaUs;
    }
    if (deltaUs > 0) this.offsetLowerUs = lowerUs;
    return 0;
  }

  /** Best estimate of `wall − monotonic` in µs (NaN before the first reading). */
  offsetUs(): number {
    return this.offsetLowerUs;
  }
}
