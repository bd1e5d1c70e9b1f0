import hdr from 'hdr-histogram-js';
import type { Clock } from '../clock/clock.js';
import { systemClock } from '../clock/system-clock.js';
import { DEFAULT_LATENCY_BOUNDS_NS } from './latency-buckets.js';

type Int32Hdr = InstanceType<typeof hdr.Int32Histogram>;

/** The fields of hdr-histogram-js's JsHistogram that the fast record path writes (checked at construction). */
interface HdrInternals {
  _counts: Uint32Array;
  _totalCount: number;
  maxValue: number;
  minNonZeroValue: number;
  subBucketHalfCountMagnitude: number;
  unitMagnitude: number;
}

const TWO_POW_32 = 4_294_967_296;

/** Configuration of a {@link SlidingWindow}. Memory is fixed by these numbers alone. */
export interface SlidingWindowOptions {
  /** Length of the live window. Default 5 000 ms. */
  windowMs?: number;
  /** Slices the window is made of; it slides one slice at a time. Default 5. */
  slices?: number;
  /** Closed windows kept for the worst-window p99. Default 12 (one minute at 5 s). */
  historyWindows?: number;
  /** Highest trackable value; larger values are clamped to it and counted. Default 60 s. */
  highestTrackableNs?: number;
  /** HDR significant digits, 1-5. Default 3 (0.1 % relative error). */
  significantDigits?: number;
  /** Upper bounds (ns) of the cumulative histogram. Default {@link DEFAULT_LATENCY_BOUNDS_NS}. */
  cumulativeBoundsNs?: readonly number[];
  /** Clock used to rotate slices. Default the system clock. */
  clock?: Clock;
}

/** Summary of the live window in nanoseconds; count 0 means the window is empty (all values 0). */
export interface WindowSnapshot {
  count: number;
  minNs: number;
  maxNs: number;
  meanNs: number;
  p50Ns: number;
  p90Ns: number;
  p99Ns: number;
  p999Ns: number;
}

/** Cumulative (since start) histogram in the shape Prometheus wants. */
export interface CumulativeHistogram {
  /** Upper bounds in ns, ascending. */
  boundsNs: readonly number[];
  /** Count of values ≤ each bound (cumulative, same length as boundsNs). */
  cumulativeCounts: readonly number[];
  /** Count of all values (the +Inf bucket). */
  count: number;
  /** Sum of all values in ns. */
  sumNs: number;
}

const MS_NS = 1e6;

function positiveInt(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`SlidingWindow: ${name} must be an integer in [${min}, ${max}], got ${value}`);
  }
  return value;
}

/**
 * A 5-second sliding window of HDR histograms (HdrHistogram's Recorder pattern).
 *
 * The window is a ring of `slices` histograms; `recordNs` writes into the current
 * slice only and allocates nothing. {@link tick} (driven by a coarse timer, and by
 * every query) closes slices as time passes, recycling the oldest histogram. At
 * each close the p99 of the window that just ended goes into a bounded history,
 * so {@link worstP99Ns} still shows a spike that happened between two scrapes.
 * Closed slices are folded into the cumulative Prometheus buckets off the hot path.
 *
 * Footprint: (slices + 1) HDR histograms of 32-bit counts (about 111 kB each at
 * 60 s / 3 digits) plus small fixed arrays: about 670 kB at the defaults.
 */
export class SlidingWindow {
  /** Values rejected because they were NaN, infinite or negative. */
  invalidTotal = 0;
  /** Values above `highestTrackableNs`, recorded as that value. */
  clampedTotal = 0;

  readonly windowMs: number;
  readonly sliceNs: number;
  readonly highestTrackableNs: number;

  private readonly slices: Int32Hdr[];
  private readonly sliceSumsNs: Float64Array;
  private current: Int32Hdr;
  private currentCounts: Uint32Array | undefined;
  private readonly halfMagnitude: number;
  private currentIndex = 0;
  private currentSliceStartNs: number;
  private readonly merged: Int32Hdr;
  private mergedDirty = true;
  private readonly clock: Clock;

  // History of the p99 of each closed (sliding) window, a fixed ring.
  private readonly historyP99Ns: Float64Array;
  private historyIndex = 0;

  // Cumulative buckets: closed slices are folded in at rotation.
  private readonly boundsNs: readonly number[];
  private readonly boundIndexes: Int32Array;
  private readonly foldedBucketCounts: Float64Array;
  private foldedCount = 0;
  private foldedSumNs = 0;
  private currentSumNs = 0;

