import type { Clock } from './clock.js';

/** A clock that moves only when told: for tests and simulations. */
export class ManualClock implements Clock {
  constructor(
    /** Current monotonic reading in ns. */
    public nowMonoNs = 0,
    /** Current wall reading in epoch µs. */
    public nowWallEpochUs = 1_700_000_000_000_000,
  ) {}

  /** @inheritdoc */
  monoNs(): number {
    return this.nowMonoNs;
  }

  /** @inheritdoc */
  wallEpochUs(): number {
    return this.nowWallEpochUs;
  }

  /** Advances both clocks together by `ns` nanoseconds. */
  advanceNs(ns: number): void {
    this.nowMonoNs += ns;
    this.nowWallEpochUs += ns / 1_000;
  }

  /** Advances both clocks together by `ms` milliseconds. */
  advanceMs(ms: number): void {
    this.advanceNs(ms * 1e6);
  }

  /** Steps only the wall clock (as `makestep` would), by `us` microseconds. */
  stepWallUs(us: number): void {
    this.nowWallEpochUs += us;
  }
}
