import type { FixSession, IJsFixConfig, ISessionDescription, JsFixLoggerFactory } from 'jspurefix';
import { EngineSession, type EngineSessionOptions } from './engine-session.js';
import type { BoundedSessionStore } from './bounded-session-store.js';
import { FixLauncher, type FixLauncherOptions } from './fix-launcher.js';
import type { FixMetrics } from './fix-metrics.js';
import { SignedLogonMsgFactory } from './logon-signature.js';
import { fixSocketStates, type FixSocketState } from './tcp-no-delay.js';
import { VenueSession, type VenueSessionOptions } from './venue-session.js';

/** Loopback host every harness session uses. */
export const LOOPBACK_HOST = '127.0.0.1';

/** One engine (initiator) of a loopback run. */
export interface LoopbackEngineSpec {
  /** SenderCompID; also the venue-side session label when listed in `counterparties`. Default `ENGINE` + index. */
  senderCompId?: string;
  /** Password(554) sent on the Logon. */
  password?: string;
  /** Reconnect after losing the transport (jspurefix's recovering initiator), retrying every 0.1 s. Default false. */
  resilient?: boolean;
  /** Options of the default {@link EngineSession} (metrics come from the harness options). */
  engine?: Omit<EngineSessionOptions, 'metrics'>;
  /** Build another session instead (e.g. raw jspurefix for a benchmark); it must emit `ready` when logged on and `ended` when stopped. */
  makeSession?: (config: IJsFixConfig) => FixSession;
}

/** Options of {@link startLoopback}. */
export interface LoopbackOptions {
  /** Metrics for the default sessions (required unless both sides bring `makeSession`). */
  metrics?: FixMetrics;
  /** Venue SenderCompID. Default `VENUE`. */
  venueCompId?: string;
  /** Options of the default {@link VenueSession}. */
  venue?: Omit<VenueSessionOptions, 'metrics'>;
  /** Build another venue session instead; it must emit `ready` and `ended` like the defaults. */
  makeVenueSession?: (config: IJsFixConfig) => FixSession;
  /** Engines started at once. Default one. More can be added with `addEngine`. */
  engines?: LoopbackEngineSpec[];
  /** jspurefix logger factory for both sides. Default silent. */
  logFactory?: JsFixLoggerFactory;
  /** HeartBtInt(108) seconds. Default 30. */
  heartbeatSecs?: number;
  /** How long an engine may take to log on. Default 10 000 ms. */
  logonTimeoutMs?: number;
  /** Sent messages each session's {@link BoundedSessionStore} keeps (see {@link FixLauncherOptions.storeMessagesMax}). Default 1 024. */
  storeMessagesMax?: number;
}

/** A running engine of the harness. */
export interface LoopbackEngine<S extends FixSession = FixSession> {
  readonly senderCompId: string;
  /** The engine's session (an {@link EngineSession} unless `makeSession` was given). */
  readonly session: S;
  /** Logs out and stops the engine. */
  stop(): Promise<void>;
}

/** A venue and its engines in this process over 127.0.0.1. */
export interface LoopbackHarness {
  /** Port the venue bound on 127.0.0.1. */
  readonly port: number;
  /** Engines, in start order (stopped ones included). */
  readonly engines: LoopbackEngine[];
  /** Venue sessions created so far, one per accepted connection, in order. */
  readonly venueSessions: FixSession[];
  /** The first engine's session as an {@link EngineSession}. */
  readonly engine: EngineSession;
  /** TCP_NODELAY of every open socket, engines' and venue's, for `auditHost({ fixSockets })`. */
  fixSockets(): FixSocketState[];
  /** Starts one more engine against the venue; resolves once logged on, rejects when refused or timed out. */
  addEngine(spec?: LoopbackEngineSpec): Promise<LoopbackEngine>;
  /** Logs every engine out, then closes the venue; resolves when nothing is left open. */
  stop(): Promise<void>;
}

function description(
  type: 'initiator' | 'acceptor',
  sender: string,
  target: string,
  port: number,
  heartbeatSecs: number,
  extra: { password?: string; resilient?: boolean },
): ISessionDescription {
  return {
    application: {
      type,
      name: sender,
      protocol: 'ascii',
      dictionary: 'qf44', // QuickFIX FIX 4.4 ships ready; repo44 needs jspurefix's postinstall unzip
      reconnectSeconds: 0.1,
      connectTimeoutSeconds: 5,
      resilient: extra.resilient ?? false,
      recoveryAttemptSeconds: 0.1,
      backoffFailConnectSeconds: 0.1,
      tcp: { host: LOOPBACK_HOST, port },
    },
    Name: sender,
    Username: sender,
    Password: extra.password as string,
    EncryptMethod: 0,
    ResetSeqNumFlag: true,
    HeartBtInt: heartbeatSecs,
    SenderCompId: sender,
    SenderSubID: '',
    TargetCompID: target,
    TargetSubID: '',
    BeginString: 'FIX.4.4',
  } as unknown as ISessionDescription;
}

function timeout<T>(ms: number, what: string, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`loopback: ${what} within ${ms} ms`)), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

