import { formatDurationNs, type LoadReportRow } from '@tailguard/core';

/**
 * One line per multiplier, one column per replayed function: the corrected p99
 * with the closed-loop (service-time) p99 in brackets, and a `!` where the
 * target rate could not be offered.
 */
export function formatSideBySide(rows: readonly LoadReportRow[]): string {
  const names = [...new Set(rows.map((r) => r.name))];
  const multipliers = [...new Set(rows.map((r) => r.multiplier))];
  const header = ['p99 corrected (svc p99)', ...names];
  const body = multipliers.map((m) => {
    const first = rows.find((r) => r.multiplier === m)!;
    return [
      `${m}x  ${first.targetTps.toFixed(0)}/s`,
      ...names.map((name) => {
        const r = rows.find((x) => x.name === name && x.multiplier === m);
        if (r === undefined) return '-';
        return `${formatDurationNs(r.p99Ns)} (${formatDurationNs(r.serviceP99Ns)})${r.rateOffered ? '' : ' !'}`;
      }),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: readonly string[]): string =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  const out = [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)];
  if (rows.some((r) => !r.rateOffered)) out.push('! target rate not offered (see the offered column above)');
  return out.join('\n');
}
