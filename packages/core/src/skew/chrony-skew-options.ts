/** How the chrony source judges what chronyc reported (the part of the options that needs no process). */
export interface ChronySkewJudgeOptions {
  /**
   * Rate in ppm at which the error bound grows with the time since chronyc
   * answered (chrony's root dispersion already includes growth up to that
   * answer). The effective rate is the larger of this and chrony's own
   * `skew + |residual frequency|`, so a freshly started chrony that is unsure
   * of its frequency widens the bound quickly. Default 15.
   */
  growthPpm?: number;
  /** A chronyc answer older than this makes the status unsynchronised. Default 3 × `pollIntervalMs` + `pollTimeoutMs` (3 500 ms with defaults). */
  pollAgeMsMax?: number;
  /** Poll interval the default of `pollAgeMsMax` is derived from. Default 1 000 ms. */
  pollIntervalMs?: number;
  /** Per-poll timeout the default of `pollAgeMsMax` is derived from. Default 500 ms. */
  pollTimeoutMs?: number;
  /**
   * The reference is stale when its ref time is older than
   * max(`staleRefAgeMsMin`, `staleRefAgeUpdateIntervals` × chrony's update interval).
   * Default 4 update intervals.
   */
  staleRefAgeUpdateIntervals?: number;
  /** Floor of the staleness limit, so a 1 s update interval does not flap on one lost packet. Default 8 000 ms. */
  staleRefAgeMsMin?: number;
  /**
   * Consecutive synchronised answers needed before trusting chrony, after start
   * and after every unsynchronised answer or failed poll (the first lines after
   * chrony syncs can carry a large frequency skew). 0 trusts the first answer. Default 2.
   */
  settlePolls?: number;
  /**
   * While chrony announces a leap second, the status is unsynchronised when
   * the wall clock is within this many ms of a UTC midnight. Default `Infinity`
   * (the whole time the leap is announced); 0 ignores announcements.
   */
  leapWindowMs?: number;
  /**
   * Whether chrony serving its own clock (`local` directive, RefID 7F7F0101)
   * counts as synchronised. `trusted` (default) suits a host that is the time
   * master itself; `unsynchronized` suits an engine host that must follow an
   * upstream and must not trust a fallback to its free-running clock.
   * The local reference has no updates, so it is never judged stale.
   */
  localReference?: 'trusted' | 'unsynchronized';
  /** The cached status is re-evaluated at least this often (the bound includes growth up to the next evaluation). Default 100 ms. */
  statusRefreshMs?: number;
}

/** {@link ChronySkewJudgeOptions} with every default applied, in the units the judge computes in. */
export interface ResolvedChronySkewJudgeOptions {
  readonly growthPpm: number;
  readonly pollAgeNsMax: number;
  readonly staleRefAgeUpdateIntervals: number;
  readonly staleRefAgeUsMin: number;
  readonly settlePolls: number;
  readonly leapWindowUs: number;
  readonly localReferenceTrusted: boolean;
  readonly statusRefreshNs: number;
}

/** Throws a config error naming `field` unless `value` is a finite number ≥ `min`. */
export function requireNumberAtLeast(owner: string, field: string, value: number, min: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
    throw new RangeError(`${owner}: ${field} must be a finite number ≥ ${min}, got ${String(value)}`);
  }
  return value;
}

/** Applies defaults and validates; throws a RangeError naming the field for a bad value. */
export function resolveChronySkewJudgeOptions(options: ChronySkewJudgeOptions = {}): ResolvedChronySkewJudgeOptions {
  const owner = 'ChronySkewSource';
  const pollIntervalMs = requireNumberAtLeast(owner, 'pollIntervalMs', options.pollIntervalMs ?? 1_000, 10);
  const pollTimeoutMs = requireNumberAtLeast(owner, 'pollTimeoutMs', options.pollTimeoutMs ?? 500, 1);
  const pollAgeMsMax = requireNumberAtLeast(owner, 'pollAgeMsMax', options.pollAgeMsMax ?? 3 * pollIntervalMs + pollTimeoutMs, 1);
  if (pollAgeMsMax < pollIntervalMs) {
    throw new RangeError(`${owner}: pollAgeMsMax (${pollAgeMsMax}) must be at least pollIntervalMs (${pollIntervalMs}), or every status would go stale between polls`);
  }
  const leapWindowMs = options.leapWindowMs ?? Number.POSITIVE_INFINITY;
  if (typeof leapWindowMs !== 'number' || Number.isNaN(leapWindowMs) || leapWindowMs < 0) {
    throw new RangeError(`${owner}: leapWindowMs must be ≥ 0 or Infinity, got ${String(leapWindowMs)}`);
  }
  const settlePolls = requireNumberAtLeast(owner, 'settlePolls', options.settlePolls ?? 2, 0);
  if (!Number.isInteger(settlePolls)) throw new RangeError(`${owner}: settlePolls must be an integer, got ${settlePolls}`);
  const localReference = options.localReference ?? 'trusted';
  if (localReference !== 'trusted' && localReference !== 'unsynchronized') {
    throw new RangeError(`${owner}: localReference must be 'trusted' or 'unsynchronized', got ${String(localReference)}`);
  }
  return Object.freeze({
    growthPpm: requireNumberAtLeast(owner, 'growthPpm', options.growthPpm ?? 15, 0),
    pollAgeNsMax: pollAgeMsMax * 1e6,
    staleRefAgeUpdateIntervals: requireNumberAtLeast(owner, 'staleRefAgeUpdateIntervals', options.staleRefAgeUpdateIntervals ?? 4, 1),
    staleRefAgeUsMin: requireNumberAtLeast(owner, 'staleRefAgeMsMin', options.staleRefAgeMsMin ?? 8_000, 0) * 1_000,
    settlePolls,
    leapWindowUs: leapWindowMs * 1_000,
    localReferenceTrusted: localReference === 'trusted',
    statusRefreshNs: requireNumberAtLeast(owner, 'statusRefreshMs', options.statusRefreshMs ?? 100, 1) * 1e6,
  });
}
