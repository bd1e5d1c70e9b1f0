import { monoNowNs } from './mono-clock.js';
import type { Clock } from './clock.js';
import { WallStepDetector, type WallStepDetectorOptions } from './wall-step-detector.js';

/** Options for {@link SystemClock}. */
export interface SystemClockOptions extends WallStepDetectorOptions {
  /** How often the wall anchor is re-read and steps are checked. Default 1 000 ms. */
  resyncIntervalMs?: number;
}

/**
 * The process clock: monotonic ns from `performance.now()`, and wall-clock µs
 * derived from it through an anchor re-read from `Date.now()` off the hot path
 * (so a wall read costs one monotonic read and an add, with µs resolution).
 * A step of the wall clock is detected at the next resync, counted, and the
 * anchor follows it.
 */
export class SystemClock implements Clock {
  private readonly detector: WallStepDetector;
  private timer: NodeJS.Timeout | undefined;
  private readonly resyncIntervalMs: number;

  constructor(options: SystemClockOptions = {}) {
    this.detector = new WallStepDetector(options);
    this.resyncIntervalMs = options.resyncIntervalMs ?? 1_000;
    if (!Number.isFinite(this.resyncIntervalMs) || this.resyncIntervalMs < 10) {
      throw new RangeError(`SystemClock: resyncIntervalMs must be at least 10, got ${this.resyncIntervalMs}`);
    }
    this.resync();
  }

  /** @inheritdoc */
  monoNs(): number {
    return monoNowNs();
  }

  /** @inheritdoc */
  wallEpochUs(): number {
    return this.detector.offsetUs() + monoNowNs() / 1_000;
  }

  /** Re-reads the wall clock; returns the detected step in µs or 0. */
  resync(): number {
    return this.detector.observe(monoNowNs(), Date.now() * 1_000, 1_000);
  }

  /** Wall-clock steps detected so far. */
  get stepsTotal(): number {
    return this.detector.stepsTotal;
  }

  /** Starts the periodic resync (an unref'd timer: it never keeps the process alive). */
  start(): this {
    if (this.timer === undefined) {
      this.timer = setInterval(() => this.resync(), this.resyncIntervalMs);
      this.timer.unref();
    }
    return this;
  }

  /** Stops the periodic resync. */
  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }
}

let shared: SystemClock | undefined;

/** The process-wide system clock, started on first use. */
export function systemClock(): SystemClock {
  if (shared === undefined) shared = new SystemClock().start();
  return shared;
}
