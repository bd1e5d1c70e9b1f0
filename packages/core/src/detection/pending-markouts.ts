/**
 * A bounded FIFO of markouts waiting for their horizon, one per horizon.
 * Parallel preallocated arrays in a ring: enqueuing copies numbers and string
 * references, never allocates. Entries are due in arrival order when fills
 * arrive in execution order (the horizon is the same for all); a fill that
 * arrives late waits behind earlier ones and is resolved at the first mid at
 * or after the head's due time, so disorder of a few ms only delays it.
 */
export class PendingMarkoutQueue {
  /** Horizon of this queue, ns. */
  readonly horizonNs: number;
  /** Capacity: enqueue beyond it is refused (the caller counts the overflow). */
  readonly capacity: number;
  private readonly dueMonoNs: Float64Array;
  private readonly execMonoNs: Float64Array;
  private readonly midAtExecPx: Float64Array;
  /** +1 for a client buy, −1 for a sell. */
  private readonly sign: Int8Array;
  private readonly clientIds: (string | undefined)[];
  private readonly instruments: (string | undefined)[];
  private head = 0;
  private length = 0;

  constructor(horizonNs: number, capacity: number) {
    this.horizonNs = horizonNs;
    this.capacity = capacity;
    this.dueMonoNs = new Float64Array(capacity);
    this.execMonoNs = new Float64Array(capacity);
    this.midAtExecPx = new Float64Array(capacity);
    this.sign = new Int8Array(capacity);
    this.clientIds = new Array<string | undefined>(capacity).fill(undefined);
    this.instruments = new Array<string | undefined>(capacity).fill(undefined);
  }

  /** Entries waiting. */
  size(): number {
    return this.length;
  }

  /** Adds a markout; false when the queue is full. */
  enqueue(clientId: string, instrument: string, sign: 1 | -1, midAtExecPx: number, execMonoNs: number): boolean {
    if (this.length === this.capacity) return false;
    const i = (this.head + this.length) % this.capacity;
    this.dueMonoNs[i] = execMonoNs + this.horizonNs;
    this.execMonoNs[i] = execMonoNs;
    this.midAtExecPx[i] = midAtExecPx;
    this.sign[i] = sign;
    this.clientIds[i] = clientId;
    this.instruments[i] = instrument;
    this.length++;
    return true;
  }

  /**
   * Removes every head entry due at or before `limitMonoNs` (strictly before
   * when `inclusive` is false), calling `resolve` for each. Stops at the first
   * entry not yet due.
   */
  drainDue(
    limitMonoNs: number,
    inclusive: boolean,
    resolve: (clientId: string, instrument: string, sign: number, midAtExecPx: number, execMonoNs: number) => void,
  ): void {
    while (this.length > 0) {
      const i = this.head;
      const due = this.dueMonoNs[i]!;
      if (inclusive ? due > limitMonoNs : due >= limitMonoNs) return;
      const clientId = this.clientIds[i]!;
      const instrument = this.instruments[i]!;
      // Drop references so evicted clients' IDs can be collected.
      this.clientIds[i] = undefined;
      this.instruments[i] = undefined;
      this.head = (i + 1) % this.capacity;
      this.length--;
      resolve(clientId, instrument, this.sign[i]!, this.midAtExecPx[i]!, this.execMonoNs[i]!);
    }
  }
}
