import { monitorEventLoopDelay, PerformanceObserver, type IntervalHistogram } from 'node:perf_hooks';
import { monoNowNs } from '../clock/mono-clock.js';
import type { LatencyMonitor } from '../monitor/monitor.js';

/** Options for {@link monitorRuntimeStalls}. */
export interface RuntimeStallsOptions {
  /** Record event-loop delay. Default true. */
  eventLoop?: boolean;
  /** Record garbage-collection pauses. Default true. */
  gc?: boolean;
  /** Timer resolution of `monitorEventLoopDelay` in ms (its probe fires this often). Default 10. */
  resolutionMs?: number;
  /** How often the event-loop delay histogram is drained into the window, in ms. Default 100. */
  sampleIntervalMs?: number;
  /** Operation that receives event-loop delay. Default `runtime_event_loop_delay`. */
  eventLoopOperation?: string;
  /** Operation that receives GC pauses. Default `runtime_gc_pause`. */
  gcOperation?: string;
}

/** Handle returned by {@link monitorRuntimeStalls}. */
export interface RuntimeStalls {
  /** Stops sampling and observing. Idempotent; the windows stay readable. */
  stop(): void;
}

/** Default operation names for runtime stalls. */
export const RUNTIME_STALL_OPERATIONS = Object.freeze({
  eventLoopDelay: 'runtime_event_loop_delay',
  gcPause: 'runtime_gc_pause',
} as const);

const MS_NS = 1e6;

/**
 * Records runtime stalls into windows of their own on `monitor`, so they export
 * through the same latency exporters and a p99 spike of `sign` can be lined up
 * with a pause in the same scrape.
 *
 * **Event-loop delay** (`runtime_event_loop_delay`): perf_hooks
 * `monitorEventLoopDelay` probes the loop every `resolutionMs`; every
 * `sampleIntervalMs` the sampler records **one sample: the longest delay beyond
 * the probe's own period seen during that interval**, in ns, then resets the
 * probe. So the window's count is the number of intervals (about 50 per 5 s
 * window at the defaults) and its p99 reads "in 99 % of 100 ms intervals the
 * loop was never held up longer than this"; the max is the worst stall. Delays
 * shorter than `resolutionMs` are close to noise.
 *
 * Node's `reset()` also forgets the probe's previous timestamp, so the first
 * probe period after each reset is never recorded by Node; a stall that falls
 * there would vanish. The sampler therefore also measures the time the probe
 * did not cover (elapsed − count × mean) and, less two probe periods of slack,
 * counts it as a delay: a stall is seen whichever side of a reset it lands.
 *
 * **GC pauses** (`runtime_gc_pause`): one sample per collection the
 * `PerformanceObserver` reports ('gc' entries), its duration in ns. Entries
 * arrive in batches after the pause, never inside it.
 *
 * The sampler timer is unref'd (it never keeps the process alive). Samples are
 * timed with the process monotonic clock, not the monitor's clock, because
 * stalls are real time even when a test drives the monitor with a ManualClock.
 * Call once per monitor: two calls would record every stall twice.
 */
export function monitorRuntimeStalls(monitor: LatencyMonitor, options: RuntimeStallsOptions = {}): RuntimeStalls {
  const resolutionMs = options.resolutionMs ?? 10;
  const sampleIntervalMs = options.sampleIntervalMs ?? 100;
  if (!Number.isInteger(resolutionMs) || resolutionMs < 1 || resolutionMs > 1_000) {
    throw new RangeError(`monitorRuntimeStalls: resolutionMs must be an integer in [1, 1000], got ${resolutionMs}`);
  }
  if (!Number.isFinite(sampleIntervalMs) || sampleIntervalMs < 2 * resolutionMs || sampleIntervalMs > 60_000) {
    throw new RangeError(
      `monitorRuntimeStalls: sampleIntervalMs must be between 2 × resolutionMs (${2 * resolutionMs}) and 60000, got ${sampleIntervalMs}`,
    );
  }
  const stops: (() => void)[] = [];
  if (options.eventLoop ?? true) {
    stops.push(sampleEventLoopDelay(monitor, options.eventLoopOperation ?? RUNTIME_STALL_OPERATIONS.eventLoopDelay, resolutionMs, sampleIntervalMs));
  }
  if (options.gc ?? true) {
    stops.push(observeGcPauses(monitor, options.gcOperation ?? RUNTIME_STALL_OPERATIONS.gcPause));
  }
  let stopped = false;
  return {
    stop() {
      if (stopped) return;
      stopped = true;
      for (const s of stops) s();
    },
  };
}

function sampleEventLoopDelay(monitor: LatencyMonitor, name: string, resolutionMs: number, sampleIntervalMs: number): () => void {
  const op = monitor.operation(name);
  const resolutionNs = resolutionMs * MS_NS;
  const probe: IntervalHistogram = monitorEventLoopDelay({ resolution: resolutionMs });
  probe.enable();
  let lastNs = monoNowNs();
  const timer = setInterval(() => {
    const nowNs = monoNowNs();
    const elapsedNs = nowNs - lastNs;
    lastNs = nowNs;
    const count = probe.count;
    // Each recorded value is a whole probe period (resolution + delay).
    const maxDelayNs = count > 0 ? probe.max - resolutionNs : 0;
    const uncoveredNs = elapsedNs - (count > 0 ? count * probe.mean : 0);
    const hiddenDelayNs = uncoveredNs - 2 * resolutionNs;
    const delayNs = Math.round(Math.max(0, maxDelayNs, hiddenDelayNs));
    probe.reset();
    op.recordNs(delayNs); // read each time: recordNs is rebuilt when sinks change
  }, sampleIntervalMs);
  timer.unref();
  return () => {
    clearInterval(timer);
    probe.disable();
  };
}

function observeGcPauses(monitor: LatencyMonitor, name: string): () => void {
  const op = monitor.operation(name);
  const observer = new PerformanceObserver((list) => {
    const entries = list.getEntries(); // the one array the observer API forces per batch
    for (let i = 0; i < entries.length; i++) op.recordNs(Math.round(entries[i]!.duration * MS_NS));
  });
  observer.observe({ entryTypes: ['gc'] });
  return () => observer.disconnect();
}
