import type { StalenessReport } from '../audit/staleness-audit.js';

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** µs as milliseconds with µs precision: `847.213 ms`; `-` when absent. */
export function formatUsAsMs(us: number | null): string {
  return us === null ? '-' : `${(us / 1_000).toFixed(3)} ms`;
}

/** Line counts of one input file, beside the audit's figures. */
export interface StalenessInputSummary {
  source: string;
  format: string;
  lines: number;
  malformedLines: number;
  blankLines: number;
  /** First line numbers with a negative age (bounded list). */
  negativeAgeLines: readonly number[];
}

/** The human-readable table printed by `tailguard audit-staleness`. */
export function formatStalenessReport(report: StalenessReport, input: StalenessInputSummary): string {
  const share = report.vulnerableShare === null ? '-' : `${(report.vulnerableShare * 100).toFixed(2)} %`;
  const negative =
    report.negativeCount === 0
      ? '0'
      : `${integer.format(report.negativeCount)} (execution before quote, worst ${formatUsAsMs(report.negativeMinUs)}; first at line ${input.negativeAgeLines.join(', ')})`;
  const rows: [string, string][] = [
    ['executions', integer.format(report.count)],
    ['median age', formatUsAsMs(report.medianUs)],
    ['p95 age', formatUsAsMs(report.p95Us)],
    ['p99 age', formatUsAsMs(report.p99Us)],
    ['max age', formatUsAsMs(report.maxUs)],
    [`above ${formatUsAsMs(report.thresholdUs)}`, `${integer.format(report.vulnerableCount)} (${share})`],
    ['negative ages', negative],
    [`clamped above ${formatUsAsMs(report.highestTrackableUs)}`, integer.format(report.clampedCount)],
    ['lines read', integer.format(input.lines)],
    ['malformed lines', input.malformedLines === 0 ? '0' : `${integer.format(input.malformedLines)} (each named on stderr)`],
    ['blank lines', integer.format(input.blankLines)],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  const body = rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`);
  return [`Staleness audit of ${input.source} (${input.format}): quote age at execution, HDR 3 significant digits`, ...body, ''].join('\n');
}
