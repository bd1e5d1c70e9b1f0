import { type QuoteChecker, type QuoteCheckResult, type QuoteReason, type RecordQuoteResult } from '@tailguard/core';
import type { IJsFixConfig, ILooseObject, MsgView } from 'jspurefix';
import { fillReport, rejectReport } from './execution-report.js';
import { InstrumentedSession, type InstrumentedSessionOptions } from './instrumented-session.js';
import { MsgTag } from './jspurefix.js';
import { sohJoinedLogonPrehash, type LogonPrehash, type LogonVerifier } from './logon-signature.js';
import { MALFORMED } from './malformed-reason.js';
import { parseUtcTimestampEpochUs } from './sending-time.js';

/** What the venue does with a NewOrderSingle that carries no QuoteID(117). */
export const NO_QUOTE_ID_POLICIES = ['reject', 'fill'] as const;

/** One of {@link NO_QUOTE_ID_POLICIES}. */
export type NoQuoteIdPolicy = (typeof NO_QUOTE_ID_POLICIES)[number];

/** Reason (Text 58) of a reject for an order without QuoteID under the `reject` policy. */
export const NO_QUOTE_ID_REASON: QuoteReason = 'INVALID_REQUEST';

/** Options of a {@link VenueSession}. */
export interface VenueSessionOptions extends InstrumentedSessionOptions {
  /** The quote guard (core's `QuoteGuard`, or the Redis one). Without it every order is filled. */
  guard?: QuoteChecker;
  /** `shadow`: evaluate every order, fill regardless, count would-rejects. Default `enforce`. */
  mode?: 'enforce' | 'shadow';
  /** Orders without QuoteID(117). Default `reject` (103=99, Text INVALID_REQUEST). */
  ordersWithoutQuoteId?: NoQuoteIdPolicy;
  /** Verify signed logons (RawData 96): one verifier, or one per peer SenderCompID (undefined refuses). */
  logonVerifier?: LogonVerifier | ((senderCompId: string) => LogonVerifier | undefined);
  /** Prehash the peer signed. Default {@link sohJoinedLogonPrehash}. */
  logonPrehash?: LogonPrehash;
  /** A signed Logon's SendingTime must be within this of now. Default 30 000 ms. */
  logonSendingTimeToleranceMs?: number;
  /** Told every guard decision (e.g. to feed detection); not called for unguarded fills. */
  onDecision?: (decision: QuoteCheckResult, clientId: string, view: MsgView) => void;
  /** Called once the peer is logged on. */
  onReady?: (session: VenueSession) => void;
}

/** A quote the venue issues: recorded into the guard, then sent as a Quote (35=S). */
export interface IssuedQuote {
  quoteId: string;
  instrument: string;
  bidPx: number;
  askPx: number;
  /** Quote life for ValidUntilTime(62); absent for none. */
  validForMs?: number;
}

const RECORDED_NO_GUARD: RecordQuoteResult = Object.freeze({ ok: true, reason: 'OK', field: undefined });

function isPromise<T>(v: T | Promise<T>): v is Promise<T> {
  return typeof (v as { then?: unknown }).then === 'function';
}

/**
 * The dealer (acceptor) side: an instrumented session that checks every
 * NewOrderSingle carrying QuoteID(117) against the quote guard and answers
 * with a fill (ExecutionReport 150=F, 39=2) or a reject (150=8, 39=8,
 * OrdRejReason(103) from the reason's mapping, Text(58) = the reason code).
 * In shadow mode (or when the guard does not enforce for this client) a failed
 * check is filled and counted. Optionally verifies signed logons and refuses a
 * wrong signature. One session per connection; counters live per
 * counterparty label.
 */
export class VenueSession extends InstrumentedSession {
  private readonly guard: QuoteChecker | undefined;
  private readonly shadow: boolean;
  private readonly noQuoteId: NoQuoteIdPolicy;
  private readonly verifier: VenueSessionOptions['logonVerifier'];
  private readonly prehash: LogonPrehash;
  private readonly logonToleranceUs: number;
  private readonly onDecision: VenueSessionOptions['onDecision'];
  private readonly readyCallback: ((session: VenueSession) => void) | undefined;
  private peerCompId = '';
  private execSeq = 0;
  private readonly idPrefix: string;
  private static sessionsCreated = 0;

  constructor(config: IJsFixConfig, options: VenueSessionOptions) {
    super(config, options);
    this.guard = options.guard;
    this.shadow = (options.mode ?? 'enforce') === 'shadow';
    this.noQuoteId = options.ordersWithoutQuoteId ?? 'reject';
    if (!(NO_QUOTE_ID_POLICIES as readonly string[]).includes(this.noQuoteId)) {
      throw new TypeError(`VenueSession: ordersWithoutQuoteId must be one of ${NO_QUOTE_ID_POLICIES.join(', ')}`);
    }
    this.verifier = options.logonVerifier;
    this.prehash = options.logonPrehash ?? sohJoinedLogonPrehash;
    this.logonToleranceUs = (options.logonSendingTimeToleranceMs ?? 30_000) * 1_000;
    this.onDecision = options.onDecision;
    this.readyCallback = options.onReady;
    this.idPrefix = `${config.description.SenderCompId}-${++VenueSession.sessionsCreated}-`;
  }

