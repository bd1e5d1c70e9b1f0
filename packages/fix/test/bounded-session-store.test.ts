import { describe, expect, it } from 'vitest';
// @tailguard/fix first: it loads reflect-metadata, which jspurefix needs before it loads.
import { BoundedSessionStore, BoundedSessionStoreFactory } from '@tailguard/fix';
import jspurefix, { type FixMsgStoreRecord as StoreRecord } from 'jspurefix';

const { FixMsgStoreRecord, SessionId } = jspurefix;

const id = new SessionId('FIX.4.4', 'ENGINE', 'VENUE');
const record = (seqNum: number): StoreRecord => new FixMsgStoreRecord('D', new Date(0), seqNum, undefined, `35=D|34=${seqNum}|`);

describe('BoundedSessionStore', () => {
  it('keeps the last messagesMax records, counts each one pushed out, and hands out copies', async () => {
    const store = new BoundedSessionStore(id, 4);
    for (let seq = 1; seq <= 10; seq++) await store.put(record(seq));
    expect(store.evictedTotal).toBe(6);
    expect(await store.get(6)).toBeNull(); // pushed out
    const kept = await store.get(8);
    expect(kept?.seqNum).toBe(8);
    expect(kept?.encoded).toBe('35=D|34=8|');
    expect(kept).not.toBe(await store.get(8)); // a copy each time
    expect((await store.getRange(1, 100)).map((r) => r.seqNum)).toEqual([7, 8, 9, 10]);
    expect((await store.getRange(8, 9)).map((r) => r.seqNum)).toEqual([8, 9]);
  });

  it('keeps nothing with messagesMax 0 and counts nothing as pushed out', async () => {
    const store = new BoundedSessionStore(id, 0);
    for (let seq = 1; seq <= 3; seq++) await store.put(record(seq));
    expect(store.evictedTotal).toBe(0);
    expect(await store.getRange(1, 3)).toEqual([]);
  });

  it('tracks sequence numbers as jspurefix expects and clears on reset', async () => {
    const store = new BoundedSessionStore(id, 8);
    await store.setSenderSeqNum(5);
    expect(await store.nextSenderSeqNum()).toBe(6);
    await store.setTargetSeqNum(9);
    expect(await store.nextTargetSeqNum()).toBe(10);
    await store.put(record(6));
    const created = store.creationTime;
    await store.reset();
    expect([store.senderSeqNum, store.targetSeqNum]).toEqual([1, 1]);
    expect(await store.get(6)).toBeNull();
    expect(store.creationTime.getTime()).toBeGreaterThanOrEqual(created.getTime());
  });

  it('refuses a bound outside [0, 1000000] with a message naming it', () => {
    expect(() => new BoundedSessionStore(id, -1)).toThrow(/messagesMax/);
    expect(() => new BoundedSessionStore(id, 2.5)).toThrow(/messagesMax/);
    expect(() => new BoundedSessionStore(id, 1_000_001)).toThrow(/messagesMax/);
  });

  it('factory: one store per session with its bound, remembering at most rememberedMax', () => {
    const factory = new BoundedSessionStoreFactory(16, 2);
    const stores = [0, 1, 2].map(() => factory.create(id) as BoundedSessionStore);
    expect(stores.every((s) => s.messagesMax === 16)).toBe(true);
    expect(factory.created).toEqual([stores[1], stores[2]]);
  });
});
