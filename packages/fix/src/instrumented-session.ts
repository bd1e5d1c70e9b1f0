import type { Clock, Operation } from '@tailguard/core';
import type { Socket } from 'node:net';
import type { ElasticBuffer, IJsFixConfig, ILooseObject, MsgTransport, MsgView } from 'jspurefix';
import { BoundedSessionStore } from './bounded-session-store.js';
import { AsciiSession, MsgTag, SessionState } from './jspurefix.js';
import type { FixMetrics } from './fix-metrics.js';
import { MALFORMED, malformedIndexForSessionReject } from './malformed-reason.js';
import { msgTypeLabelIndex } from './msg-type-label.js';
import { parseUtcTimestampEpochUs } from './sending-time.js';
import { FixSessionStats, type FixRole, type FixStatsSource } from './session-stats.js';
import { socketNoDelay, tcpSocketOf, type FixSocketState, type FixSocketStateSource } from './tcp-no-delay.js';

/** Options every instrumented session takes. */
export interface InstrumentedSessionOptions {
  /** Where the session counts (one per application, shared by all sessions). */
  metrics: FixMetrics;
  /**
   * Session label: the configured counterparty. Default: an initiator's
   * TargetCompID; an acceptor's peer SenderCompID when listed in
   * `counterparties`, else `other`.
   */
  counterparty?: string;
  /** Acceptor: the counterparties that get a label of their own. */
  counterparties?: readonly string[];
  /** Clock for latencies and SendingTime lag. Default the monitor's clock. */
  clock?: Clock;
  /** Inbound messages larger than this are counted as malformed and not given to the application. Default 65 536. */
  inboundMessageBytesMax?: number;
  /** Also hand every decoded inbound message to `onDecoded` as text (allocates a string per message). Default false. */
  decodedText?: boolean;
}

/** Default of {@link InstrumentedSessionOptions.inboundMessageBytesMax}. */
export const INBOUND_MESSAGE_BYTES_MAX_DEFAULT = 65_536;

const REJECT_REASON_MARK = '373=';

/**
 * A jspurefix `AsciiSession` that counts what crosses it into
 * {@link FixMetrics}: messages and bytes per direction and bounded MsgType,
 * sequence numbers, state, gaps (ResendRequests sent), reconnects, malformed
 * inbound messages (session Rejects it answers with, oversized messages) and
 * the SendingTime(52) lag of one inbound message in N. Hooks only increment
 * preallocated numbers; the exporter reads at scrape time.
 *
 * Never set `logReceivedMsgs`: jspurefix would log whole messages, Password(554)
 * and RawData(96) included.
 *
 * Events: `ready` (logged on), `ended` (session stopped, with the error if any).
 */
export abstract class InstrumentedSession extends AsciiSession implements FixStatsSource, FixSocketStateSource {
  /** Counters of this session's label. */
  protected stats: FixSessionStats;
  /** Clock of latencies. */
  protected readonly tgClock: Clock;
  /** The shared metrics. */
  protected readonly fixMetrics: FixMetrics;
  private lagWindow: Operation | undefined;
  private labelBound: boolean;
  private readonly counterparties: ReadonlySet<string>;
  private readonly inboundBytesMax: number;
  private readonly decodedText: boolean;
  private lagCountdown = 1;
  private lastInboundBytes = 0;
  private inboundOversized = false;
  private socket: Socket | undefined;
  private storeEvictedFolded = 0;

