import { describe, expect, it } from 'vitest';
import { CallDeadlines, type DeadlineEntry } from '../src/call-deadlines.js';

function entry(deadlineMonoNs: number, expired: string[], name: string): DeadlineEntry {
  const e: DeadlineEntry = {
    deadlineMonoNs,
    settled: false,
    expire: () => {
      e.settled = true;
      expired.push(name);
    },
  };
  return e;
}

describe('CallDeadlines', () => {
  it('counts calls in flight, expires only those past their deadline, in order, whatever settled in between', () => {
    let now = 0;
    const d = new CallDeadlines(() => now, 1_000);
    const expired: string[] = [];
    const a = entry(10, expired, 'a');
    const b = entry(20, expired, 'b');
    const c = entry(30, expired, 'c');
    const e = entry(40, expired, 'e');
    for (const x of [a, b, c, e]) d.add(x);
    expect(d.size).toBe(4);
    // Settled out of order (b), then in order (a): both leave the count at once.
    b.settled = true;
    d.delete(b);
    a.settled = true;
    d.delete(a);
    expect(d.size).toBe(2);
    now = 35;
    d.sweep();
    expect(expired).toEqual(['c']);
    expect(d.size).toBe(1);
    now = 100;
    d.sweep();
    expect(expired).toEqual(['c', 'e']);
    expect(d.size).toBe(0);
    d.expireAll();
    expect(expired).toEqual(['c', 'e']);
  });

  it('expireAll answers every unsettled call once and stops its timer', () => {
    const d = new CallDeadlines(() => 0, 1_000);
    const expired: string[] = [];
    const xs = Array.from({ length: 3 }, (_, i) => entry(1e9, expired, `x${i}`));
    for (const x of xs) d.add(x);
    xs[1]!.settled = true;
    d.delete(xs[1]!);
    d.expireAll();
    expect(expired).toEqual(['x0', 'x2']);
    expect(d.size).toBe(0);
    d.sweep();
    expect(expired).toEqual(['x0', 'x2']);
  });
});
