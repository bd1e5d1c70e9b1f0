import { createHash } from 'node:crypto';
import type { Cluster } from 'ioredis';
import type { Registry } from 'prom-client';
import {
  ENFORCE_ALL,
  QUOTE_REASONS,
  QUOTE_REASON_CODE,
  QuoteGuard,
  RECORD_QUOTE_REASONS,
  STORE_UNAVAILABLE_POLICIES,
  ZERO_SKEW,
  invalidQuoteField,
  isPlausibleEpochUs,
  isValidId,
  isValidPx,
  registerPromCollector,
  resolveQuotePolicies,
  systemClock,
  type Clock,
  isValidQuoteCheckRequest,
  type QuoteCheckRequest,
  type QuoteCheckResult,
  type QuoteChecker,
  type QuotePolicy,
  type QuotePolicyOptions,
  type QuoteRecord,
  type QuoteRecordField,
  type RecordQuoteReason,
  type RecordQuoteResult,
  type ResolvedQuotePolicies,
  type RolloutDecider,
  type SkewSource,
} from '@tailguard/core';
import type { RedisAuditStream } from './audit-stream.js';
import { CallDeadlines, type DeadlineEntry } from './call-deadlines.js';
import { FlatCommand } from './guard-command.js';
import type { RedisExecutionHistory } from './execution-history.js';
import { keyLayout, type KeyLayout } from './key-layout.js';
import { NEED_MID_CODE, RECORD_QUOTE_LUA, quoteCheckLua } from './quote-guard-lua.js';
import type { RedisClient } from './redis-client.js';

/** Options for {@link RedisQuoteGuard}. */
export interface RedisQuoteGuardOptions {
  /** Default and per-instrument policies (core's QuotePolicyOptions); compiled into the Lua script. */
  policy?: QuotePolicyOptions;
  /** Key layout (prefix). Default `keyLayout('tg:')`. */
  keys?: KeyLayout;
  /** Clock: wall reading sent with each check (nowEpochUs), monotonic for hold time and deadlines. Default the system clock. */
  clock?: Clock;
  /** Clock error of this host's wall clock (chrony, Redis TIME, combined). Default ZERO_SKEW. */
  skew?: SkewSource;
  /** Rollout decider. Default ENFORCE_ALL. */
  rollout?: RolloutDecider;
  /** How long a recorded quote stays in Redis, ms (PX). Default 5 000. Keep it well above the largest max age. */
  quoteTtlMs?: number;
  /**
   * Bound on every guard call, ms, enforced by the guard itself whatever the
   * connection does (ioredis Cluster can stall ~1.6 s on a dead master). On expiry
   * the policy's decision applies. Default 10.
   */
  callTimeoutMs?: number;
  /**
   * Busy-poll while checks are in flight: keep the event loop turning (a
   * `setImmediate` chain) so a reply is read as soon as it lands, instead of after
   * the process is woken from `epoll_wait`. Other I/O and timers still run; the
   * chain stops when no check is in flight. Costs a core at 100 % while checks are
   * outstanding: for engines that pin the guard's process to a core of its own.
   * Measured at one check in flight on loopback (2-vCPU VM): p50 ~95 → ~60 µs.
   * Default false.
   */
  busyPoll?: boolean;
  /** Rejects and would-rejects are appended here (off the hot path). */
  audit?: RedisAuditStream;
  /** Filled executions (ok results with a measured age) are appended here for the staleness audit. */
  history?: RedisExecutionHistory;
  /** Most instruments whose reference mid is tracked locally. Default 4 096. */
  instrumentsTrackedMax?: number;
  /** Passed to the local-only fallback guard (core QuoteGuard): rotate its windows on a timer. Default true. */
  autoTick?: boolean;
}

const C = QUOTE_REASON_CODE;
const REASONS = QUOTE_REASONS.length;
const REC_OK = RECORD_QUOTE_REASONS.indexOf('OK');
const REC_INVALID = RECORD_QUOTE_REASONS.indexOf('INVALID_QUOTE');
const REC_DUPLICATE = RECORD_QUOTE_REASONS.indexOf('DUPLICATE_QUOTE_ID');
const REC_UNAVAILABLE = RECORD_QUOTE_REASONS.indexOf('GUARD_UNAVAILABLE');

