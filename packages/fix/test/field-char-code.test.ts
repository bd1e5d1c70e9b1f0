import type { MsgView } from 'jspurefix';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIELD_ABSENT, FIELD_NOT_ONE_CHAR, fieldCharCode, fieldTextOf, MsgTag, startLoopback, type LoopbackHarness } from '@tailguard/fix';
import { makeMetrics, order, until } from './fix-test-kit.js';

const { monitor, metrics } = makeMetrics();
let h: LoopbackHarness;
/** What the engine read from each ExecutionReport while its view was valid. */
const seen: { execType: number; ordStatus: number; possDup: number; clOrdId: number; texts: string[]; strings: (string | null)[] }[] = [];

function readReport(view: MsgView): void {
  const execType = fieldCharCode(view, MsgTag.ExecType);
  const ordStatus = fieldCharCode(view, MsgTag.OrdStatus);
  const possDup = fieldCharCode(view, MsgTag.PossDupFlag);
  const clOrdId = fieldCharCode(view, MsgTag.ClOrdID);
  seen.push({
    execType,
    ordStatus,
    possDup,
    clOrdId,
    texts: [fieldTextOf(view, MsgTag.ExecType, execType), fieldTextOf(view, MsgTag.OrdStatus, ordStatus), fieldTextOf(view, MsgTag.PossDupFlag, possDup), fieldTextOf(view, MsgTag.ClOrdID, clOrdId)],
    strings: [view.getString(MsgTag.ExecType), view.getString(MsgTag.OrdStatus), view.getString(MsgTag.PossDupFlag), view.getString(MsgTag.ClOrdID)],
  });
}

beforeAll(async () => {
  h = await startLoopback({
    metrics,
    venue: { ordersWithoutQuoteId: 'fill', counterparties: ['ENGINE'] },
    engines: [{ senderCompId: 'ENGINE', engine: { onMessage: (t, v) => t === '8' && readReport(v) } }],
  });
});

afterAll(async () => {
  await h?.stop();
  monitor.close();
});

describe('fieldCharCode on a real jspurefix view', () => {
  it('reads one-character values as codes, absent and longer values as markers, and agrees with getString', async () => {
    expect(h.engine.sendOrder(order('char-1')).ok).toBe(true);
    await until(() => seen.length === 1);
    const r = seen[0]!;
    expect(r.execType).toBe('F'.charCodeAt(0)); // the venue's fill: ExecType Trade
    expect(r.ordStatus).toBe('2'.charCodeAt(0)); // Filled
    expect(r.possDup).toBe(FIELD_ABSENT);
    expect(r.clOrdId).toBe(FIELD_NOT_ONE_CHAR); // 'char-1'
    // fieldTextOf gives back what getString reads ('' for an absent tag).
    expect(r.texts).toEqual(r.strings.map((s) => s ?? ''));
    expect(r.texts).toEqual(['F', '2', '', 'char-1']);
  });
});
