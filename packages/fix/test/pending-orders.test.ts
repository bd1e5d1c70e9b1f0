import { describe, expect, it } from 'vitest';
import { ORDER_ALIASES_MAX, PendingOrders, type PendingOrder } from '@tailguard/fix';

/** The engine's report path: look up, mark answered, release when final. */
function report(p: PendingOrders, clOrdId: string, final: boolean): PendingOrder | undefined {
  const o = p.get(clOrdId);
  if (o === undefined) return undefined;
  o.acked = true;
  if (final) p.release(o);
  return o;
}

describe('PendingOrders', () => {
  it('matches reports in send order and keeps counts exact', () => {
    const p = new PendingOrders(100);
    const a = p.add('A', 1, undefined)!;
    const b = p.add('B', 2, undefined)!;
    expect(p.size).toBe(2);
    expect(report(p, 'A', true)).toBe(a);
    expect(report(p, 'B', true)).toBe(b);
    expect(p.size).toBe(0);
    expect(p.get('A')).toBeUndefined();
    expect(p.get('B')).toBeUndefined();
  });

  it('finds orders answered out of send order, and an answered order for its later reports', () => {
    const p = new PendingOrders(100);
    const orders = ['A', 'B', 'C', 'D'].map((id, i) => p.add(id, i, undefined)!);
    expect(report(p, 'C', false)).toBe(orders[2]); // answered out of send order
    expect(report(p, 'A', false)).toBe(orders[0]);
    expect(report(p, 'D', true)).toBe(orders[3]);
    expect(report(p, 'A', true)).toBe(orders[0]); // acked earlier, filled now
    expect(report(p, 'B', true)).toBe(orders[1]);
    expect(report(p, 'C', true)).toBe(orders[2]);
    expect(p.size).toBe(0);
    expect(p.get('C')).toBeUndefined();
  });

  it('refuses orders beyond ordersMax and accepts again after a release', () => {
    const p = new PendingOrders(3);
    for (const id of ['A', 'B', 'C']) expect(p.add(id, 0, undefined)).toBeDefined();
    expect(p.add('D', 0, undefined)).toBeUndefined();
    expect(p.size).toBe(3);
    report(p, 'B', true);
    expect(p.add('D', 0, undefined)).toBeDefined();
    expect(p.get('D')?.clOrdId).toBe('D');
  });

  it('keeps thousands of orders findable in any answer order', () => {
    const n = 3_000;
    const p = new PendingOrders(n);
    for (let i = 0; i < n; i++) expect(p.add(`o-${i}`, i, undefined)).toBeDefined();
    const ids = Array.from({ length: n }, (_, i) => i);
    // A fixed shuffle (LCG), so a failure reproduces.
    let seed = 12345;
    for (let i = n - 1; i > 0; i--) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      const j = seed % (i + 1);
      [ids[i], ids[j]] = [ids[j]!, ids[i]!];
    }
    for (const i of ids) expect(report(p, `o-${i}`, true)?.sentMonoNs).toBe(i);
    expect(p.size).toBe(0);
    // Pooled entries come back with fresh fields.
    for (let i = 0; i < 50; i++) {
      const o = p.add(`n-${i}`, 100 + i, undefined)!;
      expect(o.acked || o.filled || !o.live).toBe(false);
      expect(report(p, `n-${i}`, true)).toBe(o);
    }
  });

  it('chains cancel/replace ClOrdIDs to their order and drops them on release', () => {
    const p = new PendingOrders(100);
    const a = p.add('A', 1, undefined)!;
    p.add('B', 2, undefined);
    expect(p.alias(a, 'A-cxl')).toBe(true);
    expect(p.alias(a, 'B')).toBe(false); // another order's ClOrdID
    expect(p.get('A-cxl')).toBe(a);
    p.unalias(a, 'A-cxl');
    expect(p.get('A-cxl')).toBeUndefined();
    for (let i = 0; i < ORDER_ALIASES_MAX; i++) expect(p.alias(a, `A-r${i}`)).toBe(true);
    expect(p.alias(a, 'A-one-too-many')).toBe(false);
    p.release(a);
    expect(p.get('A-r0')).toBeUndefined();
    expect(p.get('A')).toBeUndefined();
    expect(p.get('B')?.sentMonoNs).toBe(2);
  });

  it('refuses a ClOrdID that is already pending, and takes it again once released', () => {
    const p = new PendingOrders(100);
    const a = p.add('A', 1, undefined)!;
    expect(p.add('A', 2, undefined)).toBeUndefined();
    expect(p.size).toBe(1);
    p.release(a);
    p.release(a); // twice: no double count
    expect(p.size).toBe(0);
    expect(p.add('A', 3, undefined)?.sentMonoNs).toBe(3);
  });

  it('drains every pending order once (aliases not repeated), and is empty after', () => {
    const p = new PendingOrders(100);
    for (const id of ['A', 'B', 'C', 'D', 'E', 'F']) p.add(id, 0, undefined);
    report(p, 'B', false); // acknowledged, still pending
    const a = p.get('A')!;
    p.alias(a, 'A-cxl');
    const seen: string[] = [];
    p.drain((o) => seen.push(o.clOrdId));
    expect(seen.sort()).toEqual(['A', 'B', 'C', 'D', 'E', 'F']);
    expect(p.size).toBe(0);
    expect(p.get('A-cxl')).toBeUndefined();
    expect(p.get('E')).toBeUndefined();
    expect(p.add('G', 0, undefined)).toBeDefined();
    expect(report(p, 'G', true)?.clOrdId).toBe('G');
  });

  it('rejects a bound that is not a positive integer', () => {
    expect(() => new PendingOrders(0)).toThrow(/pendingOrdersMax/);
    expect(() => new PendingOrders(1.5)).toThrow(/pendingOrdersMax/);
  });
});
