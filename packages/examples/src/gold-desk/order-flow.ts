import type { DeskClient } from './desk-clients.js';
import {
  arbitrageurStrategy,
  fastAlgoStrategy,
  honestStrategy,
  replayerStrategy,
  type ClientStrategy,
  type PlannedOrder,
} from './client-strategies.js';
import { SeededRandom } from './seeded-random.js';
import type { XauusdMarket } from './xauusd-market.js';

/** Strategy of each demo client by ID; ARB_1 is quick and greedy, ARB_2 patient (quotes up to 3 s old). */
const STRATEGIES: Readonly<Record<string, ClientStrategy>> = Object.freeze({
  ARB_1: arbitrageurStrategy({ lookIntervalUsMin: 30_000, lookIntervalUsMax: 90_000, quoteAgeUsMin: 60_000, quoteAgeUsMax: 1_500_000, gainPxMin: 0.05 }),
  ARB_2: arbitrageurStrategy({ lookIntervalUsMin: 40_000, lookIntervalUsMax: 120_000, quoteAgeUsMin: 250_000, quoteAgeUsMax: 3_000_000, gainPxMin: 0.1 }),
});

function strategyOf(client: DeskClient): ClientStrategy {
  const own = STRATEGIES[client.id];
  if (own !== undefined) return own;
  switch (client.kind) {
    case 'honest':
      return honestStrategy;
    case 'algo':
      return fastAlgoStrategy;
    case 'replayer':
      return replayerStrategy;
    case 'arbitrageur':
      return arbitrageurStrategy({ lookIntervalUsMin: 50_000, lookIntervalUsMax: 150_000, quoteAgeUsMin: 60_000, quoteAgeUsMax: 2_000_000, gainPxMin: 0.15 });
  }
}

/**
 * Every client's orders over one phase, in send order (ties keep client
 * order). A pure function of the seed, the market and the roster: each phase
 * replays exactly this flow, so the phases differ only in what the guard does.
 */
export function planOrderFlow(clients: readonly DeskClient[], market: XauusdMarket, seed: number, durationUs: number): PlannedOrder[] {
  const all: PlannedOrder[] = [];
  for (const client of clients) {
    const rng = SeededRandom.forStream(seed, `client:${client.id}`);
    for (const o of strategyOf(client)(client, market, rng, durationUs)) if (o.offsetUs < durationUs) all.push(o);
  }
  // Array.prototype.sort is stable: equal offsets keep roster order.
  return all.sort((a, b) => a.offsetUs - b.offsetUs);
}
