/** How clock error widens a wall-clock age: who gets the benefit of the doubt. */
export const CLOCK_ERROR_POLICIES = ['dealer-safe', 'client-safe'] as const;

/**
 * `dealer-safe` rejects when `age + error > max` (a fill is never older than the
 * max, some fresh quotes are rejected); `client-safe` rejects when
 * `age − error > max` (a reject is never of a quote that could be fresh, some
 * fills are older than the max). Disclose which one you use.
 */
export type ClockErrorPolicy = (typeof CLOCK_ERROR_POLICIES)[number];

/** What a check does when the shared store cannot be reached (or the in-memory replay guard refuses). */
export const STORE_UNAVAILABLE_POLICIES = ['reject', 'local-only', 'shadow'] as const;

/**
 * - `reject`: fail closed, GUARD_UNAVAILABLE enforced as usual;
 * - `local-only`: decide on this process's own state (a shared-store checker falls
 *   back to its local quotes and replay marks; in the in-memory guard the local
 *   state is what failed, so it behaves as `reject`);
 * - `shadow`: fail open, GUARD_UNAVAILABLE reported with `ok: true, wouldReject: true`.
 */
export type StoreUnavailablePolicy = (typeof STORE_UNAVAILABLE_POLICIES)[number];

/** The checks' limits for one instrument. */
export interface QuotePolicy {
  /** Oldest acceptable quote age, ms, in (0, 60000]. See {@link MAX_AGE_MS_PRESETS}. */
  readonly maxAgeMs: number;
  /** How far a quote's issue time may lie in the future beyond the clock error, ms, in [0, 60000]. */
  readonly maxFutureSkewMs: number;
  /** Largest accepted |reference mid − quoted mid| in basis points of the quoted mid, in [0, 10000]. */
  readonly priceToleranceBps: number;
  /** How clock error widens a wall-clock age. */
  readonly clockErrorPolicy: ClockErrorPolicy;
  /** Largest clock error at which a wall-clock age is still judged, ms, in [0, 60000]; above it CLOCK_UNSYNCED. */
  readonly maxClockErrorMs: number;
  /** Behaviour when the store is unavailable. */
  readonly onStoreUnavailable: StoreUnavailablePolicy;
}

/** Max-age presets by asset class, ms: gold 50, crypto 15, equities 100. */
export const MAX_AGE_MS_PRESETS = Object.freeze({ GOLD: 50, CRYPTO: 15, EQUITIES: 100 } as const);

/**
 * The default policy: gold's 50 ms, 5 ms future skew, 10 bps price tolerance,
 * dealer-safe, 5 ms max clock error (10 % of a gold quote's life), fail closed.
 */
export const DEFAULT_QUOTE_POLICY: QuotePolicy = Object.freeze({
  maxAgeMs: MAX_AGE_MS_PRESETS.GOLD,
  maxFutureSkewMs: 5,
  priceToleranceBps: 10,
  clockErrorPolicy: 'dealer-safe',
  maxClockErrorMs: 5,
  onStoreUnavailable: 'reject',
});

/** Per-instrument policies over a default; each instrument's fields override the default's. */
export interface QuotePolicyOptions {
  /** Overrides of {@link DEFAULT_QUOTE_POLICY} for every instrument. */
  default?: Partial<QuotePolicy>;
  /** Overrides per configured instrument (these get their own metric label; others are `other`). */
  instruments?: Readonly<Record<string, Partial<QuotePolicy>>>;
}

/** Most instruments with their own policy (and metric label). */
export const QUOTE_INSTRUMENTS_CONFIGURED_MAX = 64;

/** The metric label of instruments without their own policy. */
export const OTHER_INSTRUMENT_LABEL = 'other';

/** Policies resolved at construction: every field present and validated. */
export interface ResolvedQuotePolicies {
  readonly default: QuotePolicy;
  /** Configured instruments in configuration order. */
  readonly instruments: ReadonlyMap<string, QuotePolicy>;
}

const POLICY_FIELDS: readonly (keyof QuotePolicy)[] = Object.keys(DEFAULT_QUOTE_POLICY) as (keyof QuotePolicy)[];
const INSTRUMENT_NAME = /^[A-Za-z0-9_.:/-]{1,64}$/;

function fail(path: string, problem: string): never {
  throw new TypeError(`QuotePolicy: ${path} ${problem}`);
}

function numberIn(path: string, value: unknown, min: number, max: number, minOpen: boolean): number {
  if (typeof value !== 'number' || Number.isNaN(value) || value > max || (minOpen ? value <= min : value < min)) {
    fail(path, `must be a number in ${minOpen ? '(' : '['}${min}, ${max}], got ${String(value)}`);
  }
  return value;
}

