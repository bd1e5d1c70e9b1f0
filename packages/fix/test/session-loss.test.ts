import type { MsgView } from 'jspurefix';
import { afterAll, describe, expect, it } from 'vitest';
import { startLoopback, VenueSession, type LoopbackHarness } from '@tailguard/fix';
import { makeMetrics, order, until } from './fix-test-kit.js';

/** A venue that never answers orders: they stay pending. */
class SilentVenue extends VenueSession {
  protected override onApplication(_msgType: string, _view: MsgView): void {}
}

const { metrics } = makeMetrics();
let h: LoopbackHarness | undefined;
afterAll(async () => {
  await h?.stop();
});

describe('session loss', () => {
  it('reports pending orders as UNKNOWN, never filled or failed, and counts the reconnect', async () => {
    h = await startLoopback({
      metrics,
      makeVenueSession: (config) => new SilentVenue(config, { metrics, counterparties: ['ENGINE'] }),
      engines: [{ senderCompId: 'ENGINE', resilient: true }],
    });
    const engine = h.engine;
    const unknown: string[] = [];
    engine.on('orderUnknown', (id: string) => unknown.push(id));
    for (let i = 0; i < 5; i++) expect(engine.sendOrder(order(`p-${i}`)).reason).toBe('OK');
    await until(() => (h!.venueSessions[0] as VenueSession).lastPeerSeqNum() >= 6, 5_000, 'orders at the venue');
    expect(engine.pendingOrderCount()).toBe(5);

    const stats = [...metrics.sessions()].find((s) => s.session === 'VENUE')!;
    const readyAgain = new Promise<void>((resolve) => engine.once('ready', () => resolve()));
    (h.venueSessions[0] as VenueSession).requestStop('test drops the connection');

    await until(() => unknown.length === 5, 5_000, 'unknown outcomes');
    expect(unknown.sort()).toEqual(['p-0', 'p-1', 'p-2', 'p-3', 'p-4']);
    expect(stats.ordersUnknownTotal).toBe(5);
    expect(engine.pendingOrderCount()).toBe(0);
    expect(stats.unmatchedReportsTotal).toBe(0);

    await readyAgain; // the recovering initiator logs on again
    expect(stats.reconnectsTotal).toBe(1);
    expect(stats.up).toBe(1);
    expect(engine.sendOrder(order('after')).reason).toBe('OK');
  });

  it('sends orders beyond pendingOrdersMax untracked, counted, and reports only the tracked ones UNKNOWN', async () => {
    const own = makeMetrics();
    const bounded = await startLoopback({
      metrics: own.metrics,
      makeVenueSession: (config) => new SilentVenue(config, { metrics: own.metrics, counterparties: ['ENGINE'] }),
      engines: [{ senderCompId: 'ENGINE', engine: { pendingOrdersMax: 3 } }],
    });
    try {
      const engine = bounded.engine;
      const reasons = Array.from({ length: 5 }, (_, i) => engine.sendOrder(order(`b-${i}`)).reason);
      expect(reasons).toEqual(['OK', 'OK', 'OK', 'UNTRACKED', 'UNTRACKED']);
      await until(() => (bounded.venueSessions[0] as VenueSession).lastPeerSeqNum() >= 6, 5_000, 'orders at the venue'); // all five were sent
      const stats = [...own.metrics.sessions()].find((s) => s.session === 'VENUE')!;
      expect(stats.pendingOverflowTotal).toBe(2);
      expect(engine.pendingOrderCount()).toBe(3);
      const unknown: string[] = [];
      engine.on('orderUnknown', (id: string) => unknown.push(id));
      (bounded.venueSessions[0] as VenueSession).requestStop('test drops the connection');
      await until(() => unknown.length === 3, 5_000, 'unknown outcomes');
      expect(unknown.sort()).toEqual(['b-0', 'b-1', 'b-2']);
    } finally {
      await bounded.stop();
    }
  });
});
