import { QUOTE_REASONS, type QuoteReason } from '@tailguard/core';
import type { DeskPhase } from './desk-phases.js';
import type { ExecutionRecord, PhaseRun } from './phase-runner.js';

/** Quote age above which a fill counts as vulnerable (the market had time to move), µs. */
export const VULNERABLE_AGE_US = 500_000;

/** Count per guard reason. */
export type ReasonCounts = Record<QuoteReason, number>;

/** The figures of one phase's table. */
export interface PhaseSummary {
  phase: DeskPhase;
  /** Execution requests sent. */
  requests: number;
  /** Fills. */
  executions: number;
  /** Quote age at execution over the fills, ms (NaN without fills). */
  ageMedianMs: number;
  ageP95Ms: number;
  ageMaxMs: number;
  /** Share of fills whose quote was older than {@link VULNERABLE_AGE_US}. */
  vulnerableShare: number;
  /** Enforced rejects by reason. */
  rejects: ReasonCounts;
  /** Failed checks filled anyway (shadow, or the client outside the rollout), by reason. */
  wouldRejects: ReasonCounts;
  /** Σ over fills of the client-favourable mid move between quote and execution × ounces, USD. */
  arbLossUsd: number;
  /** Requests of honest clients and the fast algo, and how many were rejected. */
  honestRequests: number;
  honestRejected: number;
  /** honestRejected / honestRequests. */
  falseRejectShare: number;
  /** The replayer's resends of an already executed QuoteID, and how many were rejected. */
  replayRepeats: number;
  replayRepeatsRejected: number;
  /** Guard hold time over the checks, ns (NaN when the guard was off). */
  holdP50Ns: number;
  holdP99Ns: number;
  /** Clients on the review list at the end of the phase. */
  flagged: string[];
  /** Quotes streamed. */
  quotesIssued: number;
  /** Quotes the guard could not record (not sent). */
  quotesUnrecorded: number;
}

function emptyCounts(): ReasonCounts {
  return Object.fromEntries(QUOTE_REASONS.map((r) => [r, 0])) as ReasonCounts;
}

/** Nearest-rank quantile of an ascending array; NaN when empty. */
export function quantileOfSorted(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** Client-favourable mid move of one fill × ounces, USD (positive: the desk lost it). */
export function favourableMoveUsd(r: ExecutionRecord): number {
  const move = r.order.side === 'buy' ? r.midAtExecPx - r.quoteMidPx : r.quoteMidPx - r.midAtExecPx;
  return move * r.order.qtyOz;
}

/** Computes a phase's table from its records. */
export function summarizePhase(run: PhaseRun): PhaseSummary {
  const rejects = emptyCounts();
  const wouldRejects = emptyCounts();
  const agesUs: number[] = [];
  const holdsNs: number[] = [];
  let executions = 0;
  let vulnerable = 0;
  let lossUsd = 0;
  let honestRequests = 0;
  let honestRejected = 0;
  let replayRepeats = 0;
  let replayRepeatsRejected = 0;
  const guardOn = run.phase.mode !== 'off';
  for (const r of run.records) {
    const o = r.outcome;
    if (guardOn) holdsNs.push(o.holdNs);
    if (o.filled) {
      executions++;
      agesUs.push(r.quoteAgeUs);
      if (r.quoteAgeUs > VULNERABLE_AGE_US) vulnerable++;
      lossUsd += favourableMoveUsd(r);
      if (o.wouldReject) wouldRejects[o.reason]++;
    } else {
      rejects[o.reason]++;
    }
    if (r.kind === 'honest' || r.kind === 'algo') {
      honestRequests++;
      if (!o.filled) honestRejected++;
    }
    if (r.order.repeat > 0) {
      replayRepeats++;
      if (!o.filled) replayRepeatsRejected++;
    }
  }
  agesUs.sort((a, b) => a - b);
  holdsNs.sort((a, b) => a - b);
  return {
    phase: run.phase,
    requests: run.records.length,
    executions,
    ageMedianMs: quantileOfSorted(agesUs, 0.5) / 1_000,
    ageP95Ms: quantileOfSorted(agesUs, 0.95) / 1_000,
    ageMaxMs: agesUs.length === 0 ? Number.NaN : agesUs[agesUs.length - 1]! / 1_000,
    vulnerableShare: executions === 0 ? 0 : vulnerable / executions,
    rejects,
    wouldRejects,
    arbLossUsd: lossUsd,
    honestRequests,
    honestRejected,
    falseRejectShare: honestRequests === 0 ? 0 : honestRejected / honestRequests,
    replayRepeats,
    replayRepeatsRejected,
    holdP50Ns: quantileOfSorted(holdsNs, 0.5),
    holdP99Ns: quantileOfSorted(holdsNs, 0.99),
    flagged: run.reviewList.map((e) => e.clientId).sort(),
    quotesIssued: run.quotesIssued,
    quotesUnrecorded: run.quotesUnrecorded,
  };
}

/** Sum of a reason-count table. */
export function totalOf(counts: ReasonCounts): number {
  let n = 0;
  for (const r of QUOTE_REASONS) n += counts[r];
  return n;
}
