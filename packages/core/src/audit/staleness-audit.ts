import hdr from 'hdr-histogram-js';
import { epochUsProblem } from './epoch-us-plausibility.js';

type Float64Hdr = InstanceType<typeof hdr.Float64Histogram>;

/** One execution against a quote: both wall instants in epoch microseconds. */
export interface StalenessSample {
  quoteEpochUs: number;
  execEpochUs: number;
}

/** Options of {@link auditStaleness} and {@link StalenessAudit}. */
export interface StalenessAuditOptions {
  /** Ages strictly above this are "vulnerable" (stale enough to be picked off). Default 500 000 µs (500 ms). */
  thresholdUs?: number;
  /** Highest age the histogram tracks; larger ages are clamped to it and counted (max stays exact). Default 3.6e9 µs (1 hour). */
  highestTrackableUs?: number;
}

/** Why a sample was not counted as an age. Closed union, only ever appended. */
export const STALENESS_INVALID_REASONS = ['missing-field', 'not-finite', 'implausible-epoch'] as const;

/** One of {@link STALENESS_INVALID_REASONS}. */
export type StalenessInvalidReason = (typeof STALENESS_INVALID_REASONS)[number];

/** What {@link StalenessAudit.record} did with one sample. */
export type StalenessRecordOutcome = 'recorded' | 'negative-age' | StalenessInvalidReason;

/** Default vulnerability threshold: 500 ms in µs. */
export const STALENESS_THRESHOLD_US_DEFAULT = 500_000;
/** Default highest trackable age: one hour in µs. */
export const STALENESS_HIGHEST_TRACKABLE_US_DEFAULT = 3_600_000_000;

/**
 * Distribution of quote age at execution (`execEpochUs - quoteEpochUs`, µs).
 * Quantiles come from an HDR histogram with 3 significant digits (within 0.1 %
 * of the exact order statistic) and are capped at the exact maximum; counts,
 * min, max and the vulnerable count are exact. Quantiles, min, max, mean and
 * the share are `null` when `count` is 0.
 */
export interface StalenessReport {
  /** Executions with a valid, non-negative age: the population of every figure below. */
  count: number;
  medianUs: number | null;
  p95Us: number | null;
  p99Us: number | null;
  maxUs: number | null;
  minUs: number | null;
  meanUs: number | null;
  /** The threshold used, µs. */
  thresholdUs: number;
  /** Ages strictly above `thresholdUs`. */
  vulnerableCount: number;
  /** `vulnerableCount / count`, 0..1. */
  vulnerableShare: number | null;
  /** Executions timestamped before their quote: an anomaly (clock error, wrong join), kept out of the distribution. */
  negativeCount: number;
  /** Most negative age seen, µs (how far the clocks disagree at worst). */
  negativeMinUs: number | null;
  /** Ages above `highestTrackableUs`, recorded in the histogram as that value. */
  clampedCount: number;
  highestTrackableUs: number;
  /** Samples rejected as invalid (total of `invalidByReason`). */
  invalidCount: number;
  invalidByReason: Record<StalenessInvalidReason, number>;
}

function checkOption(name: string, value: number, min: number, max: number): number {
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new RangeError(`auditStaleness: ${name} must be a number in [${min}, ${max}] µs, got ${value}`);
  }
  return value;
}

/**
 * Accumulates quote ages one execution at a time, in constant memory (one HDR
 * histogram, about 190 kB at the defaults) whatever the count. {@link record}
 * never throws; invalid and negative samples are counted, never dropped silently.
 */
export class StalenessAudit {
  readonly thresholdUs: number;
  readonly highestTrackableUs: number;
  private readonly histogram: Float64Hdr;
  private count = 0;
  private sumUs = 0;
  private minUs = Infinity;
  private maxUs = -Infinity;
  private vulnerableCount = 0;
  private negativeCount = 0;
  private negativeMinUs = 0;
  private clampedCount = 0;
  private readonly invalidByReason: Record<StalenessInvalidReason, number> = { 'missing-field': 0, 'not-finite': 0, 'implausible-epoch': 0 };

