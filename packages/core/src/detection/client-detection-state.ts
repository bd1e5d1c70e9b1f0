import type { DetectionRule, PrefilterRule } from './detection-rules.js';
import type { FillSide } from './markout-math.js';

/** One recent execution kept as evidence (copied from the fill; plain data). */
export interface FillSample {
  execId: string;
  instrument: string;
  side: FillSide;
  px: number;
  midAtExecPx: number;
  /** Mid when the quote was issued; NaN when the fill did not carry it. */
  quoteMidPx: number;
  quoteAgeUs: number;
  execMonoNs: number;
  /** Client-favourable mid move from quote to execution, bps; NaN without `quoteMidPx`. */
  staleMoveBps: number;
}

/**
 * Everything the detector keeps about one client: plain, JSON-serialisable
 * numbers and strings (no class instances, no Maps), so a shared store can
 * hold it as a hash and merge the counters by addition. Fixed-length arrays are
 * sized at creation from the detector's options and never grow.
 */
export interface ClientDetectionState {
  clientId: string;
  createdMonoNs: number;
  lastSeenMonoNs: number;
  /** Only executions at or after this instant count as evidence (creation, then each clearFlag). */
  evidenceSinceMonoNs: number;
  fillsTotal: number;

  /** Ring of recent execution instants (ns) for the pre-filter. */
  execRingMonoNs: number[];
  execRingNext: number;
  execRingCount: number;
  /** Pre-filter rule that put the client on watch; null when not watched. */
  watchRule: PrefilterRule | null;
  watchSinceMonoNs: number;

  /** Per horizon (same order as the detector's horizons): markouts counted, Σ bps, Σ bps². */
  markoutN: number[];
  markoutSumBps: number[];
  markoutSumSqBps: number[];
  /**
   * Per horizon: the next execution instant whose markout may be counted. A
   * markout window [exec, exec + horizon] never overlaps the previous counted
   * one, so a burst of fills sharing one mid path counts once and the
   * observations stay independent for the t-test.
   */
  markoutNextMonoNs: number[];

  /** Stale-hit samples with a mid move between quote and execution (ties excluded). */
  staleHitN: number;
  /** Of those, moves in the client's favour. */
  staleHitFavourable: number;
  /** Fills where the mid had not moved between quote and execution. */
  staleHitTies: number;
  /** Quote windows [exec − age, exec] never overlap a counted one (same reason as markoutNextMonoNs). */
  staleHitNextMonoNs: number;

  /** Quote-age-at-execution counts per bucket (last bucket: above the last bound). Not reset by clearFlag. */
  quoteAgeCounts: number[];

  /** Ring of recent executions kept as evidence. */
  samples: FillSample[];
  samplesNext: number;

  /** Rule that flagged the client; null when not flagged. */
  flaggedRule: DetectionRule | null;
  flaggedMonoNs: number;
  /** How many times a flag on this client was cleared. */
  clearedTotal: number;
}

/** Array lengths of a client's state, from the detector's options. */
export interface ClientStateShape {
  horizons: number;
  intervalWindowExecutions: number;
  quoteAgeBuckets: number;
  samplesPerClientMax: number;
}

/** Creates a zeroed client state of the given shape (the only allocation per new client). */
export function createClientDetectionState(clientId: string, nowMonoNs: number, shape: ClientStateShape): ClientDetectionState {
  const samples: FillSample[] = [];
  for (let i = 0; i < shape.samplesPerClientMax; i++) {
    samples.push({
      execId: '',
      instrument: '',
      side: 'buy',
      px: 0,
      midAtExecPx: 0,
      quoteMidPx: Number.NaN,
      quoteAgeUs: 0,
      execMonoNs: 0,
      staleMoveBps: Number.NaN,
    });
  }
  return {
    clientId,
    createdMonoNs: nowMonoNs,
    lastSeenMonoNs: nowMonoNs,
    evidenceSinceMonoNs: nowMonoNs,
    fillsTotal: 0,
    execRingMonoNs: new Array<number>(shape.intervalWindowExecutions).fill(0),
    execRingNext: 0,
    execRingCount: 0,
    watchRule: null,
    watchSinceMonoNs: 0,
    markoutN: new Array<number>(shape.horizons).fill(0),
    markoutSumBps: new Array<number>(shape.horizons).fill(0),
    markoutSumSqBps: new Array<number>(shape.horizons).fill(0),
    markoutNextMonoNs: new Array<number>(shape.horizons).fill(Number.NEGATIVE_INFINITY),
    staleHitN: 0,
    staleHitFavourable: 0,
    staleHitTies: 0,
    staleHitNextMonoNs: Number.NEGATIVE_INFINITY,
    quoteAgeCounts: new Array<number>(shape.quoteAgeBuckets).fill(0),
    samples,
    samplesNext: 0,
    flaggedRule: null,
    flaggedMonoNs: 0,
    clearedTotal: 0,
  };
}

/**
 * Forgets the markout and stale-hit evidence (after a clearFlag), so a cleared
 * client is flagged again only on executions from `nowMonoNs` on. The
 * pre-filter window and the quote-age distribution stay: they are context, not verdicts.
 */
export function resetClientEvidence(state: ClientDetectionState, nowMonoNs: number): void {
  state.evidenceSinceMonoNs = nowMonoNs;
  state.markoutN.fill(0);
  state.markoutSumBps.fill(0);
  state.markoutSumSqBps.fill(0);
  state.markoutNextMonoNs.fill(Number.NEGATIVE_INFINITY);
  state.staleHitN = 0;
  state.staleHitFavourable = 0;
  state.staleHitTies = 0;
  state.staleHitNextMonoNs = Number.NEGATIVE_INFINITY;
  state.flaggedRule = null;
  state.flaggedMonoNs = 0;
}
