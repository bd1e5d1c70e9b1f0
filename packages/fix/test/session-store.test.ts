import { Registry } from 'prom-client';
import { afterAll, describe, expect, it } from 'vitest';
import { FIX_MSG_TYPE_LABELS, msgTypeLabelIndex, registerFixPromMetrics, startLoopback, type FixSessionStats, type LoopbackHarness, type VenueSession } from '@tailguard/fix';
import { makeMetrics, order, until } from './fix-test-kit.js';

const STORE_MAX = 4;
const { metrics } = makeMetrics();
const registry = new Registry();
registerFixPromMetrics(registry, metrics);
let h: LoopbackHarness | undefined;
afterAll(async () => {
  await h?.stop();
});

const engineStats = (): FixSessionStats => [...metrics.sessions()].find((s) => s.session === 'VENUE')!; // the engine counts under its peer
const sent = (s: FixSessionStats): number => s.messagesOut.reduce((a, b) => a + b, 0);
const out = (s: FixSessionStats, msgType: string): number => s.messagesOut[msgTypeLabelIndex(msgType)]!;
async function evictedMetric(): Promise<number> {
  const m = /^fix_store_evicted_total\{session="VENUE"\} (\d+)$/m.exec(await registry.metrics());
  if (m === null) throw new Error('fix_store_evicted_total{session="VENUE"} missing');
  return Number(m[1]);
}

describe('session message store over a real session', () => {
  it('keeps a bounded ring, counts what it pushes out, and jspurefix answers a ResendRequest with a gap fill', async () => {
    expect(FIX_MSG_TYPE_LABELS).toContain('4');
    h = await startLoopback({ metrics, storeMessagesMax: STORE_MAX, venue: { ordersWithoutQuoteId: 'fill', counterparties: ['ENGINE'] } });
    const engine = h.engine;
    for (let i = 0; i < 10; i++) expect(engine.sendOrder(order(`m-${i}`)).reason).toBe('OK');
    await until(() => engine.pendingOrderCount() === 0, 5_000, 'fills');
    const stats = engineStats();
    // Every sent message goes through the store; once its ring is full each one pushes one out.
    const e1 = await evictedMetric();
    const s1 = sent(stats);
    expect(s1).toBe(11); // Logon and ten orders
    expect(e1).toBe(engine.liveStoreEvicted());
    expect(e1).toBeGreaterThanOrEqual(s1 - STORE_MAX - 1); // the logon's sequence reset may clear the Logon first
    expect(e1).toBeLessThanOrEqual(s1 - STORE_MAX);

    // The venue asks for everything from 2 on: jspurefix resends none of the orders (its resend path never reads
    // the session store) but answers with one SequenceReset-GapFill, and the session carries on.
    const venue = h.venueSessions[0] as VenueSession;
    venue.sendMessage('2', { BeginSeqNo: 2, EndSeqNo: 0 });
    await until(() => out(stats, '4') === 1, 5_000, 'gap fill');
    expect(out(stats, 'D')).toBe(10);
    expect(engine.sendOrder(order('after-resend')).reason).toBe('OK');
    await until(() => engine.pendingOrderCount() === 0, 5_000, 'fill after the resend request');
    const e2 = await evictedMetric();
    const s2 = sent(stats);
    expect(e2 - e1).toBe(s2 - s1);

    await h.stop();
    h = undefined;
    // Once the session has ended its evictions stay on the label, counted once (the Logout went through the store too).
    expect(stats.up).toBe(0);
    expect(engine.liveStoreEvicted()).toBe(0); // folded into the label
    const s3 = sent(stats);
    expect(s3).toBeGreaterThan(s2);
    expect((await evictedMetric()) - e2).toBe(s3 - s2);
  });
});
