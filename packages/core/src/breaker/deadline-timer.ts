/**
 * Deadlines for in-flight sends on one coarse timer, instead of a `setTimeout`
 * per order (cockatiel's `timeout()` costs about 9 µs per call here). Entries
 * expire within one tick after their deadline; the timer runs only while
 * something is in flight and never keeps the process alive.
 */
export class DeadlineTimer {
  private readonly entries = new Map<number, { deadlineMs: number; onExpire: () => void }>();
  private nextId = 1;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    /** Tick period; expiry resolution. */
    private readonly tickMs: number,
    private readonly nowMs: () => number = () => performance.now(),
  ) {
    if (!(tickMs >= 1)) throw new RangeError(`DeadlineTimer: tickMs must be ≥ 1, got ${tickMs}`);
  }

  /** Calls `onExpire` once `afterMs` has passed unless cancelled; returns the cancel handle. */
  add(afterMs: number, onExpire: () => void): number {
    const id = this.nextId++;
    this.entries.set(id, { deadlineMs: this.nowMs() + afterMs, onExpire });
    if (this.timer === undefined) {
      this.timer = setInterval(() => this.sweep(), this.tickMs);
      this.timer.unref();
    }
    return id;
  }

  /** Cancels a pending deadline; returns false when it already expired. */
  cancel(id: number): boolean {
    const had = this.entries.delete(id);
    if (this.entries.size === 0) this.stop();
    return had;
  }

  /** In-flight entries. */
  get size(): number {
    return this.entries.size;
  }

  private sweep(): void {
    const now = this.nowMs();
    for (const [id, e] of this.entries) {
      if (e.deadlineMs <= now) {
        this.entries.delete(id);
        e.onExpire();
      }
    }
    if (this.entries.size === 0) this.stop();
  }

  private stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }
}
