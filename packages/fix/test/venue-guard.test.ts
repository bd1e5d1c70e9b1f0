import { ManualClock, QuoteGuard } from '@tailguard/core';
import type { MsgView } from 'jspurefix';
import { afterEach, describe, expect, it } from 'vitest';
import { MsgTag, startLoopback, VenueSession, type LoopbackHarness } from '@tailguard/fix';
import { makeMetrics, order, until } from './fix-test-kit.js';

interface Report {
  clOrdId: string;
  execType: string;
  ordStatus: string;
  ordRejReason: string | null;
  text: string | null;
  symbol: string | null;
  lastQty: string | null;
}

let h: LoopbackHarness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

async function venueWithGuard(mode: 'enforce' | 'shadow') {
  const clock = new ManualClock();
  const guard = new QuoteGuard({ clock, autoTick: false, policy: { default: { maxAgeMs: 50 } } });
  const { metrics } = makeMetrics();
  const reports: Report[] = [];
  const onMessage = (msgType: string, view: MsgView): void => {
    if (msgType !== '8') return;
    reports.push({
      clOrdId: view.getString(MsgTag.ClOrdID) ?? '',
      execType: view.getString(MsgTag.ExecType) ?? '',
      ordStatus: view.getString(MsgTag.OrdStatus) ?? '',
      ordRejReason: view.getString(MsgTag.OrdRejReason),
      text: view.getString(MsgTag.Text),
      symbol: view.getString(MsgTag.Symbol),
      lastQty: view.getString(MsgTag.LastQty),
    });
  };
  h = await startLoopback({
    metrics,
    venue: { guard, mode, counterparties: ['CLIENT1'] },
    engines: [{ senderCompId: 'CLIENT1', engine: { onMessage } }],
  });
  const venue = h.venueSessions[0] as VenueSession;
  const stats = () => [...metrics.sessions()].find((s) => s.session === 'CLIENT1')!;
  const answer = async (clOrdId: string): Promise<Report> => {
    await until(() => reports.some((r) => r.clOrdId === clOrdId), 5_000, `report for ${clOrdId}`);
    return reports.find((r) => r.clOrdId === clOrdId)!;
  };
  return { clock, guard, venue, stats, answer, engine: h.engine };
}

describe('quote-guarded venue', () => {
  it('fills a fresh quote and rejects stale, replayed, unknown and quote-less orders with mapped 103 and Text', async () => {
    const { clock, venue, stats, answer, engine } = await venueWithGuard('enforce');
    expect((await venue.issueQuote({ quoteId: 'q1', instrument: 'XAUUSD', bidPx: 2000, askPx: 2001 })).ok).toBe(true);
    expect((await venue.issueQuote({ quoteId: 'q2', instrument: 'XAUUSD', bidPx: 2000, askPx: 2001 })).ok).toBe(true);

    engine.sendOrder(order('fresh', { QuoteID: 'q1', Price: 2001 }));
    expect(await answer('fresh')).toMatchObject({ execType: 'F', ordStatus: '2', ordRejReason: null, symbol: 'XAUUSD', lastQty: '1' });

    engine.sendOrder(order('replay', { QuoteID: 'q1', Price: 2001 }));
    expect(await answer('replay')).toMatchObject({ execType: '8', ordStatus: '8', ordRejReason: '6', text: 'QUOTE_REPLAYED' });

    clock.advanceMs(60); // q2 is now older than the 50 ms max age
    engine.sendOrder(order('stale', { QuoteID: 'q2', Price: 2001 }));
    expect(await answer('stale')).toMatchObject({ execType: '8', ordStatus: '8', ordRejReason: '8', text: 'QUOTE_STALE' });

    engine.sendOrder(order('unknown', { QuoteID: 'no-such-quote', Price: 2001 }));
    expect(await answer('unknown')).toMatchObject({ execType: '8', ordStatus: '8', ordRejReason: '99', text: 'QUOTE_UNKNOWN' });

    engine.sendOrder(order('no-quote'));
    expect(await answer('no-quote')).toMatchObject({ execType: '8', ordStatus: '8', ordRejReason: '99', text: 'INVALID_REQUEST' });

    expect(stats().venueFilledTotal).toBe(1);
    expect(stats().venueRejectedTotal).toBe(4);
    expect(stats().venueShadowFilledTotal).toBe(0);
    await until(() => engine.pendingOrderCount() === 0, 5_000, 'final states');
  });

  it('in shadow mode fills what it would reject and counts it', async () => {
    const { clock, venue, stats, answer, engine } = await venueWithGuard('shadow');
    venue.issueQuote({ quoteId: 'q1', instrument: 'XAUUSD', bidPx: 2000, askPx: 2001 });
    clock.advanceMs(60);
    engine.sendOrder(order('stale', { QuoteID: 'q1', Price: 2001 }));
    expect(await answer('stale')).toMatchObject({ execType: 'F', ordStatus: '2' });
    engine.sendOrder(order('unknown', { QuoteID: 'nope', Price: 2001 }));
    expect(await answer('unknown')).toMatchObject({ execType: 'F', ordStatus: '2' });
    expect(stats().venueShadowFilledTotal).toBe(2);
    expect(stats().venueFilledTotal).toBe(2);
    expect(stats().venueRejectedTotal).toBe(0);
  });
});
