import { describe, expect, it } from 'vitest';
import {
  ChronySkewJudge,
  parseChronyTracking,
  type ChronySkewJudgeOptions,
  type ChronySkewStatus,
  type ChronyTrackingRecord,
} from '@tailguard/core';

const MS = 1e6; // ns per ms
const S = 1e9; // ns per s

function record(line: string): ChronyTrackingRecord {
  const parsed = parseChronyTracking(line);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.record;
}

// A recorded synchronised line (offset 20 ms, root delay 40 ms) with ref time moved to REF_EPOCH_S.
const REF_EPOCH_S = 1_700_000_000;
const REF_WALL_US = REF_EPOCH_S * 1e6;
function synced(overrides: Partial<Record<'refTime' | 'leap' | 'skew' | 'interval' | 'refId', string>> = {}): ChronyTrackingRecord {
  return record(
    `${overrides.refId ?? '7F000001'},127.0.0.1,9,${overrides.refTime ?? `${REF_EPOCH_S}.000000000`},0.020000000,0.000002522,0.000008164,-1.341,0.054,${overrides.skew ?? '6.239'},0.040000000,0.000010000,${overrides.interval ?? '1.0'},${overrides.leap ?? 'Normal'}`,
  );
}
const UNSYNCED = record('00000000,,0,0.000000000,0.000000000,0.000000000,0.000000000,0.000,0.000,0.000,1.000000000,1.000000000,0.0,Not synchronised');
const LOCAL = record(`7F7F0101,,10,${REF_EPOCH_S}.000000000,0.000000000,0.000000000,0.000000000,0.000,0.000,0.000,0.000000000,0.000000000,0.0,Normal`);
const BOUND_US = 20_000 + 10 + 40_000 / 2;

/** A judge driven on explicit monotonic ns; wall = REF_WALL_US + mono / 1000 (the poll happens at the ref time). */
function judge(options: ChronySkewJudgeOptions = {}, changes?: ChronySkewStatus[]) {
  const j = new ChronySkewJudge({ settlePolls: 0, statusRefreshMs: 100, ...options }, changes && ((s) => changes.push(s)));
  const feed = (r: ChronyTrackingRecord, monoNs: number, sources?: Parameters<ChronySkewJudge['observeTracking']>[3]) =>
    j.observeTracking(r, monoNs, REF_WALL_US + monoNs / 1_000, sources);
  return { j, feed };
}