  constructor(options: SlidingWindowOptions = {}) {
    this.windowMs = options.windowMs ?? 5_000;
    const slices = positiveInt('slices', options.slices ?? 5, 1, 120);
    const historyWindows = positiveInt('historyWindows', options.historyWindows ?? 12, 1, 1_440);
    const digits = positiveInt('significantDigits', options.significantDigits ?? 3, 1, 5);
    this.highestTrackableNs = options.highestTrackableNs ?? 60e9;
    if (!Number.isFinite(this.windowMs) || this.windowMs < slices || this.windowMs > 3_600_000) {
      throw new RangeError(`SlidingWindow: windowMs must be between slices (${slices}) and 3 600 000, got ${this.windowMs}`);
    }
    if (!Number.isFinite(this.highestTrackableNs) || this.highestTrackableNs < 1_000 || this.highestTrackableNs > 2 ** 52) {
      throw new RangeError(`SlidingWindow: highestTrackableNs must be between 1 000 and 2^52, got ${this.highestTrackableNs}`);
    }
    this.sliceNs = (this.windowMs * MS_NS) / slices;
    this.clock = options.clock ?? systemClock();
    const make = (): Int32Hdr => new hdr.Int32Histogram(1, this.highestTrackableNs, digits);
    this.slices = Array.from({ length: slices }, make);
    this.sliceSumsNs = new Float64Array(slices);
    this.current = this.slices[0]!;
    this.merged = make();
    const internals = this.current as unknown as HdrInternals;
    this.halfMagnitude = internals.subBucketHalfCountMagnitude;
    this.currentCounts = fastPathMatches(this.merged) ? internals._counts : undefined;
    this.currentSliceStartNs = this.clock.monoNs();
    this.historyP99Ns = new Float64Array(historyWindows * slices);

    const bounds = options.cumulativeBoundsNs ?? DEFAULT_LATENCY_BOUNDS_NS;
    for (let i = 0; i < bounds.length; i++) {
      const b = bounds[i]!;
      if (!(b > 0) || (i > 0 && b <= bounds[i - 1]!)) {
        throw new RangeError(`SlidingWindow: cumulativeBoundsNs must be positive and strictly ascending (index ${i}: ${b})`);
      }
    }
    this.boundsNs = Object.freeze([...bounds]);
    this.boundIndexes = Int32Array.from(this.boundsNs, (b) =>
      b >= this.highestTrackableNs ? this.merged.countsArrayLength - 1 : this.merged.countsArrayIndex(b),
    );
    this.foldedBucketCounts = new Float64Array(this.boundsNs.length);
  }

  /**
   * Records one duration. Allocation-free; never throws: NaN, infinite and
   * negative values are counted in {@link invalidTotal} and dropped, values above
   * the highest trackable value are clamped and counted in {@link clampedTotal}.
   */
  recordNs(latencyNs: number): void {
    // `!(x >= 0)` is true for NaN and negatives in one comparison.
    if (!(latencyNs >= 0) || latencyNs === Infinity) {
      this.invalidTotal++;
      return;
    }
    if (latencyNs > this.highestTrackableNs) {
      this.clampedTotal++;
      latencyNs = this.highestTrackableNs;
    }
    const counts = this.currentCounts;
    if (counts !== undefined && latencyNs < TWO_POW_32) {
      // hdr-histogram-js computes the counts index with Math.log2 and Math.pow on every
      // record (about 50-90 ns here); below 2^32 ns (4.3 s) the same index comes from
      // clz32 and a shift. The equivalence is checked once at construction (fastPathMatches).
      const v = latencyNs >>> 0;
      const m = this.halfMagnitude;
      const bucket = Math.max(31 - Math.clz32(v) - m, 0);
      counts[((bucket + 1) << m) + ((v >>> bucket) - (1 << m))]!++;
      const h = this.current as unknown as HdrInternals;
      h._totalCount++;
      if (v > h.maxValue) h.maxValue = v;
      if (v < h.minNonZeroValue && v !== 0) h.minNonZeroValue = v;
      this.currentSumNs += v;
    } else {
      this.current.recordValue(latencyNs);
      this.currentSumNs += latencyNs;
    }
    this.mergedDirty = true;
  }

  /**
   * Closes every slice whose time is up. Called by a coarse timer and by every
   * query; cheap when nothing is due.
   */
  tick(nowNs: number = this.clock.monoNs()): void {
    let due = Math.floor((nowNs - this.currentSliceStartNs) / this.sliceNs);
    if (due <= 0) return;
    const n = this.slices.length;
    // After a long idle period, only the last window's worth of rotations matter
    // for the live window; the history gets the idle windows as zeros.
    const historyLen = this.historyP99Ns.length;
    if (due > n + historyLen) {
      this.currentSliceStartNs += (due - n - historyLen) * this.sliceNs;
      due = n + historyLen;
    }
    for (let i = 0; i < due; i++) this.rotate();
  }

  private rotate(): void {
    this.foldCurrent();
    this.mergeSlices();
    this.historyP99Ns[this.historyIndex] = this.merged.totalCount === 0 ? 0 : this.merged.getValueAtPercentile(99);
    this.historyIndex = (this.historyIndex + 1) % this.historyP99Ns.length;
    this.sliceSumsNs[this.currentIndex] = this.currentSumNs;
    this.currentIndex = (this.currentIndex + 1) % this.slices.length;
    this.current = this.slices[this.currentIndex]!;
    this.current.reset();
    if (this.currentCounts !== undefined) this.currentCounts = (this.current as unknown as HdrInternals)._counts;
    this.sliceSumsNs[this.currentIndex] = 0;
    this.currentSumNs = 0;
    this.currentSliceStartNs += this.sliceNs;
    this.mergedDirty = true;
  }

