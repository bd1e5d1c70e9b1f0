import type { LatencyMonitor } from '../monitor/monitor.js';
import type { Operation } from '../monitor/operation.js';

/**
 * Manual timing for code that cannot be wrapped by `instrument()` (a callback
 * API, a span of work across several functions). No span, no allocation:
 * `const t0Ns = timer.startNs(); ...; timer.stopNs(t0Ns);`
 */
export interface CallTimer {
  /** The operation samples are recorded into. */
  readonly operation: Operation;
  /** Reads the monitor's monotonic clock; pass the result to {@link CallTimer.stopNs}. */
  startNs(): number;
  /** Records `now − t0Ns` into the operation and returns it in ns. */
  stopNs(t0Ns: number): number;
}

/**
 * Binds a {@link CallTimer} to `monitor.operation(name)` once (an invalid name or
 * one beyond `operationsMax` throws here, not per call).
 */
export function createCallTimer(monitor: LatencyMonitor, name: string): CallTimer {
  const operation = monitor.operation(name);
  const clock = monitor.clock;
  return {
    operation,
    startNs: () => clock.monoNs(),
    stopNs: (t0Ns) => {
      const latencyNs = clock.monoNs() - t0Ns;
      operation.recordNs(latencyNs);
      return latencyNs;
    },
  };
}
