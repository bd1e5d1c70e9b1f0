import { QUOTE_REASON_MAPPINGS, type QuoteReason } from '@tailguard/core';
import type { ILooseObject, MsgView } from 'jspurefix';
import { MsgTag } from './jspurefix.js';

/** OrdRejReason(103) of a reason, from core's {@link QUOTE_REASON_MAPPINGS} (99, Other, where it names none). */
export function ordRejReasonOf(reason: QuoteReason): number {
  return QUOTE_REASON_MAPPINGS[reason]?.ordRejReason ?? 99;
}

/** Fields every report on a NewOrderSingle `view` carries: IDs, instrument and side from the order. */
function reportBase(view: MsgView, clOrdId: string, execId: string, execType: string, ordStatus: string): ILooseObject {
  return {
    OrderID: execId,
    ExecID: execId,
    ExecType: execType,
    OrdStatus: ordStatus,
    ClOrdID: clOrdId,
    Instrument: { Symbol: view.getString(MsgTag.Symbol) ?? '' },
    Side: view.getString(MsgTag.Side) ?? '1',
  };
}

/**
 * Body of the ExecutionReport (35=8) filling a NewOrderSingle `view` in full at its
 * limit price: ExecType F, OrdStatus 2, OrderID = ExecID = `execId`.
 */
export function fillReport(view: MsgView, clOrdId: string, execId: string): ILooseObject {
  const qty = Number(view.getString(MsgTag.OrderQty) ?? 0);
  const px = Number(view.getString(MsgTag.Price) ?? 0);
  const body = reportBase(view, clOrdId, execId, 'F', '2');
  body.OrderQtyData = { OrderQty: qty };
  body.LastQty = qty;
  body.LastPx = px;
  body.LeavesQty = 0;
  body.CumQty = qty;
  body.AvgPx = px;
  return body;
}

/**
 * Body of the ExecutionReport (35=8) rejecting a NewOrderSingle `view`: ExecType 8,
 * OrdStatus 8, OrdRejReason(103) from the reason's mapping, Text(58) = the reason code.
 */
export function rejectReport(view: MsgView, clOrdId: string, execId: string, reason: QuoteReason): ILooseObject {
  const body = reportBase(view, clOrdId, execId, '8', '8');
  body.OrderQtyData = { OrderQty: Number(view.getString(MsgTag.OrderQty) ?? 0) };
  body.LeavesQty = 0;
  body.CumQty = 0;
  body.AvgPx = 0;
  body.OrdRejReason = ordRejReasonOf(reason);
  body.Text = reason;
  return body;
}
