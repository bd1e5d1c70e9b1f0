import { describe, expect, it, vi } from 'vitest';
import { formatLoadReport, monoNowNs, replayLoad, type LoadReportRow } from '@tailguard/core';

function busyWaitMs(ms: number): void {
  const endNs = monoNowNs() + ms * 1e6;
  while (monoNowNs() < endNs) {
    // spin: a synchronous stall, as a long GC pause or a blocking call would be
  }
}

describe('replayLoad', () => {
  it('shows a 100 ms stall in the corrected p99 where the closed-loop service time does not', async () => {
    let calls = 0;
    const rows = await replayLoad({
      name: 'stall_once',
      fn: () => {
        calls++;
        if (calls === 300) busyWaitMs(100); // once, about 300 ms into the run at 1 000 TPS
      },
      tps: 1_000,
      multipliers: [1],
      durationMs: 1_000,
      progress: false,
    });
    expect(rows).toHaveLength(1);
    const row = rows[0]!;
    expect(row.scheduled).toBe(1_000);
    expect(row.count).toBe(1_000);
    expect(row.errors).toBe(0);
    // ~100 requests were due during the stall and waited up to 100 ms: ≥ 10 % of the run.
    expect(row.p99Ns).toBeGreaterThanOrEqual(30e6);
    expect(row.maxNs).toBeGreaterThanOrEqual(100e6);
    // The same run timed from the actual start (closed loop) hides it: only one call was slow.
    expect(row.serviceP99Ns).toBeLessThan(5e6);
    // A synchronous stall holds the dispatcher too, and the report says so.
    expect(row.dispatchLagMaxNs).toBeGreaterThanOrEqual(90e6);
    expect(row.shortfalls).toContain('DISPATCH_LAG');
    expect(row.rateOffered).toBe(false);
    const table = formatLoadReport(rows);
    expect(table).toMatch(/^name\s+mult\s+target\/s\s+achieved\/s/);
    expect(table).toContain('NO: DISPATCH_LAG');
    expect(table).toContain('DISPATCH_LAG: the dispatcher started requests late');
  });

  it('runs every multiplier of an async fn and reports target and achieved rates', async () => {
    const rows = await replayLoad({
      name: 'async_op',
      fn: async () => {
        await new Promise<void>((r) => setImmediate(r));
      },
      tps: 200,
      multipliers: [1, 2],
      durationMs: 300,
      progress: false,
    });
    expect(rows.map((r) => [r.multiplier, r.targetTps, r.scheduled, r.count])).toEqual([
      [1, 200, 60, 60],
      [2, 400, 120, 120],
    ]);
    for (const r of rows) {
      expect(r.achievedTps).toBeGreaterThan(0);
      expect(r.achievedTps).toBeLessThanOrEqual(r.targetTps * 1.01);
      expect(r.p50Ns).toBeGreaterThan(0);
      expect(r.p50Ns).toBeLessThanOrEqual(r.p99Ns);
      expect(r.p99Ns).toBeLessThanOrEqual(r.maxNs);
      expect(r.notIssued).toBe(0);
      expect(r.unfinished).toBe(0);
    }
  });

  it('counts throws and rejections as errors without throwing', async () => {
    let i = 0;
    const rows = await replayLoad({
      fn: (n: number) => {
        i++;
        if (n % 4 === 0) throw new Error('sync failure');
        if (n % 4 === 1) return Promise.reject(new Error('async failure'));
        return n % 4 === 2 ? Promise.resolve('ok') : 'ok';
      },
      tps: 400,
      multipliers: [1],
      durationMs: 100,
      progress: false,
    });
    expect(i).toBe(40);
    expect(rows[0]!.count).toBe(40);
    expect(rows[0]!.errors).toBe(20);
  });

  it('never has more than concurrencyMax requests in flight, and the wait is counted', async () => {
    let inFlight = 0;
    let inFlightSeen = 0;
    const rows = await replayLoad({
      fn: async () => {
        inFlight++;
        inFlightSeen = Math.max(inFlightSeen, inFlight);
        await new Promise((r) => setTimeout(r, 20));
        inFlight--;
      },
      tps: 500, // 20 ms each at 500/s wants ~10 in flight
      multipliers: [1],
      durationMs: 200,
      concurrencyMax: 3,
      progress: false,
    });
    const row = rows[0]!;
    expect(inFlightSeen).toBe(3);
    expect(row.inFlightMax).toBe(3);
    expect(row.count).toBe(100);
    expect(row.concurrencyWaits).toBeGreaterThan(0);
    // Queued behind the bound: corrected latency far exceeds the 20 ms service time.
    expect(row.p99Ns).toBeGreaterThan(3 * row.serviceP99Ns);
    // Waiting for the bound is the system's queue, not the dispatcher falling behind.
    expect(row.shortfalls).not.toContain('DISPATCH_LAG');
  });

  it('stops at the overrun deadline and reports what was not issued or finished', async () => {
    const rows = await replayLoad({
      fn: () => new Promise<void>(() => {}), // never settles
      tps: 100,
      multipliers: [1],
      durationMs: 100,
      concurrencyMax: 2,
      overrunMaxMs: 50,
      progress: false,
    });
    const row = rows[0]!;
    expect(row.count).toBe(0);
    expect(row.unfinished).toBe(2);
    expect(row.notIssued).toBe(8);
    expect(row.shortfalls).toEqual(expect.arrayContaining(['NOT_ALL_ISSUED', 'UNFINISHED', 'OFFERED_RATE_LOW']));
  });

  it('writes a progress line to a writer when asked, and nothing when not', async () => {
    const chunks: string[] = [];
    await replayLoad({ fn: () => 1, tps: 100, multipliers: [1], durationMs: 600, progress: { write: (c: string) => chunks.push(c) } });
    expect(chunks.some((c) => /fn 1x: .*issued \d+\/60/.test(c))).toBe(true);
    expect(chunks.at(-1)).toBe('\r\x1b[2K');

    // progress: false writes nothing; the default (no option) writes nothing when stderr is not a TTY.
    const spy = vi.spyOn(process.stderr, 'write');
    try {
      await replayLoad({ name: 'quiet', fn: () => 1, tps: 100, multipliers: [1], durationMs: 600, progress: false });
      if (process.stderr.isTTY !== true) {
        await replayLoad({ name: 'quiet', fn: () => 1, tps: 100, multipliers: [1], durationMs: 600 });
      }
      expect(spy.mock.calls.some(([c]) => String(c).includes('quiet 1x'))).toBe(false);
    } finally {
      spy.mockRestore();
    }
  });

  it.each([
    [{ tps: 0 }, /tps must be a finite number > 0/],
    [{ tps: -5 }, /tps must be/],
    [{ tps: Number.NaN }, /tps must be/],
    [{ durationMs: Number.POSITIVE_INFINITY }, /durationMs must be/],
    [{ multipliers: [] }, /multipliers must be a non-empty array/],
    [{ multipliers: [1, Number.NaN] }, /multipliers\[1\] must be/],
    [{ concurrencyMax: 0 }, /concurrencyMax must be an integer ≥ 1/],
    [{ tps: 1e6, durationMs: 10_000 }, /over requestsMax/],
  ])('rejects bad configuration %j naming the field', async (bad, message) => {
    await expect(replayLoad({ fn: () => 1, tps: 100, durationMs: 100, progress: false, ...bad })).rejects.toThrow(message);
  });

  it('formats a row that met its rate as offered', () => {
    const row: LoadReportRow = {
      name: 'hmac', multiplier: 2, targetTps: 2_000, offeredTps: 2_000, achievedTps: 1_999, scheduled: 2_000,
      count: 2_000, errors: 0, notIssued: 0, unfinished: 0, p50Ns: 5_100, p90Ns: 9_000, p99Ns: 1_250_000,
      p999Ns: 999_960, maxNs: 2.5e9, serviceP50Ns: 3_000, serviceP99Ns: 800, dispatchLagMaxNs: 0,
      concurrencyWaits: 0, inFlightMax: 1, rateOffered: true, shortfalls: [],
    };
    const lines = formatLoadReport([row]).split('\n');
    expect(lines[2]).toMatch(/^hmac\s+2x\s+2000\s+1999\s+2000\s+0\s+5\.10us\s+9\.00us\s+1\.25ms\s+1000us\s+2\.50s\s+800ns\s+yes$/);
  });
});
