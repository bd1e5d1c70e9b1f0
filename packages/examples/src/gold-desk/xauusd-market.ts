import { SeededRandom } from './seeded-random.js';

/** Instrument the desk quotes. */
export const DESK_INSTRUMENT = 'XAUUSD';

/** Settings of the simulated gold market; every field has a default. */
export interface XauusdMarketOptions {
  /** Seed of the market's own random stream. */
  seed: number;
  /** Length of the path, µs of simulated time. */
  durationUs: number;
  /** Mid update and quote interval, µs. Default 20 000 (50 quotes a second per client). */
  tickUs?: number;
  /** Opening mid, USD per troy ounce. Default 2 650. */
  startMidPx?: number;
  /** Diffusion volatility, USD per √second. Default 0.35 (a busy session). */
  volUsdPerSqrtS?: number;
  /** Jumps per second (news, a large print elsewhere). Default 0.8. */
  jumpsPerS?: number;
  /** Typical jump size, USD. Default 0.9. */
  jumpUsd?: number;
  /** Quoted spread, USD. Default 0.30. */
  spreadPx?: number;
}

/** One two-way price. */
export interface TwoWayPx {
  bidPx: number;
  askPx: number;
  midPx: number;
}

function cents(px: number): number {
  return Math.round(px * 100) / 100;
}

/**
 * The XAUUSD mid on a simulated timeline: a seeded random walk with jumps,
 * updated every tick and rounded to cents. The dealer streams one quote per
 * client per tick at mid ± half the spread, so a quote executed within its
 * own tick has no mid move, and a quote executed ticks later carries the
 * move since (what a latency arbitrageur harvests).
 */
export class XauusdMarket {
  /** Tick interval, µs. */
  readonly tickUs: number;
  /** Ticks in the path. */
  readonly ticks: number;
  /** Quoted spread, USD. */
  readonly spreadPx: number;
  private readonly mids: Float64Array;

  constructor(options: XauusdMarketOptions) {
    this.tickUs = options.tickUs ?? 20_000;
    this.spreadPx = options.spreadPx ?? 0.3;
    if (!(this.tickUs >= 1_000) || !(options.durationUs > 0)) {
      throw new RangeError(`XauusdMarket: tickUs must be ≥ 1000 and durationUs > 0, got ${this.tickUs} and ${options.durationUs}`);
    }
    this.ticks = Math.ceil(options.durationUs / this.tickUs) + 1;
    const rng = SeededRandom.forStream(options.seed, 'market:XAUUSD');
    const tickS = this.tickUs / 1e6;
    const stepSd = (options.volUsdPerSqrtS ?? 0.35) * Math.sqrt(tickS);
    const jumpP = (options.jumpsPerS ?? 0.8) * tickS;
    const jumpUsd = options.jumpUsd ?? 0.9;
    this.mids = new Float64Array(this.ticks);
    let mid = options.startMidPx ?? 2_650;
    for (let i = 0; i < this.ticks; i++) {
      if (i > 0) {
        mid += stepSd * rng.normal();
        if (rng.chance(jumpP)) mid += (rng.chance(0.5) ? 1 : -1) * jumpUsd * (0.5 + Math.abs(rng.normal()) * 0.6);
      }
      this.mids[i] = cents(mid);
    }
  }

  /** Tick in force at `offsetUs` (the last one issued at or before it). */
  tickAt(offsetUs: number): number {
    return Math.min(this.ticks - 1, Math.max(0, Math.floor(offsetUs / this.tickUs)));
  }

  /** Offset of tick `i`, µs. */
  tickOffsetUs(i: number): number {
    return i * this.tickUs;
  }

  /** Mid at tick `i`. */
  midAtTick(i: number): number {
    return this.mids[i]!;
  }

  /** Mid in force at `offsetUs`. */
  midAt(offsetUs: number): number {
    return this.mids[this.tickAt(offsetUs)]!;
  }

  /**
   * The dealer's quote at tick `i`: bid and ask in cents around the tick's mid
   * (`midPx` is the market mid itself, so a quote executed within its tick
   * shows exactly no move).
   */
  quoteAtTick(i: number): TwoWayPx {
    const midPx = this.mids[i]!;
    const half = this.spreadPx / 2;
    return { bidPx: cents(midPx - half), askPx: cents(midPx + half), midPx };
  }
}
