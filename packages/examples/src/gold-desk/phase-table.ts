import { formatDurationNs } from '@tailguard/core';
import { totalOf, type PhaseSummary } from './phase-summary.js';

/** One line of the phase tables. */
interface PhaseRow {
  label: string;
  value(s: PhaseSummary): string;
}

function ms(v: number): string {
  return Number.isNaN(v) ? '-' : v < 10 ? v.toFixed(1) : v.toFixed(0);
}

function pct(share: number): string {
  return `${(share * 100).toFixed(share > 0 && share < 0.1 ? 2 : 1)} %`;
}

function usd(v: number): string {
  return Math.round(v).toLocaleString('en-US');
}

function withWould(enforced: number, would: number): string {
  return would > 0 ? `${enforced} (+${would} would)` : `${enforced}`;
}

/** Rows of the phase tables, in print order. */
export const PHASE_ROWS: readonly PhaseRow[] = Object.freeze([
  { label: 'executions (fills / requests)', value: (s) => `${s.executions} / ${s.requests}` },
  { label: 'quote age at fill p50 / p95 / max, ms', value: (s) => `${ms(s.ageMedianMs)} / ${ms(s.ageP95Ms)} / ${ms(s.ageMaxMs)}` },
  { label: 'vulnerable fills (age > 500 ms)', value: (s) => pct(s.vulnerableShare) },
  { label: 'stale rejects', value: (s) => withWould(s.rejects.QUOTE_STALE, s.wouldRejects.QUOTE_STALE) },
  { label: 'replay rejects', value: (s) => withWould(s.rejects.QUOTE_REPLAYED, s.wouldRejects.QUOTE_REPLAYED) },
  {
    label: 'other rejects',
    value: (s) => withWould(totalOf(s.rejects) - s.rejects.QUOTE_STALE - s.rejects.QUOTE_REPLAYED, totalOf(s.wouldRejects) - s.wouldRejects.QUOTE_STALE - s.wouldRejects.QUOTE_REPLAYED),
  },
  { label: 'arbitrage loss, USD (markout)', value: (s) => usd(s.arbLossUsd) },
  { label: 'honest clients falsely rejected', value: (s) => `${s.honestRejected} / ${s.honestRequests} (${pct(s.falseRejectShare)})` },
  { label: 'replayed QuoteIDs rejected', value: (s) => `${s.replayRepeatsRejected} / ${s.replayRepeats}` },
  {
    label: 'guard hold time p50 / p99',
    value: (s) => (Number.isNaN(s.holdP50Ns) ? 'guard off' : `${formatDurationNs(s.holdP50Ns)} / ${formatDurationNs(s.holdP99Ns)}`),
  },
  { label: 'quotes streamed (not recorded)', value: (s) => (s.quotesUnrecorded > 0 ? `${s.quotesIssued} (${s.quotesUnrecorded})` : `${s.quotesIssued}`) },
  { label: 'flagged for review', value: (s) => (s.flagged.length === 0 ? '-' : s.flagged.join(', ')) },
]);

function render(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd()).join('\n');
}

/** The table printed after one phase: one line per figure. */
export function formatPhaseTable(s: PhaseSummary): string {
  return render(PHASE_ROWS.map((r) => [r.label, r.value(s)]));
}

/** All phases side by side: one column per phase. */
export function formatPhaseComparison(summaries: readonly PhaseSummary[]): string {
  const header = ['', ...summaries.map((s) => s.phase.name)];
  const rule = header.map((h, i) => (i === 0 ? '' : '-'.repeat(Math.max(3, h.length))));
  return render([header, rule, ...PHASE_ROWS.map((r) => [r.label, ...summaries.map((s) => r.value(s))])]);
}

/** Markdown version of {@link formatPhaseComparison}, for the report. */
export function formatPhaseComparisonMarkdown(summaries: readonly PhaseSummary[]): string {
  const esc = (t: string): string => t.replace(/\|/g, '\\|');
  const lines = [
    `| figure | ${summaries.map((s) => esc(s.phase.name)).join(' | ')} |`,
    `| --- | ${summaries.map(() => '---:').join(' | ')} |`,
    ...PHASE_ROWS.map((r) => `| ${esc(r.label)} | ${summaries.map((s) => esc(r.value(s))).join(' | ')} |`),
  ];
  return lines.join('\n');
}
