import { writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { ArbitrageDetector, DEFAULT_MARKOUT_HORIZONS_MS, Rollout, type LoadReportRow } from '@tailguard/core';
import type { Tracer } from '@opentelemetry/api';
import { serveMetrics, type MetricsServer } from '../metrics-server.js';
import type { GoldDeskArgs } from './desk-args.js';
import { DESK_CLIENTS, DESK_ROLLOUT_SALT } from './desk-clients.js';
import { createInMemoryDeskGuard, createRedisDeskGuard, type DeskGuard } from './desk-guard.js';
import { DESK_PHASES } from './desk-phases.js';
import { formatDeskReport } from './desk-report.js';
import { createDeskTelemetry, type DeskTelemetry } from './desk-telemetry.js';
import { startDeskVenue, type DeskVenue } from './desk-venue.js';
import { evidenceLines, type FlaggedClient } from './flagged-evidence.js';
import { planOrderFlow } from './order-flow.js';
import { runPhase, type PhaseRun } from './phase-runner.js';
import { summarizePhase, type PhaseSummary } from './phase-summary.js';
import { formatPhaseComparison, formatPhaseTable } from './phase-table.js';
import { replaySigningPath } from './signing-replay.js';
import { SimulatedClock } from './simulated-clock.js';
import { XauusdMarket } from './xauusd-market.js';

/** Where the demo writes. */
export interface DeskOutput {
  write(text: string): unknown;
}

/** What a run produced (the test reads it; the CLI prints it). */
export interface GoldDeskResult {
  /** 0 done, 2 the Redis guard is unavailable. */
  exitCode: number;
  summaries: PhaseSummary[];
  runs: PhaseRun[];
  flagged: FlaggedClient[];
  /** `http://127.0.0.1:PORT/metrics` while it ran. */
  metricsUrl: string;
  /** The report text when `--report` was given. */
  report: string | undefined;
}

/**
 * Demo detection thresholds: a phase lasts seconds, not a trading day, so the
 * stale-hit share counts from 10 samples at z > 3 (production defaults: 30 and 4).
 * Honest flow gives no stale-hit samples at all here (fresh quotes, no mid move).
 */
export const DESK_DETECTION = Object.freeze({ staleHitNMin: 10, staleHitZMin: 3 });

/**
 * Runs the whole demo with parsed `args`, writing progress and tables to
 * `out` (and why it cannot start to `options.err`). Everything it starts (FIX sessions, HTTP server, timers) is stopped
 * before it resolves, pass or fail.
 */
export async function runGoldDesk(
  args: GoldDeskArgs,
  out: DeskOutput,
  options: { tracer?: Tracer; err?: DeskOutput } = {},
): Promise<GoldDeskResult> {
  const phaseUs = (args.durationMs * 1_000) / DESK_PHASES.length;
  const market = new XauusdMarket({ seed: args.seed, durationUs: phaseUs });
  const flow = planOrderFlow(DESK_CLIENTS, market, args.seed, phaseUs);
  const clock = new SimulatedClock(Date.now() * 1_000);
  const rollout = new Rollout({ mode: 'off', salt: DESK_ROLLOUT_SALT });
  const detector = new ArbitrageDetector({ clock, ...DESK_DETECTION });
  const result: GoldDeskResult = { exitCode: 0, summaries: [], runs: [], flagged: [], metricsUrl: '', report: undefined };

  let guard: DeskGuard;
  if (args.redisUrl === undefined) guard = createInMemoryDeskGuard(clock, rollout);
  else {
    const made = await createRedisDeskGuard(args.redisUrl, clock, rollout);
    if ('unavailable' in made) {
      (options.err ?? out).write(`gold-desk: ${made.unavailable}\n`);
      return { ...result, exitCode: 2 };
    }
    guard = made;
  }

  let telemetry: DeskTelemetry | undefined;
  let server: MetricsServer | undefined;
  let venue: DeskVenue | undefined;
  try {
    telemetry = createDeskTelemetry({ guard, rollout, detector });
    server = await serveMetrics(telemetry.registry, args.port);
    result.metricsUrl = server.url;
    out.write(`metrics: ${server.url}\n`);
    venue = await startDeskVenue({
      metrics: telemetry.fixMetrics,
      guard: guard.checker,
      clock,
      clients: DESK_CLIENTS,
      ...(options.tracer === undefined ? {} : { tracer: options.tracer }),
    });
    out.write(
      `gold-desk: XAUUSD over FIX on 127.0.0.1:${venue.port}, ${guard.description} guard (max quote age 50 ms), seed ${args.seed}, ` +
        `${DESK_PHASES.length} phases of ${(phaseUs / 1e6).toFixed(1)} s, ${flow.length} execution requests per phase\n`,
    );
    out.write(
      `clients (rollout bucket, bp): ${DESK_CLIENTS.map((c) => `${c.id} ${c.kind} (${rollout.bucket(c.id)})`).join(', ')}\n`,
    );

    const firstPhase = new Map<string, string>();
    for (let i = 0; i < DESK_PHASES.length; i++) {
      const phase = DESK_PHASES[i]!;
      const run = await runPhase(
        { venue, market, flow, clients: DESK_CLIENTS, clock, rollout, detector, phaseUs, realTime: true, markoutHorizonMsMax: DEFAULT_MARKOUT_HORIZONS_MS.at(-1)! },
        phase,
        i,
      );
      for (const e of run.reviewList) if (!firstPhase.has(e.clientId)) firstPhase.set(e.clientId, phase.name);
      const summary = summarizePhase(run);
      result.runs.push(run);
      result.summaries.push(summary);
      out.write(`\n== phase ${i + 1}/${DESK_PHASES.length}: ${phase.title} ==\n${formatPhaseTable(summary)}\n`);
    }
    result.flagged = detector.reviewList().map((entry) => ({ entry, firstPhase: firstPhase.get(entry.clientId) ?? '-' }));
    out.write(`\n== all phases, same order flow ==\n${formatPhaseComparison(result.summaries)}\n`);
    for (const f of result.flagged) out.write(`\nflagged ${f.entry.clientId}:\n${evidenceLines(f).map((l) => `  ${l}`).join('\n')}\n`);

    if (args.reportPath !== undefined) {
      out.write(`\nreplaying the signing path at 1x/2x/5x of ${args.loadTps}/s for the report...\n`);
      const signing: LoadReportRow[] = await replaySigningPath(telemetry.monitor, args.loadTps, args.loadDurationMs);
      const buckets = new Map(DESK_CLIENTS.map((c) => [c.id, rollout.bucket(c.id)]));
      result.report = formatDeskReport({
        seed: args.seed,
        durationMs: args.durationMs,
        guard: guard.description,
        clients: DESK_CLIENTS,
        buckets,
        summaries: result.summaries,
        flagged: result.flagged,
        signing,
      });
      await writeFile(args.reportPath, result.report);
      out.write(`report: ${args.reportPath}\n`);
    }
    if (args.lingerMs > 0) {
      out.write(`serving ${server.url} for ${args.lingerMs} ms more\n`);
      await sleep(args.lingerMs);
    }
    return result;
  } finally {
    await venue?.stop();
    await server?.close();
    telemetry?.stop();
    await guard.close();
  }
}
