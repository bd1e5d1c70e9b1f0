/**
 * Field-level parsing of chronyc's CSV output (`chronyc -c`). Each function
 * returns `undefined` for a malformed field instead of throwing, so the line
 * parsers can name the field in their error.
 */

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;
const INTEGER = /^-?\d+$/;

/**
 * Parses a decimal number of seconds (`1795625583.398154632`, `-0.000003585`)
 * into microseconds without a float-seconds intermediate: the first nine
 * fraction digits are read as integer nanoseconds and divided once, so
 * `0.000002522` is exactly 2.522 µs and an epoch time keeps its microseconds.
 */
export function parseSecondsAsUs(text: string): number | undefined {
  const m = DECIMAL.exec(text);
  if (m === null) return undefined;
  const sign = m[1] === '-' ? -1 : 1;
  const whole = Number(m[2]);
  const fraction = m[3] ?? '';
  const nanos = fraction.length === 0 ? 0 : Number(fraction.slice(0, 9).padEnd(9, '0'));
  const subNano = fraction.length > 9 ? Number(`0.${fraction.slice(9)}`) : 0;
  const us = whole * 1e6 + (nanos + subNano) / 1_000;
  return Number.isFinite(us) ? sign * us : undefined;
}

/** Parses a plain decimal (`-9.259`, `132.044`); undefined when malformed. */
export function parseDecimal(text: string): number | undefined {
  if (!DECIMAL.test(text)) return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
}

/** Parses a base-10 integer within [min, max]; undefined when malformed or out of range. */
export function parseIntegerInRange(text: string, min: number, max: number): number | undefined {
  if (!INTEGER.test(text)) return undefined;
  const n = Number(text);
  return n >= min && n <= max ? n : undefined;
}

/** Longest excerpt of offending output quoted in an error message. */
export const CHRONY_ERROR_EXCERPT_LENGTH_MAX = 160;

/** Quotes a bounded excerpt of chronyc output for an error message. */
export function excerpt(text: string): string {
  const clipped = text.length > CHRONY_ERROR_EXCERPT_LENGTH_MAX ? `${text.slice(0, CHRONY_ERROR_EXCERPT_LENGTH_MAX)}…` : text;
  return JSON.stringify(clipped);
}
