/**
 * Raw jspurefix sessions for the FIX benchmarks: the baseline every instrumented
 * mode is compared with, and the NewOrderSingle every mode sends.
 */
import { AsciiSession, fillReport, MsgTag, tcpSocketOf } from '@tailguard/fix';
import type { IJsFixConfig, MsgTransport, MsgView } from 'jspurefix';

/** Where an ack for a ClOrdID is reported, whatever the mode. */
export type AckListener = (clOrdId: string) => void;

/** The NewOrderSingle body every mode sends. */
export function nos(clOrdId: string): Record<string, unknown> {
  return { ClOrdID: clOrdId, Instrument: { Symbol: 'XAUUSD' }, Side: '1', OrderQtyData: { OrderQty: 1 }, Price: 2000.5, OrdType: '2', TransactTime: new Date() };
}

/**
 * Raw jspurefix engine: sends orders, reports execution reports. Set up as the
 * instrumented sessions are apart from instrumentation, so the comparison
 * measures only that: TCP_NODELAY on its socket (jspurefix sets it on accepted
 * sockets, not on an initiator's; with Nagle on, raw throughput was partly
 * measuring write coalescing) and no per-message text of the decoded message
 * (jspurefix's rxOnDecoded builds one for onDecoded; the instrumented sessions
 * skip it by default, so raw paid for a string the instrumented mode did not).
 */
export class RawEngine extends AsciiSession {
  onAck: AckListener = () => {};
  constructor(config: IJsFixConfig) {
    super(config);
  }
  override run(transport: MsgTransport): Promise<number> {
    tcpSocketOf(transport)?.setNoDelay(true);
    return super.run(transport);
  }
  protected override rxOnDecoded(): void {}
  sendOrder(order: Record<string, unknown>): void {
    this.send('D', order);
  }
  /** As InstrumentedSession's: the harness logs out before stopping (without it, it waits 2 s and then stops). */
  logout(): void {
    this.done();
  }
  protected onApplicationMsg(msgType: string, view: MsgView): void {
    if (msgType === '8') this.onAck(view.getString(MsgTag.ClOrdID) ?? '');
  }
  protected onReady(): void {
    this.emit('ready');
  }
  protected onStopped(): void {
    this.emit('ended');
  }
  protected onLogon(): boolean {
    return true;
  }
  protected onDecoded(): void {}
  protected onEncoded(): void {}
}

/**
 * Raw jspurefix venue: fills every order with the report VenueSession sends (the
 * same `fillReport` body, OrderID/ExecID in VenueSession's `<SenderCompID>-<session
 * n>-<seq>` form), so both modes parse and encode messages of the same length
 * (jspurefix's costs grow with it; shorter IDs in raw mode once made it look ~1-2 µs
 * faster per order).
 */
export class RawVenue extends RawEngine {
  private static created = 0;
  private readonly idPrefix = `VENUE-${++RawVenue.created}-`;
  private seq = 0;
  protected override onApplicationMsg(msgType: string, view: MsgView): void {
    if (msgType !== 'D') return;
    this.send('8', fillReport(view, view.getString(MsgTag.ClOrdID) ?? '', this.idPrefix + ++this.seq));
  }
}