describe('ChronySkewJudge: the decision half of the chrony source', () => {
  it('is unsynchronised before any poll, then reports the bound with growth since the poll', () => {
    const { j, feed } = judge({ growthPpm: 15 });
    expect(j.status(0)).toMatchObject({ synchronized: false, reason: 'no_poll_yet', maxErrorUs: Infinity });
    feed(synced(), 0);
    const s = j.status(0);
    expect(s.synchronized).toBe(true);
    expect(s.reason).toBe('ok');
    // The cached bound holds until the next evaluation (100 ms): growth at 15 ppm over 100 ms = 1.5 µs.
    expect(s.maxErrorUs).toBeCloseTo(BOUND_US + 1.5, 6);
    // One second later: 15 µs of growth plus the 100 ms ahead.
    expect(j.status(1 * S).maxErrorUs).toBeCloseTo(BOUND_US + 15 + 1.5, 6);
  });

  it('returns the same cached object between evaluations (no allocation on the hot path)', () => {
    const { j, feed } = judge();
    feed(synced(), 0);
    const a = j.status(1 * MS);
    expect(j.status(50 * MS)).toBe(a);
    expect(Object.isFrozen(a)).toBe(true);
    expect(j.status(150 * MS)).not.toBe(a);
  });

  it("grows at chrony's own skew + |residual frequency| when that exceeds growthPpm", () => {
    const { j, feed } = judge({ growthPpm: 15, statusRefreshMs: 1 });
    feed(synced({ skew: '1000.000' }), 0);
    // 1 000 ppm + 0.054 residual over 1 s + 1 ms.
    expect(j.status(1 * S).maxErrorUs).toBeCloseTo(BOUND_US + 1_000.054 * 1.001, 3);
  });

  it('never reads the offset while chrony is unsynchronised', () => {
    const { j, feed } = judge();
    feed(UNSYNCED, 0);
    expect(j.status(0)).toEqual({ synchronized: false, maxErrorUs: Infinity, reason: 'chrony_unsynchronized' });
    expect(j.snapshot(0).boundUs).toBeUndefined();
  });

  it('settles: needs settlePolls consecutive synchronised answers, again after an unsynchronised one or a failure', () => {
    const { j, feed } = judge({ settlePolls: 2 });
    feed(synced(), 0);
    expect(j.status(0).reason).toBe('settling');
    feed(synced(), 1 * S);
    expect(j.status(1 * S).reason).toBe('ok');
    feed(UNSYNCED, 2 * S);
    feed(synced({ refTime: `${REF_EPOCH_S + 3}.0` }), 3 * S);
    expect(j.status(3 * S).reason).toBe('settling');
    feed(synced({ refTime: `${REF_EPOCH_S + 4}.0` }), 4 * S);
    expect(j.status(4 * S).reason).toBe('ok');
    j.observeFailure('failed', 'chronyc tracking failed (exit 1)', 5 * S);
    feed(synced({ refTime: `${REF_EPOCH_S + 6}.0` }), 6 * S);
    expect(j.status(6 * S).reason).toBe('settling');
  });

  it('turns reference_stale when ref time is older than max(floor, intervals × update interval), though chrony still says Normal', () => {
    const { j, feed } = judge({ staleRefAgeMsMin: 2_000, staleRefAgeUpdateIntervals: 4, pollAgeMsMax: 60_000 });
    // Update interval 1 s → limit max(2 s, 4 s) = 4 s. chrony keeps answering with the same ref time.
    for (let t = 0; t <= 4; t++) feed(synced(), t * S);
    expect(j.status(4 * S).reason).toBe('ok');
    // Exactly at the limit the cached status expires: stale one ns after 4 s, not a refresh later.
    expect(j.status(4 * S + 2).reason).toBe('reference_stale');
    expect(j.status(4 * S + 2).maxErrorUs).toBe(Infinity);
    // A fresh update recovers.
    feed(synced({ refTime: `${REF_EPOCH_S + 5}.0` }), 5 * S);
    expect(j.status(5 * S).reason).toBe('ok');
    // A 10 s update interval stretches the limit to 40 s.
    feed(synced({ interval: '10.0' }), 20 * S);
    expect(j.status(20 * S).reason).toBe('ok');
    expect(j.status(41 * S).reason).toBe('reference_stale');
  });

  it('keeps the last good answer across failed polls until pollAgeMsMax, then names the failure', () => {
    const changes: ChronySkewStatus[] = [];
    const { j, feed } = judge({ pollAgeMsMax: 3_000, staleRefAgeMsMin: 60_000 }, changes);
    feed(synced(), 0);
    j.observeFailure('timeout', 'chronyc tracking: no answer within 500 ms (killed)', 1 * S);
    expect(j.status(1 * S).reason).toBe('ok');
    expect(j.status(3 * S).reason).toBe('ok');
    expect(j.status(3 * S + 2).reason).toBe('chronyc_timeout');
    j.observeFailure('failed', 'chronyc tracking failed (exit 1)', 4 * S);
    expect(j.status(4 * S).reason).toBe('chronyc_failed');
    expect(j.snapshot(4 * S)).toMatchObject({ pollFailures: { failed: 1, timeout: 1, unparseable: 0 }, pollsTotal: 3 });
    expect(j.snapshot(4 * S).lastFailureMessage).toMatch(/exit 1/);
    feed(synced({ refTime: `${REF_EPOCH_S + 5}.0` }), 5 * S);
    expect(j.status(5 * S).reason).toBe('ok');
    expect(changes.map((c) => c.reason)).toEqual(['ok', 'chronyc_timeout', 'chronyc_failed', 'ok']);
  });

  it('turns poll_stale when answers stop without any failure (polling stopped)', () => {
    const { j, feed } = judge({ pollAgeMsMax: 3_000, staleRefAgeMsMin: 60_000 });
    feed(synced(), 0);
    expect(j.status(3 * S + 2)).toMatchObject({ synchronized: false, reason: 'poll_stale' });
  });

  it('reports the failure itself when chronyc never answered', () => {
    const { j } = judge();
    j.observeFailure('unparseable', 'chronyc tracking: expected 14 comma-separated fields, got 1', 0);
    expect(j.status(0).reason).toBe('chronyc_unparseable');
  });

  it('is unsynchronised while a leap second is pending, or only near UTC midnight with leapWindowMs', () => {
    const always = judge();
    always.feed(synced({ leap: 'Insert second' }), 0);
    expect(always.j.status(0).reason).toBe('leap_pending');

    // REF_EPOCH_S (2023-11-14 22:13:20 UTC) is 1h46m40s before midnight.
    const windowed = judge({ leapWindowMs: 10_000, staleRefAgeMsMin: 24 * 3600_000, pollAgeMsMax: 24 * 3600_000 });
    windowed.feed(synced({ leap: 'Delete second' }), 0);
    expect(windowed.j.status(0).reason).toBe('ok');
    const toMidnightNs = (3600 + 46 * 60 + 40) * S;
    expect(windowed.j.status(toMidnightNs - 11 * S).reason).toBe('ok');
    expect(windowed.j.status(toMidnightNs - 9 * S).reason).toBe('leap_pending');
    expect(windowed.j.status(toMidnightNs + 9 * S).reason).toBe('leap_pending');
    expect(windowed.j.status(toMidnightNs + 11 * S).reason).toBe('ok');

    const ignored = judge({ leapWindowMs: 0 });
    ignored.feed(synced({ leap: 'Insert second' }), 0);
    expect(ignored.j.status(0).reason).toBe('ok');
  });

  it('trusts the local reference by default and never judges it stale; rejects it when configured', () => {
    const trusted = judge({ staleRefAgeMsMin: 1_000, pollAgeMsMax: 600_000 });
    trusted.feed(LOCAL, 500 * S);
    expect(trusted.j.status(500 * S)).toMatchObject({ synchronized: true, reason: 'ok' });
    expect(trusted.j.status(500 * S).maxErrorUs).toBeCloseTo(15 * 0.1, 6);
    const rejected = judge({ localReference: 'unsynchronized' });
    rejected.feed(LOCAL, 0);
    expect(rejected.j.status(0).reason).toBe('local_reference');
  });

  it('is unsynchronised when sources were read and none is reachable', () => {
    const { j, feed } = judge();
    const source = {
      mode: 'server',
      state: 'unreachable',
      name: '127.0.0.1',
      stratum: 8,
      pollLog2: 0,
      reachRegister: 0,
      lastSampleAgeUs: 9e6,
      adjustedOffsetUs: 0,
      measuredOffsetUs: 0,
      errorUs: 20_000,
    } as const;
    feed(synced(), 0, [source]);
    expect(j.status(0).reason).toBe('no_reachable_source');
    feed(synced(), 1 * S, [{ ...source, state: 'selected', reachRegister: 0o1 }]);
    expect(j.status(1 * S).reason).toBe('ok');
    expect(j.snapshot(1 * S).sources).toHaveLength(1);
  });

  it('reports ages and the raw bound in the snapshot', () => {
    const { j, feed } = judge({ growthPpm: 10 });
    feed(synced(), 2 * S);
    const snap = j.snapshot(3 * S);
    expect(snap.pollAgeMs).toBe(1_000);
    expect(snap.refAgeUs).toBe(3_000_000);
    expect(snap.boundUs).toBeCloseTo(BOUND_US + 10, 6);
    expect(snap.record?.systemOffsetUs).toBe(20_000);
  });

  it('throws a config error naming the field', () => {
    expect(() => new ChronySkewJudge({ growthPpm: -1 })).toThrow(/growthPpm/);
    expect(() => new ChronySkewJudge({ pollIntervalMs: 1_000, pollAgeMsMax: 500 })).toThrow(/pollAgeMsMax/);
    expect(() => new ChronySkewJudge({ settlePolls: 1.5 })).toThrow(/settlePolls/);
    expect(() => new ChronySkewJudge({ leapWindowMs: Number.NaN })).toThrow(/leapWindowMs/);
    expect(() => new ChronySkewJudge({ localReference: 'maybe' as 'trusted' })).toThrow(/localReference/);
  });
});