  protected constructor(config: IJsFixConfig, options: InstrumentedSessionOptions) {
    super(config);
    this.fixMetrics = options.metrics;
    this.tgClock = options.clock ?? options.metrics.monitor.clock;
    this.inboundBytesMax = options.inboundMessageBytesMax ?? INBOUND_MESSAGE_BYTES_MAX_DEFAULT;
    this.decodedText = options.decodedText ?? false;
    this.counterparties = new Set(options.counterparties ?? []);
    const role: FixRole = this.initiator ? 'initiator' : 'acceptor';
    const target = config.description.TargetCompID;
    // An acceptor learns its peer from the first message unless told its label.
    this.labelBound = options.counterparty !== undefined || this.initiator || (target !== '*' && this.counterparties.has(target));
    if (this.labelBound) {
      this.stats = this.fixMetrics.session(options.counterparty ?? target, role);
      this.lagWindow = this.fixMetrics.latency(this.stats, 'fix_sending_time_lag');
      this.stats.sendingTimeLag = this.lagWindow;
    } else {
      // Unregistered until the first message names the peer, so no empty series appears.
      this.stats = new FixSessionStats('unbound', role);
    }
    this.logReceivedMsgs = false;
  }

  /** The session label this session counts under. */
  get sessionLabel(): string {
    return this.stats.session;
  }

  /**
   * Runs the session on a connected transport. Turns Nagle off on its TCP
   * socket first: jspurefix's acceptor does, its initiator does not, and a FIX
   * order held back for an ACK costs up to the peer's delayed-ACK time (40 ms on Linux).
   */
  override run(transport: MsgTransport): Promise<number> {
    const socket = tcpSocketOf(transport);
    socket?.setNoDelay(true);
    this.socket = socket;
    return super.run(transport);
  }

  /**
   * This session's socket and its TCP_NODELAY (as Node applied it; see
   * {@link socketNoDelay}), for `auditHost({ fixSockets })`; undefined when no
   * TCP socket is open.
   */
  socketState(): FixSocketState | undefined {
    const socket = this.socket;
    if (socket === undefined || socket.destroyed) return undefined;
    return { session: `${this.stats.role} ${this.stats.session}`, noDelay: socketNoDelay(socket, true) };
  }

  /** Re-points counters at another label (an acceptor once its peer is known). */
  protected bindLabel(label: string): void {
    const stats = this.fixMetrics.session(label, this.stats.role);
    if (stats === this.stats) return;
    stats.state = this.getState();
    this.stats = stats;
    this.lagWindow = this.fixMetrics.latency(stats, 'fix_sending_time_lag');
    stats.sendingTimeLag = this.lagWindow;
    this.onLabelBound(stats);
  }

  /** Called when counters move to another label; subclasses re-fetch their windows. */
  protected onLabelBound(_stats: FixSessionStats): void {}

  protected override rxOnDecoded(msgType: string, data: ElasticBuffer, ptr: number): void {
    this.lastInboundBytes = ptr;
    // jspurefix would build the message text here for every message; only when asked.
    if (this.decodedText) super.rxOnDecoded(msgType, data, ptr);
  }

  protected override rxOnMsg(msgType: string, view: MsgView): void {
    if (!this.labelBound) {
      this.labelBound = true;
      const peer = view.getString(MsgTag.SenderCompID);
      this.bindLabel(peer !== null && this.counterparties.has(peer) ? peer : 'other');
    }
    const bytes = this.lastInboundBytes;
    this.lastInboundBytes = 0;
    this.inboundOversized = bytes > this.inboundBytesMax;
    // The receipt instant of a sampled message is read before the application sees it.
    const sampled = --this.lagCountdown <= 0;
    const rxWallUs = sampled ? this.tgClock.wallEpochUs() : 0;
    super.rxOnMsg(msgType, view);
    // Counting after the message was handed on: the application's reaction does not
    // wait for it (the view stays valid until this event returns).
    const s = this.stats;
    s.messagesIn[msgTypeLabelIndex(msgType)]!++;
    s.bytesIn += bytes;
    if (sampled) {
      this.lagCountdown = this.fixMetrics.sendingTimeLagSampleEvery;
      this.sampleSendingTimeLag(view, rxWallUs);
    }
  }

  private sampleSendingTimeLag(view: MsgView, rxWallUs: number): void {
    const raw = view.getString(MsgTag.SendingTime);
    if (raw === null) return;
    const sentEpochUs = parseUtcTimestampEpochUs(raw);
    if (sentEpochUs !== sentEpochUs) return;
    const lagUs = rxWallUs - sentEpochUs;
    const window = this.lagWindow;
    if (window === undefined) return;
    if (lagUs < 0) {
      this.stats.sendingTimeLagNegativeTotal++;
      window.recordNs(0);
    } else {
      window.recordNs(lagUs * 1_000);
    }
  }

