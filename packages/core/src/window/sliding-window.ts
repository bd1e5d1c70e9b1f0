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
const SNAPSHOT_PERCENTILES = Float64Array.of(50, 90, 99, 99.9);
const ONE_PERCENTILE = new Float64Array(1);

/** The count a percentile must reach, rounded exactly as hdr-histogram-js's getValueAtPercentile does. */
function countAtPercentile(percentile: number, totalCount: number): number {
  const fp = (Math.min(percentile, 100) / 100) * totalCount;
  const ulp = 2 ** (Math.floor(Math.log2(fp)) - 52);
  return Math.max(Math.ceil(fp - ulp), 1);
}

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

/** `pendingLo` when nothing is pending (above any counts index; a small integer, like the indexes). */
const PENDING_LO_EMPTY = 0x7fffffff;

function positiveInt(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`SlidingWindow: ${name} must be an integer in [${min}, ${max}], got ${value}`);
  }
  return value;
}

/**
 * A 5-second sliding window of HDR histograms (HdrHistogram's Recorder pattern).
 *
 * The window is a ring of `slices` histograms. `recordNs` allocates nothing and
 * touches as little memory as it can: one counter in a pending counts array and a
 * few scalars beside it. {@link tick} (driven by a coarse timer, and by every
 * query) first folds the pending counts into the current slice, the live window
 * and the cumulative buckets, then closes slices as time passes, recycling the
 * oldest histogram. At
 * each close the p99 of the window that just ended goes into a bounded history,
 * so {@link worstP99Ns} still shows a spike that happened between two scrapes.
 * The cumulative Prometheus buckets are fed by the same fold, off the hot path.
 *
 * Footprint: (slices + 1) HDR histograms of 32-bit counts (about 111 kB each at
 * 60 s / 3 digits), the pending counts (the same size) and small fixed arrays:
 * about 810 kB at the defaults.
 */
export class SlidingWindow {
  /** Values rejected because they were NaN, infinite or negative. */
  invalidTotal = 0;
  /** Values above `highestTrackableNs`, recorded as that value. */
  clampedTotal = 0;

  // Records not yet folded (see recordNs): declared together so that one record
  // writes one counter and these few neighbouring fields. Integers throughout.
  private pendingTotal = 0;
  private pendingSumNs = 0;
  private pendingLo = PENDING_LO_EMPTY;
  private pendingHi = -1;
  private pendingMaxNs = 0;
  private pendingMinNs = Number.MAX_SAFE_INTEGER;
  // Bumped by every record and rotation: lets worstP99Ns reuse the p99 of a snapshot
  // taken in the same scrape instead of walking the counts again.
  private version = 0;
  private readonly pendingCounts: Uint32Array | undefined;

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
  // The live window itself: the sum of every slice in the ring, kept up to date on
  // record (one more increment) and rotation (subtract the slice that leaves), so a
  // scrape reads it directly instead of merging the slices (which cost ~0.35 ms per
  // operation per scrape here).
  private readonly live: Int32Hdr;
  private readonly liveCounts: Uint32Array | undefined;
  // Live counts summed per block of 2^halfMagnitude indexes (27 blocks at 60 s / 3 digits):
  // a percentile walk skips whole blocks and reads at most one block's entries, instead of
  // every index up to the percentile (~40 µs per walk of a wide distribution here).
  private readonly liveBlockTotals: Float64Array;
  private readonly snapshotOut = new Float64Array(4);
  private cachedP99Version = -1;
  private cachedP99Ns = 0;
  private readonly clock: Clock;

  // History of the p99 of each closed (sliding) window, a fixed ring.
  private readonly historyP99Ns: Float64Array;
  private historyIndex = 0;

