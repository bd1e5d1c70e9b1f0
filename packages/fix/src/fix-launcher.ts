import type { EngineFactory, FixSession, IJsFixConfig, ISessionDescription, ISessionMsgFactory, JsFixLoggerFactory } from 'jspurefix';
import { BoundedSessionStoreFactory } from './bounded-session-store.js';
import { CachingSessionContainer } from './dictionary-cache.js';
import { EmptyLogFactory, SessionLauncher, TcpAcceptor } from './jspurefix.js';
import { BoundTcpAcceptor, type ListeningCallback } from './loopback-acceptor.js';

/** Options of {@link FixLauncher}. */
export interface FixLauncherOptions {
  /** The session description (initiator or acceptor, from `application.type`). */
  description: ISessionDescription;
  /** Builds the session for one connection from that connection's own config. */
  makeSession: (config: IJsFixConfig) => FixSession;
  /** Session message factory (for a signed Logon); null or absent for jspurefix's own. */
  makeMsgFactory?: (description: ISessionDescription) => ISessionMsgFactory | null;
  /** jspurefix logger factory. Default {@link EmptyLogFactory} (silent). */
  logFactory?: JsFixLoggerFactory;
  /**
   * Sent messages each session's store keeps: a ring, pushed-out messages counted in
   * `fix_store_evicted_total`. Default 1 024 (jspurefix's memory store keeps every one until a reset logon).
   * jspurefix 5.11 answers a ResendRequest with a gap fill whatever the store holds.
   */
  storeMessagesMax?: number;
  /** Acceptor only: interface to bind. Default 127.0.0.1. */
  host?: string;
  /** Acceptor only: told the bound port once listening, or the listen error. */
  onListening?: ListeningCallback;
}

/**
 * A jspurefix `SessionLauncher` for one side (initiator or acceptor) that
 * takes description objects, is silent by default, keeps a bounded message
 * store, parses each dictionary once per process and, as an acceptor, binds
 * one host and reports its port. `run()` resolves when the side ends;
 * `stop()` ends it.
 */
export class FixLauncher extends SessionLauncher {
  /** Stores created for this launcher's sessions. */
  readonly stores: BoundedSessionStoreFactory;

  constructor(private readonly options: FixLauncherOptions) {
    const initiator = options.description.application?.type === 'initiator';
    super(initiator ? options.description : null, initiator ? null : options.description, options.logFactory ?? new EmptyLogFactory());
    this.stores = new BoundedSessionStoreFactory(options.storeMessagesMax ?? 1_024);
    this.sessionContainer = new CachingSessionContainer((d) => this.makeSessionMsgFactory(d));
  }

  protected override makeSessionMsgFactory(description: ISessionDescription): ISessionMsgFactory | null {
    return this.options.makeMsgFactory?.(description) ?? null;
  }

  protected override makeFactory(config: IJsFixConfig): EngineFactory {
    if (!this.isInitiator(config.description)) {
      const host = this.options.host ?? '127.0.0.1';
      const onListening = this.options.onListening ?? (() => {});
      config.sessionContainer.register(TcpAcceptor, { useFactory: () => new BoundTcpAcceptor(config, host, onListening) });
    }
    return {
      makeSession: (sessionConfig: IJsFixConfig) => {
        sessionConfig.sessionStoreFactory ??= this.stores;
        return this.options.makeSession(sessionConfig);
      },
    };
  }
}