  protected override txOnEncoded(msgType: string, data: string, hdr: ILooseObject): void {
    // super persists the store and sequence numbers: always first.
    super.txOnEncoded(msgType, data, hdr);
    const s = this.stats;
    s.messagesOut[msgTypeLabelIndex(msgType)]!++;
    s.bytesOut += data.length; // ASCII: one byte per character
    if (msgType === '2') {
      s.gapsDetectedTotal++;
    } else if (msgType === '3') {
      // A session Reject answers a malformed inbound message (checksum, missing tag, ...).
      const at = data.indexOf(REJECT_REASON_MARK);
      const reason = at < 0 ? -1 : parseInt(data.slice(at + REJECT_REASON_MARK.length, at + REJECT_REASON_MARK.length + 3), 10);
      s.malformed[malformedIndexForSessionReject(reason)]!++;
    }
  }

  override setState(state: number): void {
    super.setState(state);
    if (this.stats !== undefined) this.stats.state = this.getState();
  }

  /** Counts a malformed inbound message found by a subclass. */
  protected countMalformed(index: number): void {
    this.stats.malformed[index]!++;
  }

  protected override onApplicationMsg(msgType: string, view: MsgView): void {
    if (this.inboundOversized) {
      this.stats.malformed[MALFORMED.oversized]!++;
      return;
    }
    this.onApplication(msgType, view);
  }

  /** An application message within the size bound. */
  protected abstract onApplication(msgType: string, view: MsgView): void;

  protected override onReady(view: MsgView): void {
    const s = this.stats;
    s.up = 1;
    s.logonsTotal++;
    if (s.logonsTotal > 1) s.reconnectsTotal++;
    s.source = this;
    this.onLoggedOn(view);
    this.emit('ready');
  }

  /** Logged on; the session can send. */
  protected onLoggedOn(_view: MsgView): void {}

  protected override onStopped(error?: Error): void {
    const s = this.stats;
    if (s.source === this) {
      s.up = 0;
      s.seqOut = this.lastSentSeqNum();
      s.seqIn = this.lastPeerSeqNum();
    }
    s.state = SessionState.Stopped;
    // This session's evictions move into the label's total (a reconnect gets a fresh store).
    const evicted = this.liveStoreEvicted();
    s.storeEvictedTotal += evicted;
    this.storeEvictedFolded += evicted;
    this.onEnded(error);
    this.emit('ended', error);
  }

  /** The session stopped (logout, lost transport, refused logon). */
  protected onEnded(_error: Error | undefined): void {}

  protected override onLogon(_view: MsgView, _user: string, _password: string): boolean | Promise<boolean> {
    return true;
  }

  protected override onDecoded(_msgType: string, _txt: string): void {}

  protected override onEncoded(_msgType: string, _txt: string): void {}

  /** True between logon and the end of the session. */
  isLoggedOn(): boolean {
    return this.stats.up === 1 && this.stats.source === this && this.transport !== null;
  }

  /** Sends any message (for subclasses and apps): jspurefix's protected `send`. */
  sendMessage(msgType: string, body: ILooseObject): void {
    this.send(msgType, body);
  }

  /** Logs out gracefully; the session ends when the peer confirms. */
  logout(): void {
    this.done();
  }

  /** @inheritdoc */
  sendQueueDepth(): number {
    return this.transport?.transmitter.encodeStream.writableLength ?? 0;
  }

  /** @inheritdoc */
  pendingOrderCount(): number {
    return 0;
  }

  /** @inheritdoc */
  liveStoreEvicted(): number {
    const store = this.sessionStore;
    return store instanceof BoundedSessionStore ? store.evictedTotal - this.storeEvictedFolded : 0;
  }
}