function recordResult(reason: RecordQuoteReason, field: QuoteRecordField | undefined): RecordQuoteResult {
  return Object.freeze({ ok: reason === 'OK', reason, field });
}
const RECORD_OK = recordResult('OK', undefined);
const RECORD_DUPLICATE = recordResult('DUPLICATE_QUOTE_ID', undefined);
const RECORD_UNAVAILABLE = recordResult('GUARD_UNAVAILABLE', undefined);

/** Script reply { code, issuedEpochUs text or '', priceDirection, instrument }; trailing elements are absent on early answers (see quoteCheckLua). */
type CheckReply = [number, string?, number?, string?];
type ScriptCall = (...args: (string | number)[]) => Promise<unknown>;

interface MidState {
  midPx: number;
  midEpochUs: number;
  /** `midPx` as sent to the script: formatted once per update, not once per check. */
  midText: string;
}

/** One check in flight. */
interface PendingCheck extends DeadlineEntry {
  req: QuoteCheckRequest;
  t0: number;
  nowEpochUs: number;
  /** Instrument named to the script: the request's, or the quote's after a NEED_MID answer. */
  instrument: string;
  /** Clock error sent with the last send, µs; NaN when the clock was not synchronised. */
  clockErrorUs: number;
  resolve: (r: QuoteCheckResult) => void;
}

/**
 * The quote guard on Redis or Redis Cluster: a {@link QuoteChecker} shared by
 * every engine process. One check is one round trip: a Lua script (registered
 * with `defineCommand`) reads the quote hash, applies core's decision (wall-clock
 * path: age = nowEpochUs − issuedEpochUs widened by the clock error per policy,
 * FROM_FUTURE, EXPIRED, STALE, replay, price) and marks the quote's replay key
 * with `SET NX PX` on acceptance, idempotent on execId. Both keys carry the
 * quote's hash tag, so the script runs in one cluster slot.
 *
 * Time: the client's wall clock (`nowEpochUs`, or the request's) is sent with the
 * check, never Redis `TIME`, so the decision uses the same instant and the same
 * clock-error bound core would; engines on several hosts must each bound their
 * clock error (chrony, or RedisTimeSkewSource against the shared server).
 *
 * Failure: every call is bounded by `callTimeoutMs`; a timeout or connection
 * error yields the instrument policy's `onStoreUnavailable`: `reject` →
 * GUARD_UNAVAILABLE (enforced per rollout), `shadow` → GUARD_UNAVAILABLE with
 * `ok: true, wouldReject: true`, `local-only` → core's in-process QuoteGuard
 * (wall-clock age) over the quotes this process recorded, whose local replay marks
 * also hold every execution this process accepted through Redis (`QuoteGuard.markExecuted`).
 * Counted in `tailguard_guard_unavailable_total{policy}`. Never rejects its promise.
 *
 * The price check uses this process's reference mid (the newest quote it recorded,
 * or {@link updateMid} from market data). A request naming its instrument (FIX
 * Symbol(55)) is one round trip; one naming none costs a second round trip when
 * the decision reaches the price check.
 */
export class RedisQuoteGuard implements QuoteChecker {
  /** Resolved policies (compiled into the script). */
  readonly policies: ResolvedQuotePolicies;
  /** The key layout in use. */
  readonly keys: KeyLayout;
  /** Checks by reason code and enforcement: index `reason × 2 + enforced`. */
  readonly checksTotal = new Float64Array(REASONS * 2);
  /** Unenforced failures by reason code. */
  readonly wouldRejectTotal = new Float64Array(REASONS);
  /** Store-unavailable outcomes by policy (index in STORE_UNAVAILABLE_POLICIES). */
  readonly guardUnavailableTotal = new Float64Array(STORE_UNAVAILABLE_POLICIES.length);
  /** recordQuote outcomes by index in RECORD_QUOTE_REASONS. */
  readonly recordsTotal = new Float64Array(RECORD_QUOTE_REASONS.length);
  /** Calls that hit callTimeoutMs before Redis answered (the script may still have run). */
  timeoutsTotal = 0;
  /** Calls that failed with a connection or command error. */
  errorsTotal = 0;
  /** Message of the last such error (for operators; not exported as a label). */
  lastErrorMessage = '';
  /** Checks that needed a second round trip for the reference mid (request named no instrument). */
  midRoundTripsTotal = 0;
  /** Checks passed through unevaluated (rollout off). */
  bypassedTotal = 0;
  /** Instruments beyond instrumentsTrackedMax (no price check for them). */
  instrumentsUntrackedTotal = 0;
  /** The local-only fallback, present when some policy uses `local-only`. */
  readonly local: QuoteGuard | undefined;

