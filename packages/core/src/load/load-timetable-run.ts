import hdr from 'hdr-histogram-js';
import type { Clock } from '../clock/clock.js';
import type { LoadReportRow, LoadShortfall } from './load-report.js';
import type { ProgressWriter } from './load-replay-options.js';
import { startProgressLine } from './progress-line.js';

type Int32Hdr = InstanceType<typeof hdr.Int32Histogram>;

/** Values above this (60 s) are clamped, as in the sliding window. */
const HIGHEST_TRACKABLE_NS = 60e9;
/** Requests one dispatcher turn may issue before yielding, so timers and I/O (a /metrics scrape) still run. */
const TURN_REQUESTS_MAX = 1_024;
/** Farther than this from the next due time, sleep on a timer instead of spinning on setImmediate. */
const TIMER_GAP_MIN_NS = 2e6;

/** One multiplier's timetable: everything {@link runTimetable} needs. */
export interface TimetablePlan {
  fn: (requestIndex: number) => unknown;
  name: string;
  multiplier: number;
  targetTps: number;
  durationMs: number;
  concurrencyMax: number;
  overrunMaxMs: number;
  offeredRatioMin: number;
  lagMaxMs: number;
  clock: Clock;
  progress: ProgressWriter | undefined;
}

function record(h: Int32Hdr, ns: number): void {
  h.recordValue(ns <= 0 ? 0 : ns >= HIGHEST_TRACKABLE_NS ? HIGHEST_TRACKABLE_NS : Math.round(ns));
}

function isThenable(x: unknown): x is PromiseLike<unknown> {
  return (
    x !== null &&
    (typeof x === 'object' || typeof x === 'function') &&
    typeof (x as { then?: unknown }).then === 'function'
  );
}

/**
 * Runs one open-loop timetable: request `i` is due at `start + i / targetTps`,
 * whatever happened to earlier requests. A dispatch loop issues every due
 * request (while a concurrency slot is free), then yields: to setImmediate when
 * the next request is near, to one short timer when it is far (never a timer
 * per request). Corrected latency runs from the due time to completion, so time
 * spent queued behind a stall or a full concurrency bound is counted (as wrk2
 * does); service time runs from the actual start (the closed-loop view).
 */