function resolveOne(path: string, base: QuotePolicy, overrides: unknown): QuotePolicy {
  if (overrides === undefined) return base;
  if (overrides === null || typeof overrides !== 'object') fail(path, 'must be an object of policy fields');
  const o = overrides as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!(POLICY_FIELDS as readonly string[]).includes(key)) {
      fail(`${path}.${key}`, `is not a policy field (expected one of ${POLICY_FIELDS.join(', ')})`);
    }
  }
  const merged = { ...base, ...o } as Record<string, unknown>;
  const p: QuotePolicy = {
    maxAgeMs: numberIn(`${path}.maxAgeMs`, merged.maxAgeMs, 0, 60_000, true),
    maxFutureSkewMs: numberIn(`${path}.maxFutureSkewMs`, merged.maxFutureSkewMs, 0, 60_000, false),
    priceToleranceBps: numberIn(`${path}.priceToleranceBps`, merged.priceToleranceBps, 0, 10_000, false),
    clockErrorPolicy: merged.clockErrorPolicy as ClockErrorPolicy,
    maxClockErrorMs: numberIn(`${path}.maxClockErrorMs`, merged.maxClockErrorMs, 0, 60_000, false),
    onStoreUnavailable: merged.onStoreUnavailable as StoreUnavailablePolicy,
  };
  if (!(CLOCK_ERROR_POLICIES as readonly unknown[]).includes(p.clockErrorPolicy)) {
    fail(`${path}.clockErrorPolicy`, `must be one of ${CLOCK_ERROR_POLICIES.join(', ')}, got ${JSON.stringify(p.clockErrorPolicy)}`);
  }
  if (!(STORE_UNAVAILABLE_POLICIES as readonly unknown[]).includes(p.onStoreUnavailable)) {
    fail(`${path}.onStoreUnavailable`, `must be one of ${STORE_UNAVAILABLE_POLICIES.join(', ')}, got ${JSON.stringify(p.onStoreUnavailable)}`);
  }
  if (p.clockErrorPolicy === 'dealer-safe' && p.maxClockErrorMs >= p.maxAgeMs) {
    fail(
      `${path}.maxClockErrorMs`,
      `(${p.maxClockErrorMs}) must be below maxAgeMs (${p.maxAgeMs}) under dealer-safe: an error that large would reject every wall-clock-aged quote`,
    );
  }
  return Object.freeze(p);
}

/**
 * Validates and resolves policies; throws a TypeError naming the field
 * (`QuotePolicy: instruments.XAUUSD.maxAgeMs must be ...`) on any invalid value,
 * unknown field or instrument name, or more than {@link QUOTE_INSTRUMENTS_CONFIGURED_MAX} instruments.
 */
export function resolveQuotePolicies(options: QuotePolicyOptions = {}): ResolvedQuotePolicies {
  if (options === null || typeof options !== 'object') fail('options', 'must be an object { default?, instruments? }');
  const def = resolveOne('default', DEFAULT_QUOTE_POLICY, options.default);
  const instruments = new Map<string, QuotePolicy>();
  const configured = options.instruments ?? {};
  if (configured === null || typeof configured !== 'object') fail('instruments', 'must be an object keyed by instrument');
  const names = Object.keys(configured);
  if (names.length > QUOTE_INSTRUMENTS_CONFIGURED_MAX) {
    fail('instruments', `has ${names.length} entries, more than QUOTE_INSTRUMENTS_CONFIGURED_MAX (${QUOTE_INSTRUMENTS_CONFIGURED_MAX}); group the rest under the default policy`);
  }
  for (const name of names) {
    if (!INSTRUMENT_NAME.test(name) || name === OTHER_INSTRUMENT_LABEL) {
      fail(`instruments.${name}`, `must be named by 1-64 letters, digits or _ . : / - and not '${OTHER_INSTRUMENT_LABEL}' (reserved for unconfigured instruments)`);
    }
    instruments.set(name, resolveOne(`instruments.${name}`, def, configured[name]));
  }
  return Object.freeze({ default: def, instruments });
}

/**
 * Replay-entry TTL for a policy, ns: `maxAge + maxFutureSkew + 2 × maxClockError`
 * plus 1 ms. A quote can pass the age check from the moment its (wall) age is
 * −(maxFutureSkew + error) until it reaches maxAge + error (client-safe), so an
 * entry marked at the earliest accept must outlive the latest one; after that
 * the age check rejects the quote on its own.
 */
export function replayTtlNs(policy: QuotePolicy): number {
  return (policy.maxAgeMs + policy.maxFutureSkewMs + 2 * policy.maxClockErrorMs + 1) * 1e6;
}
