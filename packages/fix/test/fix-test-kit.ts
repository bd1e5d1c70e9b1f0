import { LatencyMonitor, type Clock } from '@tailguard/core';
import type { IJsFixLogger } from 'jspurefix';
import { FixMetrics, JsFixLoggerFactory } from '@tailguard/fix';

/** A monitor and metrics sized for a few sessions. */
export function makeMetrics(clock?: Clock): { monitor: LatencyMonitor; metrics: FixMetrics } {
  const monitor = new LatencyMonitor({ autoTick: false, operationsMax: 256, ...(clock ? { clock } : {}) });
  return { monitor, metrics: new FixMetrics({ monitor, sendingTimeLagSampleEvery: 1 }) };
}

/** Captures every jspurefix log line (all levels) in memory. */
export class CapturingLogFactory extends JsFixLoggerFactory {
  readonly lines: string[] = [];
  logger(type: string): IJsFixLogger {
    const push = (m: string): void => {
      this.lines.push(`[${type}] ${m}`);
    };
    return {
      info: push,
      warning: push,
      debug: push,
      error: (e: Error) => push(`${e.message} ${e.stack ?? ''}`),
    };
  }
  plain(): IJsFixLogger {
    return this.logger('plain');
  }
}

/** Resolves when `predicate` holds, polling every 5 ms; rejects after `ms`. */
export async function until(predicate: () => boolean, ms = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** A NewOrderSingle body (jspurefix nests FIX 4.4 components). */
export function order(clOrdId: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { ClOrdID: clOrdId, Instrument: { Symbol: 'XAUUSD' }, Side: '1', OrderQtyData: { OrderQty: 1 }, Price: 2000.5, OrdType: '2', TransactTime: new Date(), ...extra };
}