  private readonly clock: Clock;
  private readonly skew: SkewSource;
  private readonly rollout: RolloutDecider;
  private readonly quoteTtlMs: number;
  private readonly callTimeoutNs: number;
  private readonly deadlines: CallDeadlines;
  /** The check script's text and SHA1: sent as a bare EVALSHA command (see {@link send}). */
  private readonly checkLua: string;
  private readonly checkSha: string;
  private readonly busyPoll: boolean;
  private polling = false;
  private readonly pollStep = (): void => {
    if (this.deadlines.size > 0) setImmediate(this.pollStep);
    else this.polling = false;
  };
  private reloading: Promise<boolean> | undefined;
  /** EVALSHA answered NOSCRIPT (server restarted or flushed; the check was resent as EVAL). */
  noScriptTotal = 0;
  private readonly callRecord: ScriptCall;
  private readonly mids = new Map<string, MidState>();
  private readonly instrumentsTrackedMax: number;
  private readonly audit: RedisAuditStream | undefined;
  private readonly history: RedisExecutionHistory | undefined;

  constructor(
    private readonly redis: RedisClient,
    options: RedisQuoteGuardOptions = {},
  ) {
    this.policies = resolveQuotePolicies(options.policy);
    this.keys = options.keys ?? keyLayout();
    this.clock = options.clock ?? systemClock();
    this.skew = options.skew ?? ZERO_SKEW;
    this.rollout = options.rollout ?? ENFORCE_ALL;
    this.quoteTtlMs = options.quoteTtlMs ?? 5_000;
    if (!Number.isInteger(this.quoteTtlMs) || this.quoteTtlMs < 1 || this.quoteTtlMs > 86_400_000) {
      throw new RangeError(`RedisQuoteGuard: quoteTtlMs must be an integer number of ms in [1, 86400000], got ${this.quoteTtlMs}`);
    }
    const callTimeoutMs = options.callTimeoutMs ?? 10;
    if (!(callTimeoutMs >= 1 && callTimeoutMs <= 60_000)) {
      throw new RangeError(`RedisQuoteGuard: callTimeoutMs must be a number of ms in [1, 60000], got ${callTimeoutMs}`);
    }
    this.callTimeoutNs = callTimeoutMs * 1e6;
    this.busyPoll = options.busyPoll ?? false;
    this.instrumentsTrackedMax = options.instrumentsTrackedMax ?? 4_096;
    if (!Number.isInteger(this.instrumentsTrackedMax) || this.instrumentsTrackedMax < 1 || this.instrumentsTrackedMax > 1_000_000) {
      throw new RangeError(`RedisQuoteGuard: instrumentsTrackedMax must be an integer in [1, 1000000], got ${this.instrumentsTrackedMax}`);
    }
    const clock = this.clock;
    this.deadlines = new CallDeadlines(() => clock.monoNs(), Math.max(1, Math.min(5, Math.floor(callTimeoutMs / 4))));
    this.audit = options.audit;
    this.history = options.history;

    const usesLocal =
      this.policies.default.onStoreUnavailable === 'local-only' ||
      [...this.policies.instruments.values()].some((p) => p.onStoreUnavailable === 'local-only');
    this.local = usesLocal
      ? new QuoteGuard({
          policy: options.policy,
          clock: this.clock,
          skew: this.skew,
          rollout: this.rollout,
          ageBasis: 'wall',
          quoteTtlMs: this.quoteTtlMs,
          autoTick: options.autoTick ?? true,
        })
      : undefined;

    // Each guard sends its own check script by SHA: guards with different policies can share a connection.
    const checkLua = quoteCheckLua(this.policies);
    this.checkLua = checkLua;
    this.checkSha = createHash('sha1').update(checkLua).digest('hex');
    const target = redis as unknown as Record<string, ScriptCall | undefined>;
    if (target.tgRecordQuote === undefined) redis.defineCommand('tgRecordQuote', { lua: RECORD_QUOTE_LUA, numberOfKeys: 1 });
    this.callRecord = target.tgRecordQuote!.bind(redis);
    // Load both scripts on every (re)connect, so the first check after a restart is an
    // EVALSHA, not a NOSCRIPT miss followed by an EVAL that compiles under the timeout.
    this.scripts = [checkLua, RECORD_QUOTE_LUA];
    this.onReady = () => void this.loadScripts();
    redis.on('ready', this.onReady);
    if (redis.status === 'ready') void this.loadScripts();
  }

