/**
 * Behavioural contract of a {@link QuoteChecker}, run against every
 * implementation: the in-memory QuoteGuard here, the Redis checker in
 * @tailguard/redis-store. Every call is awaited, so sync and async checkers run
 * the same cases. Cases avoid sub-millisecond borders (a real-time harness
 * advances by sleeping); the exact border matrix lives in the in-memory tests.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  ENFORCE_ALL,
  FixedSkewSource,
  QUOTE_REASONS,
  type QuoteCheckRequest,
  type QuoteCheckResult,
  type QuoteChecker,
  type QuotePolicyOptions,
  type QuoteRecord,
  type RolloutDecider,
  type RolloutMode,
  type SkewSource,
} from '@tailguard/core';

/** What the suite asks the factory to build. */
export interface QuoteGuardConformanceConfig {
  /** Policies: instrument XAUUSD (50 ms, 10 bps) and the default. */
  policy: QuotePolicyOptions;
  rollout: RolloutDecider;
  skew: SkewSource;
}

/** What the factory returns: the checker and control of time. */
export interface QuoteGuardConformanceHarness {
  checker: QuoteChecker;
  /** Moves the checker's notion of time forward (a ManualClock, or a real sleep). */
  advanceMs(ms: number): void | Promise<void>;
  /** The checker's current wall time, epoch µs (quotes are stamped with it). */
  wallEpochUs(): number;
  close?(): void | Promise<void>;
}

/** Builds a fresh checker for one case; may be async (connecting to a server). */
export type QuoteGuardConformanceFactory = (
  config: QuoteGuardConformanceConfig,
) => QuoteGuardConformanceHarness | Promise<QuoteGuardConformanceHarness>;

/** A rollout decider whose mode and enforced clients the case sets. */
export class ScriptedRollout implements RolloutDecider {
  constructor(
    public current: RolloutMode = 'enforce',
    public enforcedClients: ReadonlySet<string> | 'all' = 'all',
  ) {}
  mode(): RolloutMode {
    return this.current;
  }
  isEnforced(clientId: string): boolean {
    return this.enforcedClients === 'all' || this.enforcedClients.has(clientId);
  }
}

const POLICY: QuotePolicyOptions = {
  default: { maxAgeMs: 100, priceToleranceBps: 10, maxClockErrorMs: 5 },
  instruments: { XAUUSD: { maxAgeMs: 50, priceToleranceBps: 10 } },
};