export function runTimetable(plan: TimetablePlan): Promise<LoadReportRow> {
  const { fn, clock, concurrencyMax } = plan;
  const corrected = new hdr.Int32Histogram(1, HIGHEST_TRACKABLE_NS, 3);
  const service = new hdr.Int32Histogram(1, HIGHEST_TRACKABLE_NS, 3);
  const intervalNs = 1e9 / plan.targetTps;
  const durationNs = plan.durationMs * 1e6;
  const scheduled = Math.floor((plan.targetTps * plan.durationMs) / 1_000);

  return new Promise((resolve) => {
    const startNs = clock.monoNs();
    const deadlineNs = startNs + durationNs + plan.overrunMaxMs * 1e6;
    let next = 0;
    let inFlight = 0;
    let inFlightMax = 0;
    let completed = 0;
    let errors = 0;
    let concurrencyWaits = 0;
    let dispatchLagMaxNs = 0;
    // Completion time of the request that freed a slot while the dispatcher was blocked:
    // a request due before it was waiting for the bound, not for the dispatcher.
    let readyFloorNs = -Infinity;
    let blockedOnSlots = false;
    let lastIssueNs = startNs;
    let lastCompletionNs = startNs;
    let finished = false;
    let wakeTimer: NodeJS.Timeout | undefined;
    let wakeImmediate: NodeJS.Immediate | undefined;

    const stopProgress = startProgressLine(plan.progress, () => {
      const elapsedS = (clock.monoNs() - startNs) / 1e9;
      return `${plan.name} ${plan.multiplier}x: ${elapsedS.toFixed(1)}s issued ${next}/${scheduled} done ${completed} errors ${errors} in flight ${inFlight}`;
    });

    const complete = (intendedNs: number, actualNs: number, failed: boolean): number => {
      const endNs = clock.monoNs();
      record(corrected, endNs - intendedNs);
      record(service, endNs - actualNs);
      completed++;
      if (failed) errors++;
      lastCompletionNs = endNs;
      return endNs;
    };

    const asyncDone = (intendedNs: number, actualNs: number, failed: boolean): void => {
      if (finished) return; // a straggler after the overrun deadline: already counted as unfinished
      const endNs = complete(intendedNs, actualNs, failed);
      inFlight--;
      if (blockedOnSlots) {
        blockedOnSlots = false;
        readyFloorNs = endNs;
        dispatch();
      } else if (next === scheduled && inFlight === 0) {
        finish();
      }
    };

    const issue = (i: number, intendedNs: number, actualNs: number): void => {
      let result: unknown;
      try {
        result = fn(i);
      } catch {
        complete(intendedNs, actualNs, true);
        if (inFlightMax === 0) inFlightMax = 1;
        return;
      }
      if (isThenable(result)) {
        inFlight++;
        if (inFlight > inFlightMax) inFlightMax = inFlight;
        result.then(
          () => asyncDone(intendedNs, actualNs, false),
          () => asyncDone(intendedNs, actualNs, true),
        );
      } else {
        complete(intendedNs, actualNs, false);
        if (inFlightMax === 0) inFlightMax = 1;
      }
    };

    const dispatch = (): void => {
      wakeTimer = undefined;
      wakeImmediate = undefined;
      if (finished) return;
      let nowNs = clock.monoNs();
      if (nowNs >= deadlineNs) return finish();
      let issuedThisTurn = 0;
      while (next < scheduled && issuedThisTurn < TURN_REQUESTS_MAX) {
        if (inFlight >= concurrencyMax) {
          blockedOnSlots = true;
          break;
        }
        const intendedNs = startNs + next * intervalNs;
        if (intendedNs > nowNs) break;
        let readyNs = intendedNs;
        if (readyFloorNs >= intendedNs) {
          readyNs = readyFloorNs;
          concurrencyWaits++;
        }
        if (nowNs - readyNs > dispatchLagMaxNs) dispatchLagMaxNs = nowNs - readyNs;
        lastIssueNs = nowNs;
        issue(next++, intendedNs, nowNs);
        issuedThisTurn++;
        nowNs = clock.monoNs();
        if (nowNs >= deadlineNs) return finish(); // a synchronous fn ran past the deadline timer
      }
      if (next === scheduled && inFlight === 0) return finish();
      if (blockedOnSlots || next === scheduled) return; // a completion wakes us; the deadline bounds the wait
      const gapNs = startNs + next * intervalNs - nowNs;
      if (gapNs > TIMER_GAP_MIN_NS) wakeTimer = setTimeout(dispatch, Math.floor(gapNs / 1e6) - 1);
      else wakeImmediate = setImmediate(dispatch);
    };

    const deadlineTimer = setTimeout(() => finish(), Math.ceil((deadlineNs - startNs) / 1e6) + 1);

    function finish(): void {
      if (finished) return;
      finished = true;
      clearTimeout(deadlineTimer);
      if (wakeTimer !== undefined) clearTimeout(wakeTimer);
      if (wakeImmediate !== undefined) clearImmediate(wakeImmediate);
      stopProgress();
      const offeredSpanNs = Math.max(durationNs, lastIssueNs - startNs + intervalNs);
      const offeredTps = next / (offeredSpanNs / 1e9);
      const achievedTps = completed / (Math.max(durationNs, lastCompletionNs - startNs) / 1e9);
      const notIssued = scheduled - next;
      const shortfalls: LoadShortfall[] = [];
      if (offeredTps < plan.offeredRatioMin * plan.targetTps) shortfalls.push('OFFERED_RATE_LOW');
      if (dispatchLagMaxNs > plan.lagMaxMs * 1e6) shortfalls.push('DISPATCH_LAG');
      if (notIssued > 0) shortfalls.push('NOT_ALL_ISSUED');
      if (inFlight > 0) shortfalls.push('UNFINISHED');
      const empty = completed === 0;
      // HDR reports a bucket's highest equivalent value; never let a percentile exceed the exact max.
      const q = (h: Int32Hdr, percentile: number): number => (empty ? 0 : Math.min(h.getValueAtPercentile(percentile), h.maxValue));
      resolve({
        name: plan.name,
        multiplier: plan.multiplier,
        targetTps: plan.targetTps,
        offeredTps,
        achievedTps,
        scheduled,
        count: completed,
        errors,
        notIssued,
        unfinished: inFlight,
        p50Ns: q(corrected, 50),
        p90Ns: q(corrected, 90),
        p99Ns: q(corrected, 99),
        p999Ns: q(corrected, 99.9),
        maxNs: empty ? 0 : corrected.maxValue,
        serviceP50Ns: q(service, 50),
        serviceP99Ns: q(service, 99),
        dispatchLagMaxNs,
        concurrencyWaits,
        inFlightMax,
        rateOffered: shortfalls.length === 0,
        shortfalls,
      });
    }

    dispatch();
  });
}
