import type { ReviewEntry } from '@tailguard/core';

/** A flagged client with the phase in which it was first listed. */
export interface FlaggedClient {
  entry: ReviewEntry;
  /** Name of the phase at whose end the client was first on the review list. */
  firstPhase: string;
}

function ageBound(us: number): string {
  if (Number.isNaN(us)) return '-';
  if (us === Number.POSITIVE_INFINITY) return '> 3 s';
  return us >= 1_000_000 ? `≤ ${us / 1_000_000} s` : `≤ ${us / 1_000} ms`;
}

/** One line per fact of a flag's evidence, as figures a reviewer can check. */
export function evidenceLines(f: FlaggedClient): string[] {
  const e = f.entry.evidence;
  const sh = e.staleHit;
  const lines = [
    `rule ${f.entry.rule} (tripped: ${f.entry.rules.join(', ')}), listed after phase ${f.firstPhase}, ${e.fillsTotal} fills seen by then`,
    `stale hits: ${sh.favourable} of ${sh.n} counted fills had the mid already moved in the client's favour (share ${(sh.share * 100).toFixed(0)} %, z ${sh.z.toFixed(1)}; uninformed flow is about 50 %), ${sh.ties} with no move`,
    `quote age at execution: median ${ageBound(e.quoteAge.p50UsUpper)}, p90 ${ageBound(e.quoteAge.p90UsUpper)}, busiest bucket ${ageBound(e.quoteAge.modeUsUpper)} (${(e.quoteAge.modeShare * 100).toFixed(0)} %)`,
    `markouts: ${e.markouts.map((m) => `${m.horizonMs >= 1_000 ? `${m.horizonMs / 1_000} s` : `${m.horizonMs} ms`} n ${m.n}${m.n >= 2 ? ` mean ${m.meanBps.toFixed(2)} bps${Number.isFinite(m.t) ? ` t ${m.t.toFixed(1)}` : ''}` : ''}`).join('; ')}`,
  ];
  if (e.watchRule !== null) lines.push(`pre-filter: on watch (${e.watchRule})`);
  for (const s of e.samples.slice(0, 3)) {
    lines.push(
      `  fill ${s.execId}: ${s.side} at ${s.px.toFixed(2)}, quote ${(s.quoteAgeUs / 1_000).toFixed(0)} ms old, mid moved ${s.staleMoveBps.toFixed(2)} bps in the client's favour`,
    );
  }
  return lines;
}