  private readonly scripts: readonly string[];
  private readonly onReady: () => void;

  /** Loads the scripts on the server (every master of a cluster). Resolves true when all loaded; never rejects. */
  async loadScripts(): Promise<boolean> {
    const redis = this.redis;
    const targets: RedisClient[] = isCluster(redis) ? redis.nodes('master') : [redis];
    try {
      await Promise.all(targets.flatMap((node) => this.scripts.map((lua) => node.script('LOAD', lua))));
      return true;
    } catch {
      return false;
    }
  }

  /** The policy for `instrument` (the default for unconfigured ones). */
  policyFor(instrument: string | undefined): QuotePolicy {
    return (instrument === undefined ? undefined : this.policies.instruments.get(instrument)) ?? this.policies.default;
  }

  /**
   * Records an issued quote in Redis (refused while a quote with the same ID is
   * live). Never rejects: invalid input → INVALID_QUOTE naming the field; Redis
   * unreachable → GUARD_UNAVAILABLE, or under `local-only` the local guard's answer.
   */
  recordQuote(quote: QuoteRecord): Promise<RecordQuoteResult> {
    const field = invalidQuoteField(quote);
    if (field !== undefined) {
      this.recordsTotal[REC_INVALID]!++;
      return Promise.resolve(recordResult('INVALID_QUOTE', field));
    }
    const localResult = this.local?.recordQuote(quote);
    const v = quote.validUntilEpochUs;
    const call = this.callRecord(
      this.keys.quote(quote.quoteId),
      quote.instrument,
      String(quote.bidPx),
      String(quote.askPx),
      String(quote.issuedEpochUs),
      v === undefined ? '' : String(v),
      this.quoteTtlMs,
    );
    return new Promise<RecordQuoteResult>((resolve) => {
      const entry: DeadlineEntry = {
        deadlineMonoNs: this.clock.monoNs() + this.callTimeoutNs,
        settled: false,
        expire: () => {
          entry.settled = true;
          this.timeoutsTotal++;
          resolve(this.recordUnavailable(quote, localResult));
        },
      };
      this.deadlines.add(entry);
      call.then(
        (reply) => {
          if (entry.settled) return;
          entry.settled = true;
          this.deadlines.delete(entry);
          if (Number(reply) === 1) {
            this.trackMid(quote.instrument, (quote.bidPx + quote.askPx) / 2, quote.issuedEpochUs, true);
            this.recordsTotal[REC_OK]!++;
            resolve(RECORD_OK);
          } else {
            this.recordsTotal[REC_DUPLICATE]!++;
            resolve(RECORD_DUPLICATE);
          }
        },
        (err: unknown) => {
          if (entry.settled) return;
          entry.settled = true;
          this.deadlines.delete(entry);
          this.errorsTotal++;
          this.lastErrorMessage = errorMessage(err);
          resolve(this.recordUnavailable(quote, localResult));
        },
      );
    });
  }

  private recordUnavailable(quote: QuoteRecord, localResult: RecordQuoteResult | undefined): RecordQuoteResult {
    const policy = this.policyFor(quote.instrument).onStoreUnavailable;
    this.guardUnavailableTotal[STORE_UNAVAILABLE_POLICIES.indexOf(policy)]!++;
    if (policy === 'local-only' && localResult !== undefined) {
      if (localResult.ok) this.trackMid(quote.instrument, (quote.bidPx + quote.askPx) / 2, quote.issuedEpochUs, true);
      return localResult;
    }
    this.recordsTotal[REC_UNAVAILABLE]!++;
    return RECORD_UNAVAILABLE;
  }

