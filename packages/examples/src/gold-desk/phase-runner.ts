import { setTimeout as sleep } from 'node:timers/promises';
import type { ArbitrageDetector, ReviewEntry, Rollout } from '@tailguard/core';
import type { PlannedOrder } from './client-strategies.js';
import type { DeskClient, ClientKind } from './desk-clients.js';
import type { DeskPhase } from './desk-phases.js';
import type { DeskVenue, OrderOutcome } from './desk-venue.js';
import type { SimulatedClock } from './simulated-clock.js';
import { DESK_INSTRUMENT, type XauusdMarket } from './xauusd-market.js';

/** One execution request and what became of it. */
export interface ExecutionRecord {
  order: PlannedOrder;
  kind: ClientKind;
  clOrdId: string;
  quoteId: string;
  /** Price executed (or asked): the quote's ask for a buy, its bid for a sell. */
  px: number;
  /** Quote age at execution on the simulated timeline, µs. */
  quoteAgeUs: number;
  /** Mid when the quote was issued and when it was executed. */
  quoteMidPx: number;
  midAtExecPx: number;
  outcome: OrderOutcome;
}

/** A phase as it ran. */
export interface PhaseRun {
  phase: DeskPhase;
  records: ExecutionRecord[];
  /** The desk's review list at the end of the phase (detection runs across the whole session). */
  reviewList: ReviewEntry[];
  /** Quotes streamed in the phase (all clients). */
  quotesIssued: number;
  /** Quotes the guard could not record (a shared store that did not answer in time); they were not sent. */
  quotesUnrecorded: number;
  /** Real time the phase took, ms. */
  realMs: number;
}

/** What every phase shares. */
export interface PhaseRunnerContext {
  venue: DeskVenue;
  market: XauusdMarket;
  /** The planned flow, replayed identically in every phase. */
  flow: readonly PlannedOrder[];
  clients: readonly DeskClient[];
  clock: SimulatedClock;
  rollout: Rollout;
  detector: ArbitrageDetector;
  /** Simulated length of a phase, µs. */
  phaseUs: number;
  /** Pace the simulated timeline to real time (false only for tests of the runner itself). */
  realTime: boolean;
  /** Longest markout horizon, ms: pending markouts are resolved before the next phase starts. */
  markoutHorizonMsMax: number;
}

/** Gap on the simulated monotonic timeline between phases beyond the longest markout horizon, ns. */
const PHASE_GAP_NS = 1e9;

/** Start of phase `index` on the simulated monotonic timeline, ns (phases never overlap, markouts included). */
export function phaseBaseMonoNs(ctx: Pick<PhaseRunnerContext, 'phaseUs' | 'markoutHorizonMsMax'>, index: number): number {
  return PHASE_GAP_NS + index * (ctx.phaseUs * 1_000 + ctx.markoutHorizonMsMax * 1e6 + PHASE_GAP_NS);
}

/**
 * Runs one phase: sets the rollout, then plays the market and the planned
 * flow in time order. Each tick the venue records and streams a quote to
 * every client and the detector gets the mid; each order goes out over FIX
 * from its client's engine and the runner waits for its ExecutionReport
 * before the next event (lock-step), with the dealer's clock set to the
 * event's simulated instant, so decisions depend only on the seed.
 */
export async function runPhase(ctx: PhaseRunnerContext, phase: DeskPhase, index: number): Promise<PhaseRun> {
  const { market, venue, clock, detector } = ctx;
  ctx.rollout.update({ mode: phase.mode, enforceBasisPoints: phase.enforceBasisPoints });
  const baseMonoNs = phaseBaseMonoNs(ctx, index);
  const startWallUs = Date.now() * 1_000; // the phase's simulated wall timeline starts at the real time
  const startRealMs = performance.now();
  const kindOf = new Map(ctx.clients.map((c) => [c.id, c.kind]));
  const records: ExecutionRecord[] = [];
  const quoteId = (clientId: string, tick: number): string => `Q${index}.${tick}.${clientId}`;
  let seq = 0;
  let quotesIssued = 0;
  let quotesUnrecorded = 0;

  const moveTo = async (offsetUs: number): Promise<void> => {
    if (ctx.realTime) {
      const waitMs = startRealMs + offsetUs / 1_000 - performance.now();
      if (waitMs >= 1) await sleep(waitMs);
    }
    clock.set(startWallUs + offsetUs, baseMonoNs + offsetUs * 1_000);
  };

  const execute = async (order: PlannedOrder): Promise<void> => {
    await moveTo(order.offsetUs);
    const quote = market.quoteAtTick(order.quoteTick);
    const clOrdId = `${phase.name}-${++seq}`;
    const qid = quoteId(order.clientId, order.quoteTick);
    const px = order.side === 'buy' ? quote.askPx : quote.bidPx;
    const outcome = await venue.execute({
      clOrdId,
      quoteId: qid,
      clientId: order.clientId,
      side: order.side,
      qtyOz: order.qtyOz,
      px,
      transactEpochMs: Math.floor((startWallUs + order.offsetUs) / 1_000),
    });
    const record: ExecutionRecord = {
      order,
      kind: kindOf.get(order.clientId)!,
      clOrdId,
      quoteId: qid,
      px,
      quoteAgeUs: order.offsetUs - market.tickOffsetUs(order.quoteTick),
      quoteMidPx: quote.midPx,
      midAtExecPx: market.midAt(order.offsetUs),
      outcome,
    };
    records.push(record);
    if (outcome.filled) {
      detector.onFill({
        clientId: order.clientId,
        execId: clOrdId,
        instrument: DESK_INSTRUMENT,
        side: order.side,
        px,
        midAtExecPx: record.midAtExecPx,
        quoteMidPx: record.quoteMidPx,
        execMonoNs: baseMonoNs + order.offsetUs * 1_000,
        quoteAgeUs: record.quoteAgeUs,
      });
    }
  };

  const flow = ctx.flow;
  let next = 0;
  for (let tick = 0; market.tickOffsetUs(tick) < ctx.phaseUs && tick < market.ticks; tick++) {
    const offsetUs = market.tickOffsetUs(tick);
    while (next < flow.length && flow[next]!.offsetUs < offsetUs) await execute(flow[next++]!);
    await moveTo(offsetUs);
    const q = market.quoteAtTick(tick);
    for (const c of ctx.clients) {
      const issued = venue.issueQuote(c.id, { quoteId: quoteId(c.id, tick), bidPx: q.bidPx, askPx: q.askPx });
      if (typeof issued === 'boolean' ? issued : await issued) quotesIssued++;
      else quotesUnrecorded++;
    }
    detector.onMid(DESK_INSTRUMENT, q.midPx, baseMonoNs + offsetUs * 1_000);
  }
  while (next < flow.length) await execute(flow[next++]!);
  // Resolve the phase's pending markouts with its own last mid before the next phase's timeline starts.
  detector.advanceTo(baseMonoNs + ctx.phaseUs * 1_000 + ctx.markoutHorizonMsMax * 1e6);
  return { phase, records, reviewList: detector.reviewList(), quotesIssued, quotesUnrecorded, realMs: performance.now() - startRealMs };
}
