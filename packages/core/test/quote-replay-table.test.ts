import { describe, expect, it } from 'vitest';
import { InMemoryReplayGuard, type ReplayMarkOutcome } from '@tailguard/core';
import { mulberry32 as prng } from './support/seeded-random.js';

/** The replay semantics as a plain Map of live entries: the guard's hash table must answer exactly the same. */
class ReferenceReplay {
  readonly live = new Map<string, { execId: string; expiresNs: number }>();
  refused = 0;
  constructor(private readonly max: number) {}
  private purge(nowNs: number): void {
    for (const [k, e] of this.live) if (e.expiresNs <= nowNs) this.live.delete(k);
  }
  lookup(quoteId: string, nowNs: number): string | undefined {
    const e = this.live.get(quoteId);
    return e === undefined || e.expiresNs <= nowNs ? undefined : e.execId;
  }
  tryMark(quoteId: string, execId: string, ttlNs: number, nowNs: number): ReplayMarkOutcome {
    const e = this.live.get(quoteId);
    if (e !== undefined && e.expiresNs > nowNs) return e.execId === execId ? 'same' : 'other';
    if (this.live.size >= this.max) this.purge(nowNs);
    if (this.live.size >= this.max) {
      this.refused++;
      return 'unavailable';
    }
    this.live.set(quoteId, { execId, expiresNs: nowNs + ttlNs });
    return 'marked';
  }
}

describe('InMemoryReplayGuard hash table against a reference Map', () => {
  it('answers every lookup and mark like the reference through growth, churn and deletion (refuse when full)', () => {
    for (const seed of [1, 2, 3]) {
      const rand = prng(seed);
      const max = 1_000;
      const guard = new InMemoryReplayGuard({ replayMax: max, onFull: 'refuse' });
      const ref = new ReferenceReplay(max);
      const ttls = [5_000, 20_000, 66_000];
      let nowNs = 1_000_000;
      for (let i = 0; i < 40_000; i++) {
        nowNs += Math.floor(rand() * 20);
        // A small ID pool: IDs come back after expiry, so slots are deleted and refilled constantly.
        const quoteId = `q${Math.floor(rand() * 6_000)}`;
        if (rand() < 0.3) {
          expect(guard.lookup(quoteId, nowNs)).toBe(ref.lookup(quoteId, nowNs));
        } else {
          const execId = `e${Math.floor(rand() * 3)}`;
          const ttl = ttls[Math.floor(rand() * ttls.length)]!;
          if (rand() < 0.5) guard.lookup(quoteId, nowNs); // exercise the lookup-then-mark stash
          expect(guard.markUnmarked(quoteId, execId, ttl, nowNs)).toBe(ref.tryMark(quoteId, execId, ttl, nowNs));
        }
      }
      expect(guard.size()).toBeLessThanOrEqual(max);
      expect(ref.refused).toBeGreaterThan(0); // the full case was exercised
      expect(guard.refusedTotal).toBe(ref.refused);
    }
  });

  it('keeps every live unevicted mark findable when full under evict-oldest-expiring', () => {
    const max = 500;
    const guard = new InMemoryReplayGuard({ replayMax: max });
    const ttlNs = 1_000_000;
    for (let i = 0; i < 5_000; i++) expect(guard.tryMark(`q${i}`, `e${i}`, ttlNs, i)).toBe('marked');
    expect(guard.evictionsTotal).toBe(5_000 - max);
    expect(guard.size()).toBe(max);
    // The newest `max` marks survive, the older ones were evicted oldest first.
    for (let i = 5_000 - max; i < 5_000; i++) expect(guard.lookup(`q${i}`, 5_000)).toBe(`e${i}`);
    for (let i = 0; i < 5_000 - max; i++) expect(guard.lookup(`q${i}`, 5_000)).toBeUndefined();
  });
});
