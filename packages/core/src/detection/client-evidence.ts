import type { ClientDetectionState, FillSample } from './client-detection-state.js';
import type { DetectionRule, PrefilterRule } from './detection-rules.js';
import { binomialZ, meanOf, sampleSdOf, tStatistic } from './markout-math.js';
import { summarizeQuoteAges, type QuoteAgeDistribution } from './quote-age-buckets.js';

/** Thresholds the flag rules apply (a subset of the detector's resolved options). */
export interface RuleThresholds {
  markoutHorizonsMs: readonly number[];
  markoutNMin: number;
  watchMarkoutNMin: number;
  markoutTMin: number;
  markoutHorizonsMin: number;
  staleHitNMin: number;
  staleHitShareMin: number;
  staleHitZMin: number;
  quoteAgeBoundsUs: readonly number[];
}

/** Markout figures of one client at one horizon. */
export interface MarkoutEvidence {
  horizonMs: number;
  n: number;
  meanBps: number;
  sdBps: number;
  /** mean / (sd / √n); NaN when n < 2. */
  t: number;
  /** n reached the minimum that applied and t exceeded markoutTMin. */
  passes: boolean;
}

/** Stale-hit figures of one client. */
export interface StaleHitEvidence {
  /** Fills counted with a mid move between quote and execution. */
  n: number;
  /** Of those, moves in the client's favour (the quote was stale in their favour). */
  favourable: number;
  /** Fills with no mid move (excluded from the share). */
  ties: number;
  /** favourable / n; NaN when n is 0. About 0.5 for uninformed flow. */
  share: number;
  /** Binomial z against 0.5. */
  z: number;
  passes: boolean;
}

/** Everything known about a client, as figures a reviewer can read. */
export interface ClientEvidence {
  clientId: string;
  fillsTotal: number;
  /** Pre-filter rule that put the client on watch, or null. */
  watchRule: PrefilterRule | null;
  watchSinceMonoNs: number;
  /** Minimum markout n that applied (lower while on watch). */
  markoutNMinApplied: number;
  markouts: MarkoutEvidence[];
  staleHit: StaleHitEvidence;
  quoteAge: QuoteAgeDistribution;
  /** Recent executions, newest first (bounded by samplesPerClientMax). */
  samples: FillSample[];
  /** Evidence counts executions from this instant on (creation or last clearFlag). */
  evidenceSinceMonoNs: number;
  clearedTotal: number;
}

/** Horizons whose markouts pass (n ≥ the applicable minimum and t > markoutTMin). Allocation-free. */
export function markoutHorizonsPassing(state: ClientDetectionState, t: RuleThresholds): number {
  const nMin = state.watchRule !== null ? Math.min(t.watchMarkoutNMin, t.markoutNMin) : t.markoutNMin;
  let passing = 0;
  for (let h = 0; h < state.markoutN.length; h++) {
    const n = state.markoutN[h]!;
    if (n >= nMin && tStatistic(n, state.markoutSumBps[h]!, state.markoutSumSqBps[h]!) > t.markoutTMin) passing++;
  }
  return passing;
}

/** True when the stale-hit share rule trips. Allocation-free. */
export function staleHitPasses(state: ClientDetectionState, t: RuleThresholds): boolean {
  const n = state.staleHitN;
  if (n < t.staleHitNMin) return false;
  return state.staleHitFavourable / n > t.staleHitShareMin && binomialZ(state.staleHitFavourable, n, 0.5) > t.staleHitZMin;
}

/** First rule that trips for this client, or null. Allocation-free: called after every markout. */
export function firstTrippedRule(state: ClientDetectionState, t: RuleThresholds): DetectionRule | null {
  if (markoutHorizonsPassing(state, t) >= t.markoutHorizonsMin) return 'MARKOUT_T';
  if (staleHitPasses(state, t)) return 'STALE_HIT_SHARE';
  return null;
}

/** Every rule that trips for this client. */
export function trippedRules(state: ClientDetectionState, t: RuleThresholds): DetectionRule[] {
  const rules: DetectionRule[] = [];
  if (markoutHorizonsPassing(state, t) >= t.markoutHorizonsMin) rules.push('MARKOUT_T');
  if (staleHitPasses(state, t)) rules.push('STALE_HIT_SHARE');
  return rules;
}

/** Builds the evidence figures from a client's counters (a copy: later fills do not change it). */
export function buildClientEvidence(state: ClientDetectionState, t: RuleThresholds): ClientEvidence {
  const nMin = state.watchRule !== null ? Math.min(t.watchMarkoutNMin, t.markoutNMin) : t.markoutNMin;
  const markouts: MarkoutEvidence[] = t.markoutHorizonsMs.map((horizonMs, h) => {
    const n = state.markoutN[h]!;
    const sum = state.markoutSumBps[h]!;
    const sumSq = state.markoutSumSqBps[h]!;
    const tStat = tStatistic(n, sum, sumSq);
    return { horizonMs, n, meanBps: meanOf(n, sum), sdBps: sampleSdOf(n, sum, sumSq), t: tStat, passes: n >= nMin && tStat > t.markoutTMin };
  });
  const shN = state.staleHitN;
  const samples: FillSample[] = [];
  const k = state.samples.length;
  const filled = Math.min(state.fillsTotal, k);
  for (let i = 1; i <= filled; i++) samples.push({ ...state.samples[(state.samplesNext - i + k) % k]! });
  return {
    clientId: state.clientId,
    fillsTotal: state.fillsTotal,
    watchRule: state.watchRule,
    watchSinceMonoNs: state.watchSinceMonoNs,
    markoutNMinApplied: nMin,
    markouts,
    staleHit: {
      n: shN,
      favourable: state.staleHitFavourable,
      ties: state.staleHitTies,
      share: shN > 0 ? state.staleHitFavourable / shN : Number.NaN,
      z: binomialZ(state.staleHitFavourable, shN, 0.5),
      passes: staleHitPasses(state, t),
    },
    quoteAge: summarizeQuoteAges(t.quoteAgeBoundsUs, state.quoteAgeCounts),
    samples,
    evidenceSinceMonoNs: state.evidenceSinceMonoNs,
    clearedTotal: state.clearedTotal,
  };
}