  /** Sets the reference mid of an instrument from market data. Returns false for invalid input or an untracked instrument. */
  updateMid(instrument: string, midPx: number, epochUs: number = this.clock.wallEpochUs()): boolean {
    if (!isValidId(instrument) || !isValidPx(midPx) || !isPlausibleEpochUs(epochUs)) return false;
    this.local?.updateMid(instrument, midPx, epochUs);
    return this.trackMid(instrument, midPx, epochUs, true);
  }

  private trackMid(instrument: string, midPx: number, epochUs: number, create: boolean): boolean {
    let st = this.mids.get(instrument);
    if (st === undefined) {
      if (!create) return false;
      if (this.mids.size >= this.instrumentsTrackedMax) {
        this.instrumentsUntrackedTotal++;
        return false;
      }
      st = { midPx: NaN, midEpochUs: -Infinity, midText: '' };
      this.mids.set(instrument, st);
    }
    if (epochUs < st.midEpochUs) return false;
    st.midPx = midPx;
    st.midEpochUs = epochUs;
    st.midText = String(midPx);
    return true;
  }

  private midArg(instrument: string): string {
    return this.mids.get(instrument)?.midText ?? '';
  }

  /**
   * Checks one execution request in one round trip (two when the request names
   * no instrument and the decision reaches the price check). Never rejects.
   */
  check(request: QuoteCheckRequest): Promise<QuoteCheckResult> {
    const clock = this.clock;
    const t0 = clock.monoNs();
    const mode = this.rollout.mode();
    if (mode === 'off') {
      this.bypassedTotal++;
      return Promise.resolve({ ok: true, reason: 'OK', enforced: false, wouldReject: false, ageUs: NaN, clockErrorUs: NaN, holdNs: clock.monoNs() - t0 });
    }
    const req = request as Partial<QuoteCheckRequest> | null | undefined;
    if (req === null || typeof req !== 'object' || !isValidQuoteCheckRequest(req)) {
      return Promise.resolve(this.finish(req as QuoteCheckRequest, C.INVALID_REQUEST, NaN, NaN, '', t0, NaN, false));
    }
    // Whole µs when read here (rounded up: never judges a quote younger than measured):
    // the script gets it as text, and an integer formats in a fraction of a fractional double's time.
    const nowEpochUs = req.nowEpochUs === undefined ? Math.ceil(clock.wallEpochUs()) : req.nowEpochUs;
    return new Promise<QuoteCheckResult>((resolve) => {
      const pending: PendingCheck = {
        deadlineMonoNs: t0 + this.callTimeoutNs,
        settled: false,
        req: req as QuoteCheckRequest,
        t0,
        nowEpochUs,
        instrument: req.instrument ?? '',
        clockErrorUs: NaN,
        resolve,
        expire: () => {
          pending.settled = true;
          this.timeoutsTotal++;
          resolve(this.unavailable(pending));
        },
      };
      this.deadlines.add(pending);
      if (this.busyPoll && !this.polling) {
        this.polling = true;
        setImmediate(this.pollStep);
      }
      const instrument = req.instrument;
      this.send(pending, instrument === undefined ? '' : instrument, instrument === undefined ? '?' : this.midArg(instrument));
    });
  }

  private send(p: PendingCheck, instrument: string, mid: string): void {
    const req = p.req;
    const status = this.skew.status();
    const err = status.maxErrorUs;
    const sync = !status.synchronized ? '0' : Number.isFinite(err) ? '1' : '2';
    p.clockErrorUs = sync === '1' ? err : NaN;
    const args = [
      this.checkSha,
      '2',
      this.keys.quote(req.quoteId),
      this.keys.replay(req.quoteId),
      req.execId,
      String(p.nowEpochUs),
      sync,
      sync === '1' ? String(err) : '0',
      instrument,
      req.side,
      req.px === undefined ? '' : String(req.px),
      mid,
    ];
    this.sendCheck(p, 'evalsha', args);
  }

