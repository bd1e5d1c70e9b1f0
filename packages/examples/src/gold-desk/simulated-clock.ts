import { monoNowNs, type Clock } from '@tailguard/core';

/**
 * Most real time a reading may run ahead of the simulated instant, ns: room for
 * a guard check (and a Redis round trip with its 10 ms call bound), while a
 * replay mark 4.5 ms of simulated time back stays inside its 66 ms TTL.
 */
export const REAL_LEAD_NS_MAX = 50_000_000;

/**
 * The demo's clock for the dealer side (quote guard, venue sessions, detector).
 * The phase runner sets the simulated instant before each event, so quote
 * ages, replay TTLs and markout times follow the simulated timeline and the
 * decisions do not depend on machine speed. Between two events a reading adds
 * the real time elapsed since the instant was set (at most
 * {@link REAL_LEAD_NS_MAX}), so the guard's hold time is still the real time
 * spent inside the check. Readings never go backwards.
 */
export class SimulatedClock implements Clock {
  private baseNs = 0;
  private setAtRealNs = monoNowNs();
  private lastNs = 0;
  private epochUs: number;

  /** `wallEpochUs`: the wall instant to start at (simulated wall time moves only when set). */
  constructor(wallEpochUs: number) {
    this.epochUs = wallEpochUs;
  }

  /** Moves to a simulated instant: `wallEpochUs` on the wall clock, `monoNs` on the monotonic one. */
  set(wallEpochUs: number, monoNs: number): void {
    this.epochUs = wallEpochUs;
    this.baseNs = monoNs > this.lastNs ? monoNs : this.lastNs;
    this.setAtRealNs = monoNowNs();
  }

  /** Simulated monotonic ns plus the real time since the last `set` (bounded). */
  monoNs(): number {
    const realNs = monoNowNs() - this.setAtRealNs;
    const v = this.baseNs + (realNs < REAL_LEAD_NS_MAX ? realNs : REAL_LEAD_NS_MAX);
    if (v > this.lastNs) this.lastNs = v;
    return this.lastNs;
  }

  /** The simulated wall instant, epoch µs. */
  wallEpochUs(): number {
    return this.epochUs;
  }
}
