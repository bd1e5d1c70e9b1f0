/** One call bounded by a {@link CallDeadlines}: `expire` runs once if the deadline passes first. */
export interface DeadlineEntry {
  deadlineMonoNs: number;
  /** Set by the owner when the call settled; the sweeper then drops the entry. */
  settled: boolean;
  expire(): void;
}

/**
 * Bounds calls with one coarse timer instead of a `setTimeout` per call: pending
 * entries sit in a Set, and a single interval (running only while calls are
 * pending) expires those past their deadline. The resolution is `sweepMs`, so a
 * call resolves at most `sweepMs` (plus event-loop delay) after its deadline.
 *
 * The owner adds entries in deadline order (one timeout for all calls), and a Set
 * iterates in insertion order, so a sweep stops at the first entry not yet due:
 * O(expired), not O(pending), even with tens of thousands of calls in flight.
 */
export class CallDeadlines {
  private readonly pending = new Set<DeadlineEntry>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly monoNs: () => number,
    private readonly sweepMs: number,
  ) {}

  /** Tracks `entry` until it settles or expires; entries must be added in deadline order. */
  add(entry: DeadlineEntry): void {
    this.pending.add(entry);
    if (this.timer === undefined) {
      this.timer = setInterval(() => this.sweep(), this.sweepMs);
      this.timer.unref();
    }
  }

  /** Stops tracking a settled entry. */
  delete(entry: DeadlineEntry): void {
    this.pending.delete(entry);
  }

  /** Calls in flight. */
  get size(): number {
    return this.pending.size;
  }

  /** Expires every entry past its deadline; stops the timer when none is left. */
  sweep(): void {
    const now = this.monoNs();
    for (const e of this.pending) {
      if (e.settled) this.pending.delete(e);
      else if (now >= e.deadlineMonoNs) {
        this.pending.delete(e);
        e.expire();
      } else break;
    }
    if (this.pending.size === 0 && this.timer !== undefined) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  /** Expires everything now (on close). */
  expireAll(): void {
    for (const e of this.pending) if (!e.settled) e.expire();
    this.pending.clear();
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }
}