let uniq = 0;
/** Unique per run and case, so a shared store (Redis) never sees an ID twice. */
function nextId(prefix: string): string {
  uniq++;
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${uniq}`;
}

/**
 * Registers the conformance cases under `describe(name)`. `makeGuard` is called
 * once per case with the config the case needs.
 */
export function describeQuoteGuardConformance(name: string, makeGuard: QuoteGuardConformanceFactory): void {
  describe(`QuoteChecker conformance: ${name}`, () => {
    let open: QuoteGuardConformanceHarness[] = [];
    afterEach(async () => {
      for (const h of open) await h.close?.();
      open = [];
    });

    async function setup(overrides: Partial<QuoteGuardConformanceConfig> = {}): Promise<QuoteGuardConformanceHarness> {
      const h = await makeGuard({ policy: POLICY, rollout: ENFORCE_ALL, skew: new FixedSkewSource(0, true), ...overrides });
      open.push(h);
      return h;
    }

    async function record(h: QuoteGuardConformanceHarness, q: Partial<QuoteRecord> = {}): Promise<QuoteRecord> {
      const quote: QuoteRecord = {
        quoteId: nextId('q'),
        instrument: 'XAUUSD',
        bidPx: 2_000.0,
        askPx: 2_000.4,
        issuedEpochUs: h.wallEpochUs(),
        ...q,
      };
      const res = await h.checker.recordQuote(quote);
      expect(res.ok, `recordQuote ${JSON.stringify(res)}`).toBe(true);
      return quote;
    }

    function request(q: QuoteRecord, r: Partial<QuoteCheckRequest> = {}): QuoteCheckRequest {
      return { quoteId: q.quoteId, clientId: 'client-1', execId: nextId('e'), side: 'buy', ...r };
    }

    function expectShape(res: QuoteCheckResult): void {
      expect(typeof res.ok).toBe('boolean');
      expect(QUOTE_REASONS).toContain(res.reason);
      expect(typeof res.enforced).toBe('boolean');
      expect(typeof res.wouldReject).toBe('boolean');
      expect(typeof res.ageUs).toBe('number');
      expect(typeof res.clockErrorUs).toBe('number');
      expect(res.holdNs).toBeGreaterThanOrEqual(0);
    }

    it('accepts a fresh quote, enforced, with its age measured', async () => {
      const h = await setup();
      const q = await record(h);
      const res = await h.checker.check(request(q, { instrument: 'XAUUSD', px: 2_000.4 }));
      expectShape(res);
      expect(res).toMatchObject({ ok: true, reason: 'OK', enforced: true, wouldReject: false });
      expect(res.ageUs).toBeGreaterThanOrEqual(0);
      expect(res.ageUs).toBeLessThan(50_000);
    });

    it('rejects an unknown quote with QUOTE_UNKNOWN', async () => {
      const h = await setup();
      const res = await h.checker.check({ quoteId: nextId('never-issued'), clientId: 'client-1', execId: nextId('e'), side: 'sell' });
      expectShape(res);
      expect(res).toMatchObject({ ok: false, reason: 'QUOTE_UNKNOWN', enforced: true });
    });

    it('is idempotent on execId and rejects a second execId with QUOTE_REPLAYED', async () => {
      const h = await setup();
      const q = await record(h);
      const first = request(q);
      expect((await h.checker.check(first)).reason).toBe('OK');
      expect((await h.checker.check({ ...first })).reason).toBe('OK'); // a retry after a timeout
      const other = await h.checker.check(request(q, { clientId: 'client-2' }));
      expect(other).toMatchObject({ ok: false, reason: 'QUOTE_REPLAYED' });
      expect((await h.checker.check({ ...first })).reason).toBe('OK'); // still idempotent after the replay attempt
    });

    it('lets exactly one of many concurrent executions of one quote through', async () => {
      const h = await setup();
      const q = await record(h);
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) => h.checker.check(request(q, { clientId: `c${i}` }))));
      expect(results.filter((r) => r.reason === 'OK')).toHaveLength(1);
      expect(results.filter((r) => r.reason === 'QUOTE_REPLAYED')).toHaveLength(19);
    });

    it('rejects a quote past its instrument max age with QUOTE_STALE, and judges age before replay', async () => {
      const h = await setup();
      const gold = await record(h);
      const other = await record(h, { instrument: 'ETHUSD', bidPx: 3_000, askPx: 3_000.5 });
      const accepted = request(gold);
      expect((await h.checker.check(accepted)).reason).toBe('OK');
      await h.advanceMs(75); // past gold's 50 ms, inside the default 100 ms
      const stale = await h.checker.check(request(gold, { clientId: 'client-2' }));
      expect(stale).toMatchObject({ ok: false, reason: 'QUOTE_STALE' });
      expect(stale.ageUs).toBeGreaterThan(50_000);
      expect((await h.checker.check(request(other))).reason).toBe('OK');
    });

    it('rejects past ValidUntilTime with QUOTE_EXPIRED before the max age', async () => {
      const h = await setup();
      const now = h.wallEpochUs();
      const q = await record(h, { issuedEpochUs: now, validUntilEpochUs: now + 20_000 });
      await h.advanceMs(35); // past the 20 ms validity, inside the 50 ms max age
      expect(await h.checker.check(request(q))).toMatchObject({ ok: false, reason: 'QUOTE_EXPIRED' });
    });

    it('rejects a quote whose mid moved beyond tolerance, in both directions', async () => {
      const h = await setup();
      const old = await record(h, { bidPx: 2_000.0, askPx: 2_000.4 });
      await record(h, { bidPx: 2_004.0, askPx: 2_004.4 }); // mid up 20 bps
      const buy = await h.checker.check(request(old, { side: 'buy' }));
      expect(buy).toMatchObject({ ok: false, reason: 'PRICE_MOVED' });
      const down = await record(h, { bidPx: 2_010.0, askPx: 2_010.4 });
      await record(h, { bidPx: 2_006.0, askPx: 2_006.4 }); // mid down 20 bps
      expect(await h.checker.check(request(down, { side: 'buy' }))).toMatchObject({ ok: false, reason: 'PRICE_MOVED' });
    });

    it('accepts a move within tolerance', async () => {
      const h = await setup();
      const old = await record(h, { bidPx: 2_000.0, askPx: 2_000.4 });
      await record(h, { bidPx: 2_001.0, askPx: 2_001.4 }); // 5 bps
      expect((await h.checker.check(request(old, { side: 'sell' }))).reason).toBe('OK');
    });

    it('answers INVALID_REQUEST for malformed requests without throwing', async () => {
      const h = await setup();
      const q = await record(h);
      const good = request(q);
      const bad: unknown[] = [
        { ...good, quoteId: '' },
        { ...good, quoteId: 'x'.repeat(10_000) },
        { ...good, clientId: '' },
        { ...good, execId: 'e'.repeat(10_000) },
        { ...good, side: 'hold' },
        { ...good, px: Number.NaN },
        { ...good, px: -1 },
        { ...good, nowEpochUs: Number.NaN },
        { ...good, nowEpochUs: -5 },
        { ...good, nowEpochUs: Math.floor(h.wallEpochUs() / 1_000) }, // epoch ms
        { ...good, nowEpochUs: h.wallEpochUs() * 1_000 }, // epoch ns
        { ...good, instrument: 'EURUSD' }, // not the quote's instrument
        { ...good, side: 'buy', px: 1_999 }, // limit below the quoted ask
        null,
        undefined,
        42,
      ];
      for (const req of bad) {
        const res = await h.checker.check(req as QuoteCheckRequest);
        expectShape(res);
        expect(res, JSON.stringify(req)?.slice(0, 80)).toMatchObject({ ok: false, reason: 'INVALID_REQUEST' });
      }
      expect((await h.checker.check(good)).reason).toBe('OK'); // rejects did not consume the quote
    });

    it('refuses malformed quotes with INVALID_QUOTE naming the field, without throwing', async () => {
      const h = await setup();
      const now = h.wallEpochUs();
      const base = { quoteId: nextId('q'), instrument: 'XAUUSD', bidPx: 2_000, askPx: 2_000.4, issuedEpochUs: now };
      const cases: [unknown, string][] = [
        [{ ...base, quoteId: '' }, 'quoteId'],
        [{ ...base, instrument: 'I'.repeat(10_000) }, 'instrument'],
        [{ ...base, bidPx: Number.NaN }, 'bidPx'],
        [{ ...base, askPx: 1_999 }, 'askPx'], // crossed
        [{ ...base, issuedEpochUs: Math.floor(now / 1_000) }, 'issuedEpochUs'], // epoch ms
        [{ ...base, issuedEpochUs: -1 }, 'issuedEpochUs'],
        [{ ...base, validUntilEpochUs: now - 1 }, 'validUntilEpochUs'],
        [null, 'record'],
      ];
      for (const [q, field] of cases) {
        const res = await h.checker.recordQuote(q as QuoteRecord);
        expect(res).toMatchObject({ ok: false, reason: 'INVALID_QUOTE', field });
      }
    });

    it('refuses a second quote with a live quote ID', async () => {
      const h = await setup();
      const q = await record(h);
      expect(await h.checker.recordQuote({ ...q, bidPx: 1_000, askPx: 1_000.5 })).toMatchObject({ ok: false, reason: 'DUPLICATE_QUOTE_ID' });
    });

    it('in shadow mode evaluates everything and enforces nothing', async () => {
      const rollout = new ScriptedRollout('shadow');
      const h = await setup({ rollout });
      const q = await record(h);
      await h.advanceMs(75);
      const res = await h.checker.check(request(q));
      expect(res).toMatchObject({ ok: true, reason: 'QUOTE_STALE', enforced: false, wouldReject: true });
      const unknown = await h.checker.check({ quoteId: nextId('nope'), clientId: 'c', execId: nextId('e'), side: 'buy' });
      expect(unknown).toMatchObject({ ok: true, reason: 'QUOTE_UNKNOWN', enforced: false, wouldReject: true });
    });

    it('in shadow mode still marks accepted quotes, so a replay is reported', async () => {
      const h = await setup({ rollout: new ScriptedRollout('shadow') });
      const q = await record(h);
      expect(await h.checker.check(request(q))).toMatchObject({ ok: true, reason: 'OK', wouldReject: false });
      expect(await h.checker.check(request(q))).toMatchObject({ ok: true, reason: 'QUOTE_REPLAYED', wouldReject: true });
    });

    it('with rollout off passes everything through unevaluated', async () => {
      const h = await setup({ rollout: new ScriptedRollout('off') });
      const res = await h.checker.check({ quoteId: nextId('nope'), clientId: 'c', execId: nextId('e'), side: 'buy' });
      expect(res).toMatchObject({ ok: true, reason: 'OK', enforced: false, wouldReject: false });
      expect(Number.isNaN(res.ageUs)).toBe(true);
    });

    it('in enforce mode enforces only the clients the rollout selects', async () => {
      const h = await setup({ rollout: new ScriptedRollout('enforce', new Set(['in'])) });
      const q1 = await record(h);
      const q2 = await record(h);
      await h.advanceMs(75);
      expect(await h.checker.check(request(q1, { clientId: 'in' }))).toMatchObject({ ok: false, reason: 'QUOTE_STALE', enforced: true, wouldReject: false });
      expect(await h.checker.check(request(q2, { clientId: 'out' }))).toMatchObject({ ok: true, reason: 'QUOTE_STALE', enforced: false, wouldReject: true });
    });

    it('never throws: every outcome is a result', async () => {
      const h = await setup();
      const res = h.checker.check({} as QuoteCheckRequest);
      await expect(Promise.resolve(res)).resolves.toMatchObject({ reason: 'INVALID_REQUEST' });
    });
  });
}
