import type { DeskClient } from './desk-clients.js';
import { SeededRandom } from './seeded-random.js';
import type { XauusdMarket } from './xauusd-market.js';

/** Client side of an order. */
export type OrderSide = 'buy' | 'sell';

/** One execution request a client will send, planned before the phase runs. */
export interface PlannedOrder {
  /** Send time, µs from the phase start on the simulated timeline. */
  offsetUs: number;
  clientId: string;
  /** Tick of the quote executed (its QuoteID is per client and tick). */
  quoteTick: number;
  side: OrderSide;
  qtyOz: number;
  /** 0 for a first execution of the quote; n for the n-th resend of the same QuoteID (the replayer). */
  repeat: number;
}

/** A strategy plans a client's orders over one phase from the market path and its own seeded stream. */
export type ClientStrategy = (client: DeskClient, market: XauusdMarket, rng: SeededRandom, durationUs: number) => PlannedOrder[];

/** Quote delivery before a client can act on it, µs. */
const QUOTE_DELIVERY_US = 300;

function side(rng: SeededRandom): OrderSide {
  return rng.chance(0.5) ? 'buy' : 'sell';
}

/** Executes the quote in force (fresh: same tick, at least the delivery time old). */
function freshOrder(client: DeskClient, market: XauusdMarket, rng: SeededRandom, offsetUs: number): PlannedOrder {
  const tick = market.tickAt(offsetUs);
  const sendUs = Math.max(offsetUs, market.tickOffsetUs(tick) + QUOTE_DELIVERY_US);
  return { offsetUs: sendUs, clientId: client.id, quoteTick: tick, side: side(rng), qtyOz: client.qtyOz, repeat: 0 };
}

/** Honest client: trades the fresh quote at random times (about every 400 ms), either side. */
export const honestStrategy: ClientStrategy = (client, market, rng, durationUs) => {
  const orders: PlannedOrder[] = [];
  for (let t = rng.exponential(400_000); t < durationUs; t += rng.exponential(400_000)) orders.push(freshOrder(client, market, rng, t));
  return orders;
};

/**
 * Fast legitimate algo: trades the fresh quote every 30-70 ms, either side.
 * Its cadence trips the pre-filter (watch); its markouts are neutral, so it is never flagged.
 */
export const fastAlgoStrategy: ClientStrategy = (client, market, rng, durationUs) => {
  const orders: PlannedOrder[] = [];
  for (let t = rng.uniform(0, 50_000); t < durationUs; t += rng.uniform(30_000, 70_000)) orders.push(freshOrder(client, market, rng, t));
  return orders;
};

/** Parameters of a latency arbitrageur. */
export interface ArbitrageurParams {
  /** Time between looks at its quotes, µs (uniform in [min, max]). */
  lookIntervalUsMin: number;
  lookIntervalUsMax: number;
  /** Youngest quote it considers, µs: younger ones have not moved enough to pay. */
  quoteAgeUsMin: number;
  /** Oldest quote it keeps, µs. */
  quoteAgeUsMax: number;
  /** Least gain against the current mid, USD per ounce, after crossing the spread. */
  gainPxMin: number;
}

/**
 * Latency arbitrageur: at each look it scans the quotes it was sent since its
 * last execution (between quoteAgeUsMin and quoteAgeUsMax old) and executes
 * the one the market has moved furthest away from in its favour (buy an old
 * ask below the current mid, sell an old bid above it), when the gain clears
 * gainPxMin. It never reuses a quote window, so its ages run from tens of ms
 * to seconds. The plan depends only on the market, never on fills, so every
 * phase replays the same attempts.
 */
export function arbitrageurStrategy(p: ArbitrageurParams): ClientStrategy {
  return (client, market, rng, durationUs) => {
    const orders: PlannedOrder[] = [];
    let firstTick = 0;
    for (let t = rng.uniform(0, p.lookIntervalUsMax); t < durationUs; t += rng.uniform(p.lookIntervalUsMin, p.lookIntervalUsMax)) {
      const now = market.tickAt(t);
      const midNow = market.midAtTick(now);
      const newest = market.tickAt(t - p.quoteAgeUsMin);
      const oldest = Math.max(firstTick, market.tickAt(Math.max(0, t - p.quoteAgeUsMax)));
      let bestGain = p.gainPxMin;
      let bestTick = -1;
      let bestSide: OrderSide = 'buy';
      for (let k = newest; k >= oldest && t - market.tickOffsetUs(k) >= p.quoteAgeUsMin; k--) {
        const q = market.quoteAtTick(k);
        const buyGain = midNow - q.askPx;
        const sellGain = q.bidPx - midNow;
        if (buyGain >= bestGain) {
          bestGain = buyGain;
          bestTick = k;
          bestSide = 'buy';
        }
        if (sellGain >= bestGain) {
          bestGain = sellGain;
          bestTick = k;
          bestSide = 'sell';
        }
      }
      if (bestTick < 0) continue;
      orders.push({ offsetUs: t, clientId: client.id, quoteTick: bestTick, side: bestSide, qtyOz: client.qtyOz, repeat: 0 });
      firstTick = now + 1; // the next quote window starts after this execution
    }
    return orders;
  };
}

/** Replayer: executes a fresh quote about every 700 ms, then resends the same QuoteID three times 1.5 ms apart. */
export const replayerStrategy: ClientStrategy = (client, market, rng, durationUs) => {
  const orders: PlannedOrder[] = [];
  for (let t = rng.exponential(700_000); t < durationUs; t += rng.exponential(700_000)) {
    const first = freshOrder(client, market, rng, t);
    orders.push(first);
    for (let r = 1; r <= 3; r++) orders.push({ ...first, offsetUs: first.offsetUs + r * 1_500, repeat: r });
  }
  return orders;
};