function endedPromise(session: FixSession): Promise<void> {
  return new Promise((resolve) => session.once('ended', () => resolve()));
}

/**
 * Starts a venue (acceptor, TargetCompID `*`) and engines (initiators) in this
 * process over 127.0.0.1, with jspurefix silent, each dictionary parsed once,
 * bounded message stores and ResetSeqNumFlag=Y. The venue binds port 0 on
 * 127.0.0.1 and the engines connect to the port it got, so there is no
 * probe-then-bind race. Resolves once every engine is logged on.
 */
export async function startLoopback(options: LoopbackOptions = {}): Promise<LoopbackHarness> {
  const venueCompId = options.venueCompId ?? 'VENUE';
  const heartbeatSecs = options.heartbeatSecs ?? 30;
  const logonTimeoutMs = options.logonTimeoutMs ?? 10_000;
  const needMetrics = (): FixMetrics => {
    if (options.metrics === undefined) throw new TypeError('startLoopback: metrics is required for the default sessions');
    return options.metrics;
  };
  const venueSessions: FixSession[] = [];
  const makeVenue =
    options.makeVenueSession ?? ((config: IJsFixConfig) => new VenueSession(config, { ...options.venue, metrics: needMetrics() }));

  let listening!: (port: number) => void;
  let failed!: (e: Error) => void;
  const bound = new Promise<number>((resolve, reject) => {
    listening = resolve;
    failed = reject;
  });
  const venue = new FixLauncher({
    description: description('acceptor', venueCompId, '*', 0, heartbeatSecs, {}),
    logFactory: options.logFactory,
    storeMessagesMax: options.storeMessagesMax,
    host: LOOPBACK_HOST,
    onListening: (error, port) => (error === null ? listening(port) : failed(error)),
    makeSession: (config) => {
      const s = makeVenue(config);
      venueSessions.push(s);
      return s;
    },
  });
  const venueRun = venue.run().catch((e: Error) => failed(e));
  const port = await timeout(logonTimeoutMs, 'venue listening', bound);

  const engines: LoopbackEngine[] = [];
  let engineCount = 0;

  const addEngine = async (spec: LoopbackEngineSpec = {}): Promise<LoopbackEngine> => {
    const senderCompId = spec.senderCompId ?? `ENGINE${engineCount === 0 ? '' : engineCount + 1}`;
    engineCount++;
    const make =
      spec.makeSession ?? ((config: IJsFixConfig) => new EngineSession(config, { ...spec.engine, metrics: needMetrics() }));
    let created!: (s: FixSession) => void;
    const sessionCreated = new Promise<FixSession>((resolve) => (created = resolve));
    const launcher = new FixLauncher({
      description: description('initiator', senderCompId, venueCompId, port, heartbeatSecs, spec),
      logFactory: options.logFactory,
      storeMessagesMax: options.storeMessagesMax,
      makeMsgFactory: SignedLogonMsgFactory.for,
      makeSession: (config) => {
        const s = make(config);
        created(s);
        return s;
      },
    });
    const run = launcher.run();
    run.catch(() => {}); // reported through `ready` below
    const session = await timeout(logonTimeoutMs, `${senderCompId} connecting`, Promise.race([sessionCreated, run.then(() => Promise.reject(new Error(`loopback: ${senderCompId} ended before connecting`)))]));
    const ended = endedPromise(session);
    const stop = async (): Promise<void> => {
      const s = session as unknown as { logout?: () => void; requestStop: (reason: string) => void; getState(): number };
      if (s.getState() !== 23 /* Stopped */) {
        s.logout?.();
        await timeout(2_000, `${senderCompId} logout`, ended).catch(() => s.requestStop('loopback stop'));
      }
      launcher.stop();
      await timeout(5_000, `${senderCompId} stopping`, run.then(() => undefined, () => undefined)).catch(() => undefined);
    };
    const ready = new Promise<void>((resolve, reject) => {
      session.once('ready', () => resolve());
      void ended.then(() => reject(new Error(`loopback: ${senderCompId} session ended before logon (refused?)`)));
    });
    try {
      await timeout(logonTimeoutMs, `${senderCompId} logon`, ready);
    } catch (e) {
      await stop();
      throw e;
    }
    const engine: LoopbackEngine = { senderCompId, session, stop };
    engines.push(engine);
    return engine;
  };

  try {
    for (const spec of options.engines ?? [{}]) await addEngine(spec);
  } catch (e) {
    for (const eng of engines) await eng.stop();
    venue.stop();
    await venueRun;
    throw e;
  }

  return {
    port,
    engines,
    venueSessions,
    get engine(): EngineSession {
      const first = engines[0]?.session;
      if (!(first instanceof EngineSession)) throw new TypeError('loopback: the first engine is not an EngineSession');
      return first;
    },
    addEngine,
    fixSockets: () => fixSocketStates([...engines.map((e) => e.session), ...venueSessions]),
    async stop(): Promise<void> {
      for (const e of engines) await e.stop();
      venue.stop();
      await timeout(5_000, 'venue stopping', venueRun).catch(() => undefined);
    },
  };
}
