const ZERO = 48;

function digits(s: string, start: number, count: number): number {
  let v = 0;
  for (let i = start; i < start + count; i++) {
    const d = s.charCodeAt(i) - ZERO;
    if (d < 0 || d > 9) return NaN;
    v = v * 10 + d;
  }
  return v;
}

/** Days from 1970-01-01 to the civil date (proleptic Gregorian), H. Hinnant's algorithm. */
function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** Days in month `m` (1-12) of year `y`, proleptic Gregorian. */
function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/**
 * Parses a FIX UTCTimestamp (`YYYYMMDD-HH:MM:SS`, optionally `.sss`, `.ssssss`
 * or `.sssssssss`) into epoch microseconds, keeping the microseconds that
 * jspurefix's `getTyped(52)` truncates (nanoseconds are truncated to µs). No
 * `Date`, no allocation. Returns NaN for anything malformed, an impossible date
 * (Feb 30) included; a leap second (`:60`) reads as the next minute's `:00`.
 */
export function parseUtcTimestampEpochUs(raw: string): number {
  if (raw.length < 17 || raw.charCodeAt(8) !== 45 /* - */ || raw.charCodeAt(11) !== 58 || raw.charCodeAt(14) !== 58) return NaN;
  const y = digits(raw, 0, 4);
  const mo = digits(raw, 4, 2);
  const d = digits(raw, 6, 2);
  const h = digits(raw, 9, 2);
  const mi = digits(raw, 12, 2);
  const s = digits(raw, 15, 2);
  if (!(mo >= 1 && mo <= 12 && d >= 1 && d <= daysInMonth(y, mo) && h <= 23 && mi <= 59 && s <= 60)) return NaN;
  let fracUs = 0;
  if (raw.length > 17) {
    if (raw.charCodeAt(17) !== 46 /* . */) return NaN;
    const n = raw.length - 18;
    if (n !== 3 && n !== 6 && n !== 9) return NaN;
    const frac = digits(raw, 18, n);
    fracUs = n === 3 ? frac * 1_000 : n === 6 ? frac : Math.floor(frac / 1_000);
  }
  const secs = daysFromCivil(y, mo, d) * 86_400 + h * 3_600 + mi * 60 + s;
  return secs * 1e6 + fracUs;
}

/** Formats epoch milliseconds as the FIX UTCTimestamp jspurefix writes (`YYYYMMDD-HH:MM:SS.sss`). Not for the hot path. */
export function formatUtcTimestampMs(epochMs: number): string {
  const iso = new Date(epochMs).toISOString(); // 2024-01-02T03:04:05.678Z
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}-${iso.slice(11, 23)}`;
}
