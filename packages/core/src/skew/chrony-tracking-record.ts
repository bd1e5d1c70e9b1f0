/**
 * Leap status as `chronyc -c tracking` prints it (field 14), mapped to a closed
 * union. `not_synchronized` means every offset field is a placeholder.
 */
export const CHRONY_LEAP_STATUSES = ['normal', 'insert_second', 'delete_second', 'not_synchronized'] as const;

/** One of {@link CHRONY_LEAP_STATUSES}. */
export type ChronyLeapStatus = (typeof CHRONY_LEAP_STATUSES)[number];

/**
 * Numeric code of each leap status, exported as `tailguard_clock_leap_status`.
 * The same numbering as the NTP leap indicator and chrony's own `NTP_Leap`.
 */
export const CHRONY_LEAP_STATUS_CODES: Readonly<Record<ChronyLeapStatus, number>> = Object.freeze({
  normal: 0,
  insert_second: 1,
  delete_second: 2,
  not_synchronized: 3,
});

/** The text chrony prints for each leap status (`chronyc -c tracking`, field 14). */
export const CHRONY_LEAP_STATUS_TEXT: Readonly<Record<string, ChronyLeapStatus>> = Object.freeze({
  Normal: 'normal',
  'Insert second': 'insert_second',
  'Delete second': 'delete_second',
  'Not synchronised': 'not_synchronized',
});

/** Reference ID chrony reports while it serves its own clock (`local` directive): 127.127.1.1. */
export const CHRONY_LOCAL_REF_ID = '7F7F0101';

/**
 * The 14 fields of one `chronyc -c tracking` line, in chrony's order, with
 * seconds converted to microseconds (exact decimal conversion, no float-seconds
 * round trip). When `leapStatus` is `not_synchronized` chrony prints
 * placeholders (RefID 00000000, offset 0, root delay and dispersion 1 s):
 * never read the offset fields then.
 */
export interface ChronyTrackingRecord {
  /** Field 1: reference ID, 8 upper-case hex digits (an IPv4 address, a hash of an IPv6 one, or ASCII for a refclock). */
  readonly refId: string;
  /** Field 2: reference name or address (empty for the local reference). */
  readonly refName: string;
  /** Field 3: stratum, 0..16. */
  readonly stratum: number;
  /** Field 4: time of the last clock update, epoch µs. */
  readonly refTimeEpochUs: number;
  /** Field 5: system clock offset from chrony's estimate of true time, µs; positive = the local clock is fast. */
  readonly systemOffsetUs: number;
  /** Field 6: offset measured at the last update, µs. */
  readonly lastOffsetUs: number;
  /** Field 7: long-term RMS of the measured offsets, µs. */
  readonly rmsOffsetUs: number;
  /** Field 8: frequency error of the local clock, ppm; positive = the clock runs fast. */
  readonly frequencyPpm: number;
  /** Field 9: residual frequency of the selected source, ppm. */
  readonly residualFrequencyPpm: number;
  /** Field 10: estimated error bound of the frequency, ppm. */
  readonly skewPpm: number;
  /** Field 11: total round-trip delay to the stratum-1 reference, µs. */
  readonly rootDelayUs: number;
  /** Field 12: total dispersion accumulated to the stratum-1 reference, µs (chrony grows it with the age of the reference). */
  readonly rootDispersionUs: number;
  /** Field 13: interval between the last two clock updates, µs. */
  readonly updateIntervalUs: number;
  /** Field 14: leap status. */
  readonly leapStatus: ChronyLeapStatus;
}

/**
 * The error bound a record implies at the moment chrony printed it, in µs:
 * `|system offset| + root dispersion + root delay / 2` (the bound AWS
 * ClockBound uses). Only meaningful when `leapStatus` is not `not_synchronized`.
 */
export function chronyErrorBoundUs(record: ChronyTrackingRecord): number {
  return Math.abs(record.systemOffsetUs) + record.rootDispersionUs + record.rootDelayUs / 2;
}
