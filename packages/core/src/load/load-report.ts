/**
 * Why a row's target rate was not (fully) offered. A closed list, only ever appended.
 * - `OFFERED_RATE_LOW`: requests were issued at less than `offeredRatioMin` of the target rate.
 * - `DISPATCH_LAG`: the dispatcher started some request later than `lagMaxMs` after it was due
 *   (and not because the concurrency bound was full): the process could not keep the timetable.
 * - `NOT_ALL_ISSUED`: the run hit its overrun deadline before issuing every scheduled request.
 * - `UNFINISHED`: requests were still in flight at the overrun deadline (not in the percentiles).
 */
export const LOAD_SHORTFALLS = ['OFFERED_RATE_LOW', 'DISPATCH_LAG', 'NOT_ALL_ISSUED', 'UNFINISHED'] as const;

/** One of {@link LOAD_SHORTFALLS}. */
export type LoadShortfall = (typeof LOAD_SHORTFALLS)[number];

/**
 * Result of one multiplier of a load replay. Latencies are nanoseconds.
 * `p50Ns`..`maxNs` are corrected for coordinated omission (measured from each
 * request's intended start on the timetable); `serviceP50Ns`/`serviceP99Ns` are
 * measured from the actual start, which is what a closed-loop tool would report.
 */
export interface LoadReportRow {
  /** Name of the replayed function (the `name` option). */
  name: string;
  /** Burst multiplier applied to the base rate. */
  multiplier: number;
  /** Rate the timetable asked for: `tps × multiplier`. */
  targetTps: number;
  /** Rate at which requests were actually issued. */
  offeredTps: number;
  /** Completed requests per second, from the first intended start to the last completion. */
  achievedTps: number;
  /** Requests scheduled on the timetable. */
  scheduled: number;
  /** Requests completed (successfully or not); the percentiles cover these. */
  count: number;
  /** Completed requests that threw or rejected. */
  errors: number;
  /** Scheduled requests never issued because the overrun deadline passed. */
  notIssued: number;
  /** Issued requests still in flight at the overrun deadline. */
  unfinished: number;
  /** Corrected latency percentiles and maximum, ns. */
  p50Ns: number;
  p90Ns: number;
  p99Ns: number;
  p999Ns: number;
  maxNs: number;
  /** Uncorrected (service time, from actual start) median and p99, ns. */
  serviceP50Ns: number;
  serviceP99Ns: number;
  /** Largest delay between a request being due (with a free concurrency slot) and its start, ns. */
  dispatchLagMaxNs: number;
  /** Requests that had to wait for a free slot under `concurrencyMax`. */
  concurrencyWaits: number;
  /** Highest number of requests in flight at once. */
  inFlightMax: number;
  /** True when the target rate was offered: `shortfalls` is empty. */
  rateOffered: boolean;
  /** Why the target rate was not offered; empty when it was. */
  shortfalls: readonly LoadShortfall[];
}

const COLUMNS: readonly { title: string; cell: (r: LoadReportRow) => string }[] = [
  { title: 'name', cell: (r) => r.name },
  { title: 'mult', cell: (r) => `${r.multiplier}x` },
  { title: 'target/s', cell: (r) => formatRate(r.targetTps) },
  { title: 'achieved/s', cell: (r) => formatRate(r.achievedTps) },
  { title: 'count', cell: (r) => String(r.count) },
  { title: 'errors', cell: (r) => String(r.errors) },
  { title: 'p50', cell: (r) => formatDurationNs(r.p50Ns) },
  { title: 'p90', cell: (r) => formatDurationNs(r.p90Ns) },
  { title: 'p99', cell: (r) => formatDurationNs(r.p99Ns) },
  { title: 'p99.9', cell: (r) => formatDurationNs(r.p999Ns) },
  { title: 'max', cell: (r) => formatDurationNs(r.maxNs) },
  { title: 'svc p99', cell: (r) => formatDurationNs(r.serviceP99Ns) },
  { title: 'offered', cell: (r) => (r.rateOffered ? 'yes' : `NO: ${r.shortfalls.join(',')}`) },
];

/**
 * Renders rows (from one or several replays) as a fixed-width text table.
 * Percentile columns are corrected latency; `svc p99` is the uncorrected
 * service-time p99 a closed-loop tool would have shown. A row whose target
 * rate was not offered says `NO` and why, and a footnote explains each reason.
 */
export function formatLoadReport(rows: readonly LoadReportRow[]): string {
  const cells = rows.map((r) => COLUMNS.map((c) => c.cell(r)));
  const widths = COLUMNS.map((c, i) => Math.max(c.title.length, ...cells.map((row) => row[i]!.length)));
  const line = (values: readonly string[]): string =>
    values.map((v, i) => (i === 0 ? v.padEnd(widths[i]!) : v.padStart(widths[i]!))).join('  ').trimEnd();
  const out = [line(COLUMNS.map((c) => c.title)), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)];
  out.push('latency from intended start (coordinated omission corrected); svc p99 = from actual start (closed-loop view)');
  const seen = new Set<LoadShortfall>();
  for (const r of rows) for (const s of r.shortfalls) seen.add(s);
  for (const s of LOAD_SHORTFALLS) if (seen.has(s)) out.push(`${s}: ${SHORTFALL_TEXT[s]}`);
  return out.join('\n');
}

const SHORTFALL_TEXT: Record<LoadShortfall, string> = {
  OFFERED_RATE_LOW: 'requests were issued below 95 % (offeredRatioMin) of the target rate; the figures describe a lighter load than asked',
  DISPATCH_LAG: 'the dispatcher started requests late (beyond lagMaxMs) with a free slot: this process could not keep the timetable (a synchronous fn or a pause blocks it); corrected latency still counts the wait',
  NOT_ALL_ISSUED: 'the run hit its overrun deadline before issuing every scheduled request',
  UNFINISHED: 'requests were still in flight at the overrun deadline and are not in the percentiles',
};

/** Formats a rate with a k suffix above 10 000. */
function formatRate(tps: number): string {
  return tps >= 10_000 ? `${(tps / 1_000).toFixed(1)}k` : tps.toFixed(0);
}

/** Formats ns with the unit that keeps about three significant digits readable (e.g. `412us`, `1.25ms`). */
export function formatDurationNs(ns: number): string {
  if (ns < 1_000) return `${Math.round(ns)}ns`;
  if (ns < 1e6) return `${threeDigits(ns / 1_000)}us`;
  if (ns < 1e9) return `${threeDigits(ns / 1e6)}ms`;
  return `${threeDigits(ns / 1e9)}s`;
}

// toPrecision would switch to exponent notation at 999.96; fixed decimals never do.
function threeDigits(v: number): string {
  return v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2);
}
