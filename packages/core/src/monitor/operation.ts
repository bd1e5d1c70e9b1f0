import { SlidingWindow, type SlidingWindowOptions } from '../window/sliding-window.js';

/** A per-sample listener attached by an exporter (for example an OpenTelemetry histogram). */
export type LatencySink = (latencyNs: number) => void;

/**
 * One named operation (`sign`, `order_send`, ...): its sliding window and the
 * sinks that also receive each sample. `recordNs` is rebuilt when sinks change,
 * so with no sink the hot call is the window's own record and nothing else.
 */
export class Operation {
  /** The operation's sliding window. */
  readonly window: SlidingWindow;
  /** Records one duration in ns into the window and every attached sink. Never throws. */
  recordNs: (latencyNs: number) => void;
  private readonly sinks: LatencySink[] = [];

  constructor(
    /** Bounded operation name, used as the `operation` label. */
    readonly name: string,
    windowOptions: SlidingWindowOptions,
  ) {
    this.window = new SlidingWindow(windowOptions);
    this.recordNs = this.window.recordNs.bind(this.window);
  }

  /** Adds a sink; returns a function that removes it. */
  addSink(sink: LatencySink): () => void {
    this.sinks.push(sink);
    this.rebuild();
    return () => {
      const i = this.sinks.indexOf(sink);
      if (i >= 0) this.sinks.splice(i, 1);
      this.rebuild();
    };
  }

  private rebuild(): void {
    const window = this.window;
    const sinks = this.sinks.slice();
    if (sinks.length === 0) {
      this.recordNs = window.recordNs.bind(window);
    } else if (sinks.length === 1) {
      const only = sinks[0]!;
      this.recordNs = (latencyNs) => {
        window.recordNs(latencyNs);
        if (latencyNs >= 0 && latencyNs !== Infinity) only(latencyNs);
      };
    } else {
      this.recordNs = (latencyNs) => {
        window.recordNs(latencyNs);
        if (latencyNs >= 0 && latencyNs !== Infinity) for (let i = 0; i < sinks.length; i++) sinks[i]!(latencyNs);
      };
    }
  }
}