  // Cumulative buckets: closed slices are folded in at rotation.
  private readonly boundsNs: readonly number[];
  // Per-bucket (not yet cumulative) counts since creation, the last slot for values above
  // the last bound. Incremented on record through a precomputed HDR-index → bucket map, so
  // a scrape sums a few dozen numbers instead of walking a slice (~60 µs per operation).
  private readonly bucketOfIndex: Uint8Array;
  private readonly bucketCounts: Float64Array;
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
    this.live = make();
    const internals = this.current as unknown as HdrInternals;
    this.halfMagnitude = internals.subBucketHalfCountMagnitude;
    const fast = fastPathMatches(this.live);
    this.currentCounts = fast ? internals._counts : undefined;
    this.liveCounts = fast ? (this.live as unknown as HdrInternals)._counts : undefined;
    this.pendingCounts = fast ? new Uint32Array(this.live.countsArrayLength) : undefined;
    this.liveBlockTotals = new Float64Array((this.live.countsArrayLength >>> this.halfMagnitude) + 1);
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
    if (this.boundsNs.length > 254) throw new RangeError(`SlidingWindow: at most 254 cumulativeBoundsNs, got ${this.boundsNs.length}`);
    // An HDR index belongs to the first bound at or above it (the index's whole value range
    // is then at or below that bound, within the 3-digit resolution).
    // The bounds' indices are computed once: hdr-histogram-js's countsArrayIndex costs a
    // log2 and a pow, and calling it per counts index made a window cost ~4 ms to build.
    const boundIndices = this.boundsNs.map((b) => this.boundIndex(b));
    this.bucketOfIndex = new Uint8Array(this.live.countsArrayLength);
    let bucket = 0;
    for (let i = 0; i < this.bucketOfIndex.length; i++) {
      while (bucket < boundIndices.length && i > boundIndices[bucket]!) bucket++;
      this.bucketOfIndex[i] = bucket;
    }
    this.bucketCounts = new Float64Array(this.boundsNs.length + 1);
  }

  private boundIndex(boundNs: number): number {
    return boundNs >= this.highestTrackableNs ? this.live.countsArrayLength - 1 : this.live.countsArrayIndex(boundNs);
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
    const pending = this.pendingCounts;
    if (pending !== undefined && latencyNs < TWO_POW_32) {
      // hdr-histogram-js computes the counts index with Math.log2 and Math.pow on every
      // record (about 50-90 ns here); below 2^32 ns (4.3 s) the same index comes from
      // clz32 and a shift. The equivalence is checked once at construction (fastPathMatches).
      const v = latencyNs >>> 0;
      const m = this.halfMagnitude;
      const bucket = Math.max(31 - Math.clz32(v) - m, 0);
      const index = ((bucket + 1) << m) + ((v >>> bucket) - (1 << m));
      // Only the pending counter and the fields beside it: writing the slice, the live
      // window, its block totals and the cumulative buckets here touched about eight
      // cache lines per record, and on a path that runs between records (a FIX round
      // trip) those are cold: ~2 µs of a loopback order→ack p50 went to four records.
      pending[index]!++;
      this.pendingTotal++;
      this.pendingSumNs += v;
      if (index < this.pendingLo) this.pendingLo = index;
      if (index > this.pendingHi) this.pendingHi = index;
      if (v > this.pendingMaxNs) this.pendingMaxNs = v;
      if (v < this.pendingMinNs && v !== 0) this.pendingMinNs = v;
      this.version++;
    } else {
      this.current.recordValue(latencyNs);
      this.live.recordValue(latencyNs);
      const index = this.current.countsArrayIndex(latencyNs);
      this.liveBlockTotals[index >>> this.halfMagnitude]!++;
      this.bucketCounts[this.bucketOfIndex[index]!]!++;
      this.currentSumNs += latencyNs;
      this.version++;
    }
  }

  /**
   * Closes every slice whose time is up. Called by a coarse timer and by every
   * query; cheap when nothing is due.
   */
  tick(nowNs: number = this.clock.monoNs()): void {
    if (this.pendingTotal !== 0) this.foldPending();
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

  /**
   * Adds the pending counts to the current slice, the live window, its block totals
   * and the cumulative buckets, over the index range records touched, and clears
   * them. Runs at every tick, so before any query and before a slice closes.
   */
  private foldPending(): void {
    const pending = this.pendingCounts!;
    const counts = this.currentCounts!;
    const live = this.liveCounts!;
    const blocks = this.liveBlockTotals;
    const buckets = this.bucketCounts;
    const bucketOf = this.bucketOfIndex;
    const m = this.halfMagnitude;
    for (let i = this.pendingLo; i <= this.pendingHi; i++) {
      const c = pending[i]!;
      if (c === 0) continue;
      pending[i] = 0;
      counts[i] = counts[i]! + c;
      live[i] = live[i]! + c;
      blocks[i >>> m] = blocks[i >>> m]! + c;
      buckets[bucketOf[i]!] = buckets[bucketOf[i]!]! + c;
    }
    const n = this.pendingTotal;
    const maxNs = this.pendingMaxNs;
    const minNs = this.pendingMinNs;
    addTotals(this.current as unknown as HdrInternals, n, maxNs, minNs);
    addTotals(this.live as unknown as HdrInternals, n, maxNs, minNs);
    this.currentSumNs += this.pendingSumNs;
    this.pendingTotal = 0;
    this.pendingSumNs = 0;
    this.pendingLo = PENDING_LO_EMPTY;
    this.pendingHi = -1;
    this.pendingMaxNs = 0;
    this.pendingMinNs = Number.MAX_SAFE_INTEGER;
  }

  private rotate(): void {
    this.version++;
    this.foldCurrent();
    const live = this.live;
    this.historyP99Ns[this.historyIndex] = live.totalCount === 0 ? 0 : this.quantileNsNoTick(0.99);
    this.historyIndex = (this.historyIndex + 1) % this.historyP99Ns.length;
    this.sliceSumsNs[this.currentIndex] = this.currentSumNs;
    this.currentIndex = (this.currentIndex + 1) % this.slices.length;
    // The oldest slice leaves the window and is recycled as the new current one.
    const oldest = this.slices[this.currentIndex]!;
    if (oldest.totalCount > 0) subtractSlice(live, oldest, this.liveCounts, this.liveBlockTotals, this.halfMagnitude);
    oldest.reset();
    this.current = oldest;
    if (this.currentCounts !== undefined) this.currentCounts = (oldest as unknown as HdrInternals)._counts;
    this.sliceSumsNs[this.currentIndex] = 0;
    this.currentSumNs = 0;
    this.currentSliceStartNs += this.sliceNs;
  }

  private foldCurrent(): void {
    this.foldedSumNs += this.currentSumNs;
  }


  private liveWindow(): Int32Hdr {
    this.tick();
    return this.live;
  }

  /** Value at quantile `q` (0..1) of the live window in ns; 0 when empty. */
  quantileNs(q: number): number {
    const h = this.liveWindow();
    if (h.totalCount === 0) return 0;
    if (q >= 1) return h.maxValue;
    return this.quantileNsNoTick(q);
  }

  private quantileNsNoTick(q: number): number {
    ONE_PERCENTILE[0] = q * 100;
    this.percentilesInto(ONE_PERCENTILE, this.snapshotOut);
    return this.snapshotOut[0]!;
  }

  /**
   * hdr-histogram-js's getValueAtPercentile for several ascending percentiles in
   * one walk of the counts (each call of the library walks from index 0: six walks
   * per operation per scrape cost ~200 µs here). Same rounding, same results.
   */
  private percentilesInto(percentiles: Float64Array, out: Float64Array): void {
    const h = this.live;
    const counts = this.liveCounts;
    if (counts === undefined) {
      for (let k = 0; k < percentiles.length; k++) out[k] = h.getValueAtPercentile(percentiles[k]!);
      return;
    }
    const total = h.totalCount;
    const blocks = this.liveBlockTotals;
    const shift = this.halfMagnitude;
    const n = percentiles.length;
    let k = 0;
    let target = countAtPercentile(percentiles[0]!, total);
    let running = 0;
    for (let b = 0; b < blocks.length && k < n; b++) {
      const inBlock = blocks[b]!;
      if (running + inBlock < target) {
        running += inBlock;
        continue;
      }
      const end = Math.min((b + 1) << shift, counts.length);
      for (let i = b << shift; i < end && k < n; i++) {
        const c = counts[i]!;
        if (c === 0) continue;
        running += c;
        while (k < n && running >= target) {
          out[k] = percentiles[k] === 0 ? h.lowestEquivalentValue(h.valueFromIndex(i)) : h.highestEquivalentValue(h.valueFromIndex(i));
          k++;
          if (k < n) target = countAtPercentile(percentiles[k]!, total);
        }
      }
    }
    for (; k < percentiles.length; k++) out[k] = 0;
  }

  /** Number of values in the live window. */
  count(): number {
    return this.liveWindow().totalCount;
  }

  /** Summary of the live window. */
  snapshot(): WindowSnapshot {
    const h = this.liveWindow();
    if (h.totalCount === 0) return { count: 0, minNs: 0, maxNs: 0, meanNs: 0, p50Ns: 0, p90Ns: 0, p99Ns: 0, p999Ns: 0 };
    const q = this.snapshotOut;
    this.percentilesInto(SNAPSHOT_PERCENTILES, q);
    this.cachedP99Ns = q[2]!;
    this.cachedP99Version = this.version;
    return {
      count: h.totalCount,
      minNs: h.minNonZeroValue === Number.MAX_SAFE_INTEGER ? 0 : h.minNonZeroValue,
      maxNs: h.maxValue,
      // hdr-histogram-js's `mean` walks every recorded value (ms per call on a full
      // window); the window keeps exact running sums instead.
      meanNs: this.liveSumNs() / h.totalCount,
      p50Ns: q[0]!,
      p90Ns: q[1]!,
      p99Ns: q[2]!,
      p999Ns: q[3]!,
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
    this.tick();
    let worst = this.cachedP99Version === this.version ? this.cachedP99Ns : this.quantileNs(0.99);
    const hist = this.historyP99Ns;
    for (let i = 0; i < hist.length; i++) if (hist[i]! > worst) worst = hist[i]!;
    return worst;
  }


  /** Cumulative histogram since creation (closed slices plus the current one). */
  cumulative(): CumulativeHistogram {
    this.tick();
    const n = this.boundsNs.length;
    const cumulativeCounts = new Array<number>(n);
    let running = 0;
    for (let i = 0; i < n; i++) {
      running += this.bucketCounts[i]!;
      cumulativeCounts[i] = running;
    }
    return {
      boundsNs: this.boundsNs,
      cumulativeCounts,
      count: running + this.bucketCounts[n]!,
      sumNs: this.foldedSumNs + this.currentSumNs,
    };
  }


  /** Bytes held by the HDR histograms of this window. */
  get footprintBytes(): number {
    let total = this.live.estimatedFootprintInBytes;
    for (const s of this.slices) total += s.estimatedFootprintInBytes;
    return total + (this.pendingCounts?.byteLength ?? 0) + this.historyP99Ns.byteLength + this.bucketCounts.byteLength + this.bucketOfIndex.byteLength;
  }
}

/** Adds `n` values whose extremes are `maxNs` / `minNs` (non-zero) to a histogram's totals. */
function addTotals(h: HdrInternals, n: number, maxNs: number, minNs: number): void {
  h._totalCount += n;
  if (maxNs > h.maxValue) h.maxValue = maxNs;
  if (minNs < h.minNonZeroValue) h.minNonZeroValue = minNs;
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

/**
 * Removes a slice's counts from the live histogram and repairs its total, max
 * and min. With the checked internals it walks only up to the slice's highest
 * index and rescans max/min only when the slice held them; otherwise it falls
 * back to hdr-histogram-js's subtract and a full rescan.
 */
function subtractSlice(live: Int32Hdr, slice: Int32Hdr, liveCounts: Uint32Array | undefined, blockTotals: Float64Array, blockShift: number): void {
  if (liveCounts === undefined) {
    live.subtract(slice);
    live.establishInternalTackingValues();
    return;
  }
  const l = live as unknown as HdrInternals;
  const sc = (slice as unknown as HdrInternals)._counts;
  const top = Math.min(slice.countsArrayIndex(slice.maxValue), liveCounts.length - 1);
  for (let i = 0; i <= top; i++) {
    const c = sc[i]!;
    if (c !== 0) {
      liveCounts[i]! -= c;
      blockTotals[i >>> blockShift]! -= c;
    }
  }
  l._totalCount -= slice.totalCount;
  if (l._totalCount <= 0) {
    l._totalCount = 0;
    l.maxValue = 0;
    l.minNonZeroValue = Number.MAX_SAFE_INTEGER;
    return;
  }
  if (slice.maxValue >= l.maxValue) {
    let i = Math.min(live.countsArrayIndex(l.maxValue), liveCounts.length - 1);
    while (i > 0 && liveCounts[i] === 0) i--;
    l.maxValue = live.highestEquivalentValue(live.valueFromIndex(i));
  }
  if (slice.minNonZeroValue <= l.minNonZeroValue) {
    let i = Math.max(1, live.countsArrayIndex(l.minNonZeroValue));
    while (i < liveCounts.length - 1 && liveCounts[i] === 0) i++;
    l.minNonZeroValue = live.valueFromIndex(i);
  }
}
