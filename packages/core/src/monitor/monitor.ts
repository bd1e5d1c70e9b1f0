import type { Clock } from '../clock/clock.js';
import { systemClock } from '../clock/system-clock.js';
import type { SlidingWindowOptions } from '../window/sliding-window.js';
import { Operation, type LatencySink } from './operation.js';

/** Options for {@link LatencyMonitor}. */
export interface LatencyMonitorOptions {
  /** Clock for all windows. Default the system clock. */
  clock?: Clock;
  /** Window settings shared by every operation (the clock option is taken from above). */
  window?: Omit<SlidingWindowOptions, 'clock'>;
  /** Maximum number of distinct operations; asking for more is a configuration error. Default 64. */
  operationsMax?: number;
  /** Start the coarse rotation timer. Default true; tests with a ManualClock pass false and call tick(). */
  autoTick?: boolean;
}

const OPERATION_NAME = /^[a-zA-Z_][a-zA-Z0-9_.:-]{0,63}$/;

/**
 * The set of operations an engine measures. One unref'd timer rotates every
 * window once per slice (a coarse tick, never a timer per call). Exporters read
 * from here at scrape time; the hot path only writes into preallocated windows.
 */
export class LatencyMonitor {
  /** Clock used by every window of this monitor. */
  readonly clock: Clock;
  /** Maximum number of operations. */
  readonly operationsMax: number;
  private readonly operationsByName = new Map<string, Operation>();
  private readonly windowOptions: SlidingWindowOptions;
  private readonly listeners: ((op: Operation) => void)[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(options: LatencyMonitorOptions = {}) {
    this.clock = options.clock ?? systemClock();
    this.operationsMax = options.operationsMax ?? 64;
    if (!Number.isInteger(this.operationsMax) || this.operationsMax < 1 || this.operationsMax > 10_000) {
      throw new RangeError(`LatencyMonitor: operationsMax must be an integer in [1, 10000], got ${this.operationsMax}`);
    }
    this.windowOptions = { ...options.window, clock: this.clock };
    if (options.autoTick ?? true) {
      const probe = new Operation('probe', this.windowOptions); // validates the window options once
      const sliceMs = probe.window.sliceNs / 1e6;
      this.timer = setInterval(() => this.tick(), Math.max(10, Math.floor(sliceMs / 2)));
      this.timer.unref();
    }
  }

  /**
   * Returns the operation named `name`, creating it on first use. Names are
   * label values: letters, digits, `_ . : -`, at most 64 characters. Throws
   * when the name is invalid or `operationsMax` would be exceeded.
   */
  operation(name: string): Operation {
    const existing = this.operationsByName.get(name);
    if (existing !== undefined) return existing;
    if (!OPERATION_NAME.test(name)) {
      throw new TypeError(`LatencyMonitor: operation name ${JSON.stringify(name)} must match ${OPERATION_NAME}`);
    }
    if (this.operationsByName.size >= this.operationsMax) {
      throw new RangeError(
        `LatencyMonitor: more than operationsMax (${this.operationsMax}) operations; raise operationsMax or reuse names (operation names must be bounded, never per-client or per-order)`,
      );
    }
    const op = new Operation(name, this.windowOptions);
    this.operationsByName.set(name, op);
    for (const l of this.listeners) l(op);
    return op;
  }

  /** All operations created so far, in creation order. */
  operations(): IterableIterator<Operation> {
    return this.operationsByName.values();
  }

  /**
   * Calls `listener` for every existing and every future operation (exporters
   * use this to attach sinks). Returns a function that stops future calls.
   */
  onOperation(listener: (op: Operation) => void): () => void {
    for (const op of this.operationsByName.values()) listener(op);
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  /** Attaches `sink` to every existing and future operation. */
  addSink(makeSink: (op: Operation) => LatencySink): () => void {
    const removers: (() => void)[] = [];
    const stop = this.onOperation((op) => removers.push(op.addSink(makeSink(op))));
    return () => {
      stop();
      for (const r of removers) r();
    };
  }

  /** Rotates every window whose slice is due. */
  tick(nowNs: number = this.clock.monoNs()): void {
    for (const op of this.operationsByName.values()) op.window.tick(nowNs);
  }

  /** Stops the rotation timer. Windows stay readable. */
  close(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }
}
