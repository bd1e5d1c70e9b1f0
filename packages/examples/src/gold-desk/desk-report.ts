import { formatDurationNs, type LoadReportRow } from '@tailguard/core';
import type { DeskClient } from './desk-clients.js';
import { evidenceLines, type FlaggedClient } from './flagged-evidence.js';
import type { PhaseSummary } from './phase-summary.js';
import { formatPhaseComparisonMarkdown } from './phase-table.js';

/** Everything the markdown report shows. */
export interface DeskReportInput {
  seed: number;
  durationMs: number;
  guard: string;
  clients: readonly DeskClient[];
  /** Rollout bucket of each client, basis points. */
  buckets: ReadonlyMap<string, number>;
  summaries: readonly PhaseSummary[];
  flagged: readonly FlaggedClient[];
  signing: readonly LoadReportRow[];
}

function loadTable(rows: readonly LoadReportRow[]): string {
  const lines = [
    '| signer | load | target / offered per s | p50 | p99 | p99.9 | max | service p99 | note |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
  ];
  for (const r of rows) {
    lines.push(
      `| ${r.name} | ${r.multiplier}x | ${r.targetTps.toFixed(0)} / ${r.offeredTps.toFixed(0)} | ${formatDurationNs(r.p50Ns)} | ${formatDurationNs(r.p99Ns)} | ${formatDurationNs(r.p999Ns)} | ${formatDurationNs(r.maxNs)} | ${formatDurationNs(r.serviceP99Ns)} | ${r.rateOffered ? '' : r.shortfalls.join(', ')} |`,
    );
  }
  return lines.join('\n');
}

/** The markdown report of one run. */
export function formatDeskReport(input: DeskReportInput): string {
  const out: string[] = [
    `# gold-desk run: seed ${input.seed}, ${input.durationMs / 1_000} s, ${input.guard} guard`,
    '',
    'The same seeded XAUUSD order flow ran once per phase over FIX on 127.0.0.1; only the guard changed.',
    'Arbitrage loss is Σ over fills of the client-favourable mid move between quote and execution × ounces.',
    '',
    '## Clients',
    '',
    '| client | kind | size, oz | rollout bucket (bp) |',
    '| --- | --- | ---: | ---: |',
    ...input.clients.map((c) => `| ${c.id} | ${c.kind} | ${c.qtyOz} | ${input.buckets.get(c.id) ?? '-'} |`),
    '',
    '## Phases',
    '',
    formatPhaseComparisonMarkdown(input.summaries),
    '',
    '## Flagged clients (review list, never a ban)',
    '',
  ];
  if (input.flagged.length === 0) out.push('None.', '');
  for (const f of input.flagged) {
    out.push(`### ${f.entry.clientId}`, '', ...evidenceLines(f).map((l) => (l.startsWith('  ') ? `  - ${l.trim()}` : `- ${l}`)), '');
  }
  out.push('## Signing path under load (open loop, 1x / 2x / 5x)', '');
  if (input.signing.length === 0) out.push('Not run.', '');
  else {
    out.push(
      'Latency from each request\'s intended start (coordinated omission corrected); service p99 is what a closed-loop tool would show.',
      '',
      loadTable(input.signing),
      '',
    );
  }
  return out.join('\n');
}