  /** The peer's SenderCompID once it logged on. */
  get peer(): string {
    return this.peerCompId;
  }

  protected override onLogon(view: MsgView, _user: string, password: string): boolean {
    this.peerCompId = view.getString(MsgTag.SenderCompID) ?? '';
    const configured = this.verifier;
    if (configured === undefined) return true;
    const verifier = typeof configured === 'function' ? configured(this.peerCompId) : configured;
    const ok = verifier !== undefined && this.verifySignedLogon(view, verifier, password);
    if (!ok) this.stats.logonsRefusedTotal++;
    return ok;
  }

  private verifySignedLogon(view: MsgView, verifier: LogonVerifier, password: string | undefined): boolean {
    const signature = view.getString(MsgTag.RawData);
    const sendingTime = view.getString(MsgTag.SendingTime);
    const seq = Number(view.getString(MsgTag.MsgSeqNum));
    if (signature === null || sendingTime === null || !Number.isInteger(seq)) return false;
    const sentUs = parseUtcTimestampEpochUs(sendingTime);
    const skewUs = this.tgClock.wallEpochUs() - sentUs;
    if (!(Math.abs(skewUs) <= this.logonToleranceUs)) return false;
    const prehash = this.prehash({
      sendingTime,
      msgType: 'A',
      msgSeqNum: seq,
      senderCompId: this.peerCompId,
      targetCompId: view.getString(MsgTag.TargetCompID) ?? '',
      password: password ?? '',
    });
    return verifier.verify(prehash, signature);
  }

  protected override onLoggedOn(): void {
    this.readyCallback?.(this);
  }

  /**
   * Records `quote` into the guard, then sends it to the peer as a Quote
   * (35=S) when logged on. Answers the guard's record result (a promise for
   * an asynchronous guard); without a guard `{ ok: true, reason: 'OK' }`.
   */
  issueQuote(quote: IssuedQuote): RecordQuoteResult | Promise<RecordQuoteResult> {
    const issuedEpochUs = this.tgClock.wallEpochUs();
    const validUntilEpochUs = quote.validForMs === undefined ? undefined : issuedEpochUs + quote.validForMs * 1_000;
    const send = (r: RecordQuoteResult): RecordQuoteResult => {
      if (r.ok && this.isLoggedOn()) {
        const body: ILooseObject = { QuoteID: quote.quoteId, Instrument: { Symbol: quote.instrument }, BidPx: quote.bidPx, OfferPx: quote.askPx };
        if (validUntilEpochUs !== undefined) body.ValidUntilTime = new Date(Math.floor(validUntilEpochUs / 1_000));
        this.send('S', body);
      }
      return r;
    };
    if (this.guard === undefined) return send(RECORDED_NO_GUARD);
    const recorded = this.guard.recordQuote({ ...quote, issuedEpochUs, validUntilEpochUs });
    return isPromise(recorded) ? recorded.then(send) : send(recorded);
  }

  protected override onApplication(msgType: string, view: MsgView): void {
    if (msgType === 'D') this.onNewOrder(view);
  }

  private onNewOrder(view: MsgView): void {
    const clOrdId = view.getString(MsgTag.ClOrdID);
    if (clOrdId === null) {
      this.countMalformed(MALFORMED.missing_cl_ord_id);
      return;
    }
    const quoteId = view.getString(MsgTag.QuoteID);
    if (quoteId === null) {
      if (this.noQuoteId === 'fill') this.fill(view, clOrdId);
      else this.reject(view, clOrdId, NO_QUOTE_ID_REASON);
      return;
    }
    if (this.guard === undefined) {
      this.fill(view, clOrdId);
      return;
    }
    const pxText = view.getString(MsgTag.Price);
    const decision = this.guard.check({
      quoteId,
      clientId: this.peerCompId,
      execId: clOrdId,
      instrument: view.getString(MsgTag.Symbol) ?? undefined,
      side: view.getString(MsgTag.Side) === '2' ? 'sell' : 'buy',
      px: pxText === null ? undefined : Number(pxText),
    });
    if (!isPromise(decision)) {
      this.answer(view, clOrdId, decision);
      return;
    }
    // The view is recycled when this event returns: keep a copy for the asynchronous answer.
    const kept = view.clone();
    decision.then(
      (d) => this.answer(kept, clOrdId, d),
      () => this.reject(kept, clOrdId, 'GUARD_UNAVAILABLE'),
    );
  }

  private answer(view: MsgView, clOrdId: string, decision: QuoteCheckResult): void {
    this.onDecision?.(decision, this.peerCompId, view);
    if (decision.ok && !decision.wouldReject) {
      this.fill(view, clOrdId);
    } else if (decision.ok || this.shadow) {
      this.stats.venueShadowFilledTotal++;
      this.fill(view, clOrdId);
    } else {
      this.reject(view, clOrdId, decision.reason);
    }
  }

  private nextId(): string {
    return this.idPrefix + ++this.execSeq;
  }

  private fill(view: MsgView, clOrdId: string): void {
    this.stats.venueFilledTotal++;
    this.send('8', fillReport(view, clOrdId, this.nextId()));
  }

  private reject(view: MsgView, clOrdId: string, reason: QuoteReason): void {
    this.stats.venueRejectedTotal++;
    this.send('8', rejectReport(view, clOrdId, this.nextId(), reason));
  }
}