  /**
   * Sends the check as a bare ioredis Command ({@link FlatCommand}): ioredis's
   * defineCommand wraps every call in a Script command (a closure, a WeakSet probe
   * and a NOSCRIPT catch promise), about 2 µs per check here. The scripts are
   * loaded on every (re)connect; if EVALSHA still meets NOSCRIPT (a flush, a
   * failover to a replica without them), the same check is sent once as EVAL and
   * the scripts are loaded again.
   */
  private sendCheck(p: PendingCheck, name: 'evalsha' | 'eval', args: string[]): void {
    (this.redis.sendCommand(new FlatCommand(name, args)) as Promise<unknown>).then(
      (reply) => this.onReply(p, reply as CheckReply),
      (err: unknown) => {
        if (name === 'evalsha' && !p.settled && errorMessage(err).startsWith('NOSCRIPT')) {
          this.noScriptTotal++;
          // One reload for a burst of NOSCRIPT answers, not one per check.
          this.reloading ??= this.loadScripts().finally(() => (this.reloading = undefined));
          const evalArgs = args.slice();
          evalArgs[0] = this.checkLua;
          this.sendCheck(p, 'eval', evalArgs);
          return;
        }
        this.onError(p, err);
      },
    );
  }

  private onReply(p: PendingCheck, reply: CheckReply): void {
    if (p.settled) return;
    const code = Number(reply[0]);
    const fromScript = reply[3];
    const instrument = fromScript !== undefined && fromScript !== '' ? fromScript : p.instrument;
    if (code === NEED_MID_CODE) {
      this.midRoundTripsTotal++;
      p.instrument = instrument;
      this.send(p, instrument, this.midArg(instrument));
      return;
    }
    p.settled = true;
    this.deadlines.delete(p);
    // The script judged nowEpochUs − issued in doubles; the same subtraction here gives the same age.
    const issued = reply[1];
    const judgedAge = issued !== undefined && issued !== '';
    const ageUs = judgedAge ? p.nowEpochUs - Number(issued) : NaN;
    const errUs = judgedAge ? p.clockErrorUs : NaN;
    if (code === C.OK && this.local !== undefined && instrument !== '') {
      // Keep the local fallback's replay cache in step with what Redis accepted here.
      this.local.markExecuted(p.req.quoteId, p.req.execId, instrument);
    }
    p.resolve(this.finish(p.req, code, ageUs, errUs, instrument, p.t0, p.nowEpochUs, false));
  }

  private onError(p: PendingCheck, err: unknown): void {
    if (p.settled) return;
    p.settled = true;
    this.deadlines.delete(p);
    this.errorsTotal++;
    this.lastErrorMessage = errorMessage(err);
    p.resolve(this.unavailable(p));
  }

  /** The policy's answer when Redis did not answer in time or failed. */
  private unavailable(p: PendingCheck): QuoteCheckResult {
    const policy = this.policyFor(p.req.instrument).onStoreUnavailable;
    this.guardUnavailableTotal[STORE_UNAVAILABLE_POLICIES.indexOf(policy)]!++;
    if (policy === 'local-only' && this.local !== undefined) {
      const res = this.local.check(p.req);
      res.holdNs = this.clock.monoNs() - p.t0;
      this.countAndAudit(p.req, QUOTE_REASON_CODE[res.reason], res.enforced, res.ageUs, p.req.instrument ?? '', p.nowEpochUs);
      return res;
    }
    return this.finish(p.req, C.GUARD_UNAVAILABLE, NaN, NaN, p.req.instrument ?? '', p.t0, p.nowEpochUs, policy === 'shadow');
  }

  private finish(
    req: QuoteCheckRequest,
    code: number,
    ageUs: number,
    clockErrorUs: number,
    instrument: string,
    t0: number,
    nowEpochUs: number,
    forceShadow: boolean,
  ): QuoteCheckResult {
    let enforced: boolean;
    if (!forceShadow && this.rollout.mode() === 'enforce') {
      enforced = req !== null && typeof req === 'object' && isValidId(req.clientId) ? this.rollout.isEnforced(req.clientId) : true;
    } else {
      enforced = false;
    }
    const failed = code !== C.OK;
    this.countAndAudit(req, code, enforced, ageUs, instrument, nowEpochUs);
    return {
      ok: !failed || !enforced,
      reason: QUOTE_REASONS[code]!,
      enforced,
      wouldReject: failed && !enforced,
      ageUs,
      clockErrorUs,
      holdNs: this.clock.monoNs() - t0,
    };
  }

