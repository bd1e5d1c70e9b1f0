import type { MsgView } from 'jspurefix';
import { afterAll, describe, expect, it } from 'vitest';
import { FixOrderRoute, startLoopback, VenueSession, type LoopbackHarness } from '@tailguard/fix';
import { makeMetrics, order, until } from './fix-test-kit.js';

/** A venue that never answers orders. */
class SilentVenue extends VenueSession {
  protected override onApplication(_msgType: string, _view: MsgView): void {}
}

const { metrics, monitor } = makeMetrics();
const harnesses: LoopbackHarness[] = [];
afterAll(async () => {
  for (const h of harnesses) await h.stop();
  monitor.close();
});

describe('FixOrderRoute', () => {
  it('resolves sent on the venue ack, refuses a duplicate ClOrdID and an invalid order without sending', async () => {
    const h = await startLoopback({ metrics, venueCompId: 'FILLS', venue: { ordersWithoutQuoteId: 'fill' } });
    harnesses.push(h);
    const route = new FixOrderRoute({ name: 'fills', session: h.engine });
    const first = route.send(order('a-1'));
    expect(await route.send(order('a-1'))).toEqual({ outcome: 'rejected', detail: 'DUPLICATE_CL_ORD_ID' });
    expect(await first).toEqual({ outcome: 'sent' });
    expect(await route.send({ Side: '1' })).toEqual({ outcome: 'rejected', detail: 'INVALID_ORDER' });
    expect(route.awaitingCount).toBe(0);
    expect(() => new FixOrderRoute({ name: 'second', session: h.engine })).toThrow(/already set/);
    route.close();
    const again = new FixOrderRoute({ name: 'again', session: h.engine });
    expect(await again.send(order('a-2'))).toEqual({ outcome: 'sent' });
    again.close();
  });

  it('keeps at most awaitingMax orders, counts the forgotten one, and leaves all unresolved when the venue is silent', async () => {
    const h = await startLoopback({
      metrics,
      venueCompId: 'QUIET',
      makeVenueSession: (config) => new SilentVenue(config, { metrics }),
    });
    harnesses.push(h);
    const route = new FixOrderRoute({ name: 'quiet', session: h.engine, awaitingMax: 2 });
    let settled = 0;
    for (const id of ['q-1', 'q-2', 'q-3']) void route.send(order(id)).then(() => settled++);
    expect(route.awaitingCount).toBe(2);
    expect(route.forgottenTotal).toBe(1);
    await until(() => (h.venueSessions[0] as VenueSession).lastPeerSeqNum() >= 4, 5_000, 'orders at the venue');
    (h.venueSessions[0] as VenueSession).requestStop('venue drops the session');
    await until(() => route.awaitingCount === 0, 5_000, 'session end');
    expect(route.unknownOnSessionEndTotal).toBe(2);
    expect(settled).toBe(0); // unknown is the router deadline's call, never a resolution here
    expect(await route.send(order('q-4'))).toEqual({ outcome: 'failed-before-send', detail: 'NOT_LOGGED_ON' });
    route.close();
  });
});
