import { excerpt, parseDecimal, parseIntegerInRange, parseSecondsAsUs } from './chrony-csv-fields.js';
import { CHRONY_LEAP_STATUS_TEXT, type ChronyTrackingRecord } from './chrony-tracking-record.js';

/** Why a `chronyc -c tracking` output was rejected (closed union). */
export const CHRONY_PARSE_ERROR_CODES = ['empty', 'multiple_lines', 'field_count', 'bad_field'] as const;

/** One of {@link CHRONY_PARSE_ERROR_CODES}. */
export type ChronyParseErrorCode = (typeof CHRONY_PARSE_ERROR_CODES)[number];

/** Result of {@link parseChronyTracking}: a typed record, or an error naming what was wrong. */
export type ChronyTrackingParse =
  | { readonly ok: true; readonly record: ChronyTrackingRecord }
  | {
      readonly ok: false;
      readonly code: ChronyParseErrorCode;
      /** The offending field's name when `code` is `bad_field`. */
      readonly field?: keyof ChronyTrackingRecord;
      /** Human-readable explanation with a bounded excerpt of the output. */
      readonly message: string;
    };

/** Number of comma-separated fields in a `chronyc -c tracking` line (chrony 2.x to 4.x). */
export const CHRONY_TRACKING_FIELD_COUNT = 14;

const REF_ID = /^[0-9A-Fa-f]{8}$/;

function fail(
  code: ChronyParseErrorCode,
  message: string,
  field?: keyof ChronyTrackingRecord,
): ChronyTrackingParse {
  return field === undefined ? { ok: false, code, message } : { ok: false, code, field, message };
}

/**
 * Parses the output of `chronyc -c tracking` (one CSV line of 14 fields) into a
 * {@link ChronyTrackingRecord}. Never throws: empty, truncated, multi-line or
 * malformed output gives `{ ok: false, code, message }`. A trailing newline and
 * surrounding blank lines are accepted. Runs once per poll, off the hot path.
 */
export function parseChronyTracking(output: string): ChronyTrackingParse {
  if (typeof output !== 'string') return fail('empty', 'chronyc tracking: no output (expected one CSV line of 14 fields)');
  const text = output.trim();
  if (text.length === 0) return fail('empty', 'chronyc tracking: empty output (expected one CSV line of 14 fields)');
  if (/[\r\n]/.test(text)) {
    return fail('multiple_lines', `chronyc tracking: expected one line, got several (was -c given?): ${excerpt(text)}`);
  }
  const f = text.split(',');
  if (f.length !== CHRONY_TRACKING_FIELD_COUNT) {
    return fail(
      'field_count',
      `chronyc tracking: expected ${CHRONY_TRACKING_FIELD_COUNT} comma-separated fields, got ${f.length} (truncated or not -c output): ${excerpt(text)}`,
    );
  }
  const bad = (field: keyof ChronyTrackingRecord, index: number, want: string): ChronyTrackingParse =>
    fail('bad_field', `chronyc tracking: field ${index + 1} (${field}) must be ${want}, got ${excerpt(f[index]!)}`, field);

  const refId = f[0]!;
  if (!REF_ID.test(refId)) return bad('refId', 0, '8 hex digits');
  const refName = f[1]!;
  const stratum = parseIntegerInRange(f[2]!, 0, 16);
  if (stratum === undefined) return bad('stratum', 2, 'an integer 0..16');
  const refTimeEpochUs = parseSecondsAsUs(f[3]!);
  if (refTimeEpochUs === undefined || refTimeEpochUs < 0) return bad('refTimeEpochUs', 3, 'epoch seconds ≥ 0');
  const systemOffsetUs = parseSecondsAsUs(f[4]!);
  if (systemOffsetUs === undefined) return bad('systemOffsetUs', 4, 'seconds');
  const lastOffsetUs = parseSecondsAsUs(f[5]!);
  if (lastOffsetUs === undefined) return bad('lastOffsetUs', 5, 'seconds');
  const rmsOffsetUs = parseSecondsAsUs(f[6]!);
  if (rmsOffsetUs === undefined || rmsOffsetUs < 0) return bad('rmsOffsetUs', 6, 'seconds ≥ 0');
  const frequencyPpm = parseDecimal(f[7]!);
  if (frequencyPpm === undefined) return bad('frequencyPpm', 7, 'ppm');
  const residualFrequencyPpm = parseDecimal(f[8]!);
  if (residualFrequencyPpm === undefined) return bad('residualFrequencyPpm', 8, 'ppm');
  const skewPpm = parseDecimal(f[9]!);
  if (skewPpm === undefined || skewPpm < 0) return bad('skewPpm', 9, 'ppm ≥ 0');
  const rootDelayUs = parseSecondsAsUs(f[10]!);
  if (rootDelayUs === undefined || rootDelayUs < 0) return bad('rootDelayUs', 10, 'seconds ≥ 0');
  const rootDispersionUs = parseSecondsAsUs(f[11]!);
  if (rootDispersionUs === undefined || rootDispersionUs < 0) return bad('rootDispersionUs', 11, 'seconds ≥ 0');
  const updateIntervalUs = parseSecondsAsUs(f[12]!);
  if (updateIntervalUs === undefined || updateIntervalUs < 0) return bad('updateIntervalUs', 12, 'seconds ≥ 0');
  const leapStatus = Object.hasOwn(CHRONY_LEAP_STATUS_TEXT, f[13]!) ? CHRONY_LEAP_STATUS_TEXT[f[13]!] : undefined;
  if (leapStatus === undefined) {
    return bad('leapStatus', 13, 'one of Normal, Insert second, Delete second, Not synchronised');
  }
  return {
    ok: true,
    record: {
      refId: refId.toUpperCase(),
      refName,
      stratum,
      refTimeEpochUs,
      systemOffsetUs,
      lastOffsetUs,
      rmsOffsetUs,
      frequencyPpm,
      residualFrequencyPpm,
      skewPpm,
      rootDelayUs,
      rootDispersionUs,
      updateIntervalUs,
      leapStatus,
    },
  };
}
