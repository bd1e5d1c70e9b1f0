import type { Clock } from '../clock/clock.js';

/** Something a progress line can be written to (process.stderr by default). */
export interface ProgressWriter {
  write(chunk: string): unknown;
}

/** Options of {@link replayLoad}. Every bound has a default; bad values throw naming the field. */
export interface LoadReplayOptions {
  /**
   * The function under load, called once per scheduled request with the
   * request's index within its multiplier. Sync or async; a throw or a rejection
   * is counted as an error, never propagated.
   */
  fn: (requestIndex: number) => unknown;
  /** Base rate in requests per second (the 1x rate). */
  tps: number;
  /** Burst multipliers, run in order. Default `[1, 2, 5]`. */
  multipliers?: readonly number[];
  /** Length of each multiplier's timetable. */
  durationMs: number;
  /** Most requests in flight at once; a due request beyond it waits (and the wait counts). Default 1 024. */
  concurrencyMax?: number;
  /** Most requests one multiplier may schedule (`targetTps × durationMs`); more is a config error. Default 1 000 000. */
  requestsMax?: number;
  /**
   * How long past the end of the timetable a multiplier may run to issue and
   * drain a backlog before giving up on the rest (counted, reported). Default
   * `max(1 000, durationMs)`.
   */
  overrunMaxMs?: number;
  /** Offered rate below this fraction of the target marks the row `OFFERED_RATE_LOW`. Default 0.95. */
  offeredRatioMin?: number;
  /** A dispatch delay above this marks the row `DISPATCH_LAG`. Default 25 ms. */
  lagMaxMs?: number;
  /** Pause between multipliers so one burst's tail does not spill into the next. Default 0 ms. */
  restMs?: number;
  /** Name in the report rows. Default `fn.name` or `'fn'`. */
  name?: string;
  /** Monotonic clock for the timetable and every measurement. It must advance on its own. Default the system clock. */
  clock?: Clock;
  /**
   * Progress line: `true` writes to process.stderr, a writer writes there, `false` none.
   * Default: on only when process.stderr is a TTY.
   */
  progress?: boolean | ProgressWriter;
}

/** Options after defaults and validation. */
export interface ResolvedLoadReplayOptions {
  fn: (requestIndex: number) => unknown;
  tps: number;
  multipliers: readonly number[];
  durationMs: number;
  concurrencyMax: number;
  requestsMax: number;
  overrunMaxMs: number;
  offeredRatioMin: number;
  lagMaxMs: number;
  restMs: number;
  name: string;
  clock: Clock | undefined;
  progress: ProgressWriter | undefined;
}

function fail(field: string, rule: string, value: unknown): never {
  throw new RangeError(`replayLoad: ${field} must be ${rule}, got ${String(value)}`);
}

function positiveFinite(field: string, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) fail(field, 'a finite number > 0', value);
  return value;
}

function nonNegativeFinite(field: string, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) fail(field, 'a finite number ≥ 0', value);
  return value;
}

function positiveInt(field: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) fail(field, 'an integer ≥ 1', value);
  return value;
}

/** Applies defaults and throws a RangeError naming the field for any bad value. */
export function resolveLoadReplayOptions(options: LoadReplayOptions): ResolvedLoadReplayOptions {
  if (typeof options.fn !== 'function') {
    throw new TypeError(`replayLoad: fn must be a function, got ${typeof options.fn}`);
  }
  const tps = positiveFinite('tps', options.tps);
  const durationMs = positiveFinite('durationMs', options.durationMs);
  const multipliers = options.multipliers ?? [1, 2, 5];
  if (!Array.isArray(multipliers) || multipliers.length === 0) {
    fail('multipliers', 'a non-empty array of numbers > 0 (for example [1, 2, 5])', multipliers);
  }
  multipliers.forEach((m, i) => positiveFinite(`multipliers[${i}]`, m));
  const requestsMax = positiveInt('requestsMax', options.requestsMax ?? 1_000_000);
  for (const m of multipliers) {
    const scheduled = Math.floor((tps * m * durationMs) / 1_000);
    if (scheduled < 1) {
      throw new RangeError(`replayLoad: tps × multiplier × durationMs schedules no request at ${m}x; raise tps or durationMs`);
    }
    if (scheduled > requestsMax) {
      throw new RangeError(
        `replayLoad: tps × multiplier × durationMs schedules ${scheduled} requests at ${m}x, over requestsMax (${requestsMax}); lower tps or durationMs, or raise requestsMax`,
      );
    }
  }
  const offeredRatioMin = options.offeredRatioMin ?? 0.95;
  if (!(offeredRatioMin > 0 && offeredRatioMin <= 1)) fail('offeredRatioMin', 'in (0, 1]', offeredRatioMin);
  const progress = options.progress ?? process.stderr.isTTY === true;
  return {
    fn: options.fn,
    tps,
    multipliers: [...multipliers],
    durationMs,
    concurrencyMax: positiveInt('concurrencyMax', options.concurrencyMax ?? 1_024),
    requestsMax,
    overrunMaxMs: nonNegativeFinite('overrunMaxMs', options.overrunMaxMs ?? Math.max(1_000, durationMs)),
    offeredRatioMin,
    lagMaxMs: nonNegativeFinite('lagMaxMs', options.lagMaxMs ?? 25),
    restMs: nonNegativeFinite('restMs', options.restMs ?? 0),
    name: options.name ?? (options.fn.name !== '' ? options.fn.name : 'fn'),
    clock: options.clock,
    progress: progress === true ? process.stderr : progress === false ? undefined : progress,
  };
}
