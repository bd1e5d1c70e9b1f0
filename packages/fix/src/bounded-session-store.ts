import type { IFixMsgStoreRecord, IFixSessionStore, IFixSessionStoreFactory, SessionId } from 'jspurefix';

/**
 * A jspurefix session store that keeps only the last `messagesMax` sent
 * messages in a ring (jspurefix's memory store keeps every message until a
 * reset logon, so a long session grows per order). Sequence numbers behave as
 * in the memory store. A resend request older than the ring is answered by
 * jspurefix with a gap fill, as for any message missing from a store.
 * `messagesMax: 0` keeps nothing.
 */
export class BoundedSessionStore implements IFixSessionStore {
  /** Sequence number the next outbound message will carry. */
  senderSeqNum = 1;
  /** Sequence number expected next from the peer. */
  targetSeqNum = 1;
  /** Records pushed out of the ring. */
  evictedTotal = 0;
  private created = new Date();
  private readonly ring: (IFixMsgStoreRecord | undefined)[];
  private next = 0;

  constructor(
    /** The session this store serves. */
    readonly sessionId: SessionId,
    /** Ring capacity in messages. */
    readonly messagesMax: number,
  ) {
    if (!Number.isInteger(messagesMax) || messagesMax < 0 || messagesMax > 1_000_000) {
      throw new RangeError(`BoundedSessionStore: messagesMax must be an integer in [0, 1000000], got ${messagesMax}`);
    }
    this.ring = new Array<IFixMsgStoreRecord | undefined>(messagesMax);
  }

  /** Creation time of the session (reset by {@link reset}). */
  get creationTime(): Date {
    return this.created;
  }

  /** Keeps the record (no copy: jspurefix never mutates a stored record). */
  async put(record: IFixMsgStoreRecord): Promise<void> {
    if (this.messagesMax === 0) return;
    if (this.ring[this.next] !== undefined) this.evictedTotal++;
    this.ring[this.next] = record;
    this.next = (this.next + 1) % this.messagesMax;
  }

  /** The record with `seqNum`, if still in the ring. */
  async get(seqNum: number): Promise<IFixMsgStoreRecord | null> {
    for (const r of this.ring) if (r !== undefined && r.seqNum === seqNum) return r.clone();
    return null;
  }

  /** Records with sequence numbers in [from, to], ascending. */
  async getRange(fromSeqNum: number, toSeqNum: number): Promise<IFixMsgStoreRecord[]> {
    const out: IFixMsgStoreRecord[] = [];
    for (const r of this.ring) if (r !== undefined && r.seqNum >= fromSeqNum && r.seqNum <= toSeqNum) out.push(r.clone());
    return out.sort((a, b) => a.seqNum - b.seqNum);
  }

  /** Sets the next outbound sequence number. */
  async setSenderSeqNum(value: number): Promise<void> {
    this.senderSeqNum = value;
  }

  /** Sets the next expected inbound sequence number. */
  async setTargetSeqNum(value: number): Promise<void> {
    this.targetSeqNum = value;
  }

  /** Increments and returns the sender sequence number. */
  async nextSenderSeqNum(): Promise<number> {
    return ++this.senderSeqNum;
  }

  /** Increments and returns the target sequence number. */
  async nextTargetSeqNum(): Promise<number> {
    return ++this.targetSeqNum;
  }

  /** Clears messages and sequence numbers. */
  async reset(): Promise<void> {
    this.senderSeqNum = 1;
    this.targetSeqNum = 1;
    this.created = new Date();
    this.ring.fill(undefined);
    this.next = 0;
  }

  /** Nothing to load. */
  async initialize(): Promise<void> {}

  /** Nothing to flush. */
  async flush(): Promise<void> {}

  /** Drops the kept messages. */
  async dispose(): Promise<void> {
    this.ring.fill(undefined);
  }
}

/** Factory of {@link BoundedSessionStore}s, for `IJsFixConfig.sessionStoreFactory`. */
export class BoundedSessionStoreFactory implements IFixSessionStoreFactory {
  /** Stores created so far (the latest per session is the live one). */
  readonly created: BoundedSessionStore[] = [];

  constructor(
    /** Ring capacity of each store. Default 1 024 messages. */
    readonly messagesMax = 1_024,
    /** Stores remembered in {@link created}, oldest dropped. Default 64. */
    readonly rememberedMax = 64,
  ) {}

  /** Creates a store for `sessionId`. */
  create(sessionId: SessionId): IFixSessionStore {
    const store = new BoundedSessionStore(sessionId, this.messagesMax);
    this.created.push(store);
    if (this.created.length > this.rememberedMax) this.created.shift();
    return store;
  }
}