  /** Throws a RangeError naming the option when it is out of range. */
  constructor(options: StalenessAuditOptions = {}) {
    this.highestTrackableUs = checkOption('highestTrackableUs', options.highestTrackableUs ?? STALENESS_HIGHEST_TRACKABLE_US_DEFAULT, 2, 2 ** 52);
    this.thresholdUs = checkOption('thresholdUs', options.thresholdUs ?? STALENESS_THRESHOLD_US_DEFAULT, 0, this.highestTrackableUs);
    // Float64 counts: exact up to 2^53 executions per bucket, so any realistic count is correct.
    this.histogram = new hdr.Float64Histogram(1, Math.max(2, Math.ceil(this.highestTrackableUs)), 3);
  }

  /** Records one execution; returns what was done with it. */
  record(quoteEpochUs: number, execEpochUs: number): StalenessRecordOutcome {
    if (typeof quoteEpochUs !== 'number' || typeof execEpochUs !== 'number') return this.invalid('missing-field');
    const q = epochUsProblem(quoteEpochUs);
    const e = epochUsProblem(execEpochUs);
    if (q !== undefined || e !== undefined) return this.invalid(q === 'not-finite' || e === 'not-finite' ? 'not-finite' : 'implausible-epoch');
    const ageUs = execEpochUs - quoteEpochUs;
    if (ageUs < 0) {
      this.negativeCount++;
      if (ageUs < this.negativeMinUs) this.negativeMinUs = ageUs;
      return 'negative-age';
    }
    this.count++;
    this.sumUs += ageUs;
    if (ageUs < this.minUs) this.minUs = ageUs;
    if (ageUs > this.maxUs) this.maxUs = ageUs;
    if (ageUs > this.thresholdUs) this.vulnerableCount++;
    let recorded = Math.round(ageUs);
    if (recorded > this.highestTrackableUs) {
      this.clampedCount++;
      recorded = Math.floor(this.highestTrackableUs);
    }
    this.histogram.recordValue(recorded);
    return 'recorded';
  }

  /** Records `{ quoteEpochUs, execEpochUs }`; anything else counts as `missing-field`. */
  recordSample(sample: StalenessSample): StalenessRecordOutcome {
    if (sample === null || typeof sample !== 'object') return this.invalid('missing-field');
    return this.record(sample.quoteEpochUs, sample.execEpochUs);
  }

  private invalid(reason: StalenessInvalidReason): StalenessInvalidReason {
    this.invalidByReason[reason]++;
    return reason;
  }

  /** The figures so far (cheap enough to call repeatedly; the audit can keep recording). */
  report(): StalenessReport {
    const n = this.count;
    const q = (percentile: number): number | null => (n === 0 ? null : Math.min(this.histogram.getValueAtPercentile(percentile), this.maxUs));
    const invalidByReason = { ...this.invalidByReason };
    return {
      count: n,
      medianUs: q(50),
      p95Us: q(95),
      p99Us: q(99),
      maxUs: n === 0 ? null : this.maxUs,
      minUs: n === 0 ? null : this.minUs,
      meanUs: n === 0 ? null : this.sumUs / n,
      thresholdUs: this.thresholdUs,
      vulnerableCount: this.vulnerableCount,
      vulnerableShare: n === 0 ? null : this.vulnerableCount / n,
      negativeCount: this.negativeCount,
      negativeMinUs: this.negativeCount === 0 ? null : this.negativeMinUs,
      clampedCount: this.clampedCount,
      highestTrackableUs: this.highestTrackableUs,
      invalidCount: invalidByReason['missing-field'] + invalidByReason['not-finite'] + invalidByReason['implausible-epoch'],
      invalidByReason,
    };
  }
}

/**
 * Audits quote age at execution over executions from an iterable or async
 * iterable (an array, a generator, a database cursor, a stream of parsed
 * lines), in constant memory. Synchronous iterables are read without a
 * microtask per item. Invalid samples (missing or non-numeric fields, NaN,
 * instants that are not plausible epoch microseconds, e.g. milliseconds) and
 * negative ages are counted in the report, never silently dropped.
 */
export async function auditStaleness(
  source: Iterable<StalenessSample> | AsyncIterable<StalenessSample>,
  options: StalenessAuditOptions = {},
): Promise<StalenessReport> {
  const audit = new StalenessAudit(options);
  if (source !== null && typeof source === 'object' && Symbol.iterator in source) {
    for (const sample of source) audit.recordSample(sample);
  } else if (source !== null && typeof source === 'object' && Symbol.asyncIterator in source) {
    for await (const sample of source) audit.recordSample(sample);
  } else {
    throw new TypeError('auditStaleness: source must be an iterable or async iterable of { quoteEpochUs, execEpochUs }');
  }
  return audit.report();
}
