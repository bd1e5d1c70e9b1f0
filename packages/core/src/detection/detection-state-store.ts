import type { ClientDetectionState } from './client-detection-state.js';

/**
 * Where the detector keeps per-client state. The in-memory store is the
 * embedded default; a shared store (Redis) can implement the same contract
 * because the state is plain counters (n, Σ, Σ² per horizon) that merge by
 * addition, e.g. as a write-behind cache flushing increments.
 *
 * Every store is bounded: `clientsMax`, with evictions counted.
 */
export interface DetectionStateStore {
  /** Maximum clients held. */
  readonly clientsMax: number;
  /** State of `clientId`, or undefined when none is held. Does not refresh recency. */
  peek(clientId: string): ClientDetectionState | undefined;
  /**
   * State of `clientId`, marked most recently used; created with `create` when
   * absent, evicting per the store's policy when full.
   */
  getOrCreate(
    clientId: string,
    nowMonoNs: number,
    create: (clientId: string, nowMonoNs: number) => ClientDetectionState,
  ): ClientDetectionState;
  /** Forgets a client; true when it was held. */
  delete(clientId: string): boolean;
  /** Clients held. */
  size(): number;
  /** Every state held, least recently used first. */
  values(): IterableIterator<ClientDetectionState>;
  /** Clients evicted to stay within `clientsMax`. */
  evictedTotal(): number;
}

/**
 * In-memory LRU store: a `Map` in recency order (a hit re-inserts the key, so
 * the first key is always the least recently used). Eviction drops the LRU
 * client and counts it.
 */
export class InMemoryDetectionStateStore implements DetectionStateStore {
  readonly clientsMax: number;
  private readonly states = new Map<string, ClientDetectionState>();
  private evicted = 0;

  constructor(options: { clientsMax?: number } = {}) {
    const clientsMax = options.clientsMax ?? 10_000;
    if (!Number.isInteger(clientsMax) || clientsMax < 1 || clientsMax > 10_000_000) {
      throw new RangeError(`InMemoryDetectionStateStore: clientsMax must be an integer in [1, 10000000], got ${clientsMax}`);
    }
    this.clientsMax = clientsMax;
  }

  /** @inheritdoc */
  peek(clientId: string): ClientDetectionState | undefined {
    return this.states.get(clientId);
  }

  /** @inheritdoc */
  getOrCreate(
    clientId: string,
    nowMonoNs: number,
    create: (clientId: string, nowMonoNs: number) => ClientDetectionState,
  ): ClientDetectionState {
    const existing = this.states.get(clientId);
    if (existing !== undefined) {
      this.states.delete(clientId);
      this.states.set(clientId, existing);
      return existing;
    }
    if (this.states.size >= this.clientsMax) {
      const lru = this.states.keys().next();
      if (lru.done !== true) {
        this.states.delete(lru.value);
        this.evicted++;
      }
    }
    const state = create(clientId, nowMonoNs);
    this.states.set(clientId, state);
    return state;
  }

  /** @inheritdoc */
  delete(clientId: string): boolean {
    return this.states.delete(clientId);
  }

  /** @inheritdoc */
  size(): number {
    return this.states.size;
  }

  /** @inheritdoc */
  values(): IterableIterator<ClientDetectionState> {
    return this.states.values();
  }

  /** @inheritdoc */
  evictedTotal(): number {
    return this.evicted;
  }
}