  private countAndAudit(req: QuoteCheckRequest, code: number, enforced: boolean, ageUs: number, instrument: string, nowEpochUs: number): void {
    this.checksTotal[code * 2 + (enforced ? 1 : 0)]!++;
    const failed = code !== C.OK;
    if (failed && !enforced) this.wouldRejectTotal[code]!++;
    if (failed) {
      // Off the hot path of a fill: only failed checks build an audit entry.
      this.audit?.append({
        type: enforced ? 'reject' : 'would-reject',
        reason: QUOTE_REASONS[code]!,
        quoteId: typeof req?.quoteId === 'string' ? req.quoteId.slice(0, 256) : '',
        clientId: typeof req?.clientId === 'string' ? req.clientId.slice(0, 256) : '',
        execId: typeof req?.execId === 'string' ? req.execId.slice(0, 256) : '',
        instrument,
        ageUs: ageUs === ageUs ? ageUs : '',
        atEpochUs: nowEpochUs === nowEpochUs ? nowEpochUs : '',
      });
    } else if (this.history !== undefined && ageUs === ageUs) {
      this.history.append({
        quoteId: req.quoteId,
        clientId: req.clientId,
        execId: req.execId,
        instrument,
        quoteEpochUs: nowEpochUs - ageUs,
        execEpochUs: nowEpochUs,
      });
    }
  }

  /** True while the busy-poll chain runs ({@link RedisQuoteGuardOptions.busyPoll}). */
  get busyPolling(): boolean {
    return this.polling;
  }

  /** Checks still waiting for Redis. */
  get inFlight(): number {
    return this.deadlines.size;
  }

  /** Answers every pending call by policy now and stops the local guard's timer; the connection is the caller's. */
  close(): void {
    this.redis.off('ready', this.onReady);
    this.deadlines.expireAll();
    this.local?.close();
  }

  /**
   * Registers `tailguard_guard_unavailable_total{policy}`, `tailguard_redis_guard_checks_total{reason,enforced}`,
   * `tailguard_redis_guard_timeouts_total`, `tailguard_redis_guard_noscript_total` and
   * `tailguard_redis_guard_errors_total` on the app's registry.
   */
  registerPrometheus(registry: Registry): void {
    const policyLabels = STORE_UNAVAILABLE_POLICIES.map((policy) => ({ policy }));
    registerPromCollector(registry, {
      name: 'tailguard_guard_unavailable_total',
      help: 'Guard calls (checks and records) answered by the store-unavailable policy because Redis timed out or failed',
      type: 'counter',
      collect: () => policyLabels.map((labels, i) => ({ labels, value: this.guardUnavailableTotal[i]! })),
    });
    const checkLabels = QUOTE_REASONS.flatMap((reason) => [false, true].map((e) => ({ reason, enforced: String(e) })));
    registerPromCollector(registry, {
      name: 'tailguard_redis_guard_checks_total',
      help: 'Quote checks answered by the Redis guard, by reason and enforcement',
      type: 'counter',
      collect: () => checkLabels.map((labels, i) => ({ labels, value: this.checksTotal[i]! })),
    });
    registerPromCollector(registry, {
      name: 'tailguard_redis_guard_timeouts_total',
      help: 'Guard calls that hit callTimeoutMs before Redis answered (the script may still have run)',
      type: 'counter',
      collect: () => [{ value: this.timeoutsTotal }],
    });
    registerPromCollector(registry, {
      name: 'tailguard_redis_guard_noscript_total',
      help: 'Checks whose EVALSHA met NOSCRIPT (scripts flushed or a failover) and were resent once as EVAL',
      type: 'counter',
      collect: () => [{ value: this.noScriptTotal }],
    });
    registerPromCollector(registry, {
      name: 'tailguard_redis_guard_errors_total',
      help: 'Guard calls that failed with a connection or command error',
      type: 'counter',
      collect: () => [{ value: this.errorsTotal }],
    });
  }
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function isCluster(redis: RedisClient): redis is Cluster {
  return (redis as { isCluster?: boolean }).isCluster === true;
}