  private foldCurrent(): void {
    const h = this.current;
    if (h.totalCount === 0) return;
    addBucketCounts(h, this.boundIndexes, this.foldedBucketCounts);
    this.foldedCount += h.totalCount;
    this.foldedSumNs += this.currentSumNs;
  }

  private mergeSlices(): void {
    const m = this.merged;
    m.reset();
    for (const s of this.slices) if (s.totalCount > 0) m.add(s);
    this.mergedDirty = false;
  }

  private live(): Int32Hdr {
    this.tick();
    if (this.mergedDirty) this.mergeSlices();
    return this.merged;
  }

  /** Value at quantile `q` (0..1) of the live window in ns; 0 when empty. */
  quantileNs(q: number): number {
    const h = this.live();
    if (h.totalCount === 0) return 0;
    return q >= 1 ? h.maxValue : h.getValueAtPercentile(q * 100);
  }

  /** Number of values in the live window. */
  count(): number {
    return this.live().totalCount;
  }

  /** Summary of the live window. */
  snapshot(): WindowSnapshot {
    const h = this.live();
    if (h.totalCount === 0) return { count: 0, minNs: 0, maxNs: 0, meanNs: 0, p50Ns: 0, p90Ns: 0, p99Ns: 0, p999Ns: 0 };
    return {
      count: h.totalCount,
      minNs: h.minNonZeroValue === Number.MAX_SAFE_INTEGER ? 0 : h.minNonZeroValue,
      maxNs: h.maxValue,
      // hdr-histogram-js's `mean` walks every recorded value (ms per call on a full
      // window); the window keeps exact running sums instead.
      meanNs: this.liveSumNs() / h.totalCount,
      p50Ns: h.getValueAtPercentile(50),
      p90Ns: h.getValueAtPercentile(90),
      p99Ns: h.getValueAtPercentile(99),
      p999Ns: h.getValueAtPercentile(99.9),
    };
  }

  private liveSumNs(): number {
    let sum = this.currentSumNs;
    for (let i = 0; i < this.sliceSumsNs.length; i++) if (i !== this.currentIndex) sum += this.sliceSumsNs[i]!;
    return sum;
  }

  /**
   * Worst p99 over the closed windows in the history (12 × 5 s by default) and
   * the live window: a spike between two scrapes is never lost.
   */
  worstP99Ns(): number {
    let worst = this.quantileNs(0.99);
    const hist = this.historyP99Ns;
    for (let i = 0; i < hist.length; i++) if (hist[i]! > worst) worst = hist[i]!;
    return worst;
  }

  /** Cumulative histogram since creation (closed slices plus the current one). */
  cumulative(): CumulativeHistogram {
    this.tick();
    const counts = Float64Array.from(this.foldedBucketCounts);
    addBucketCounts(this.current, this.boundIndexes, counts);
    for (let i = 1; i < counts.length; i++) counts[i]! += counts[i - 1]!;
    return {
      boundsNs: this.boundsNs,
      cumulativeCounts: Array.from(counts),
      count: this.foldedCount + this.current.totalCount,
      sumNs: this.foldedSumNs + this.currentSumNs,
    };
  }

  /** Bytes held by the HDR histograms of this window. */
  get footprintBytes(): number {
    let total = this.merged.estimatedFootprintInBytes;
    for (const s of this.slices) total += s.estimatedFootprintInBytes;
    return total + this.historyP99Ns.byteLength + this.foldedBucketCounts.byteLength;
  }
}

/** True when the clz32 fast path computes the same counts index as hdr-histogram-js for a spread of values. */
function fastPathMatches(h: Int32Hdr): boolean {
  const internals = h as unknown as HdrInternals;
  if (!(internals._counts instanceof Uint32Array) || internals.unitMagnitude !== 0 || typeof internals._totalCount !== 'number') return false;
  const m = internals.subBucketHalfCountMagnitude;
  for (const v of [0, 1, 2, 3, 1023, 1024, 2047, 2048, 2049, 4095, 4096, 99_999, 1_234_567, 987_654_321, 2 ** 31, TWO_POW_32 - 1]) {
    if (v > h.highestTrackableValue) continue;
    const bucket = Math.max(31 - Math.clz32(v >>> 0) - m, 0);
    if (((bucket + 1) << m) + (((v >>> 0) >>> bucket) - (1 << m)) !== h.countsArrayIndex(v)) return false;
  }
  return true;
}

/** Adds the counts of `h` into per-bucket (non-cumulative) slots; values above the last bound are skipped. */
function addBucketCounts(h: Int32Hdr, boundIndexes: Int32Array, into: Float64Array): void {
  const maxIndex = h.countsArrayIndex(h.maxValue);
  let bucket = 0;
  for (let i = 0; i <= maxIndex; i++) {
    while (bucket < boundIndexes.length && i > boundIndexes[bucket]!) bucket++;
    if (bucket === boundIndexes.length) return;
    const c = h.getCountAtIndex(i);
    if (c !== 0) into[bucket]! += c;
  }
}
