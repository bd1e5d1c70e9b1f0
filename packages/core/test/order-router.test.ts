import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { OrderRouter, type OrderRoute, type RouteSendResult, type RouterLogLine } from '@tailguard/core';

/** A route whose behaviour the test switches: answers, refuses before sending, or never answers. */
function route(name: string): OrderRoute<number> & { mode: 'ok' | 'refuse' | 'silent' | 'reject'; calls: number } {
  const r = {
    name,
    mode: 'ok' as 'ok' | 'refuse' | 'silent' | 'reject',
    calls: 0,
    send(): Promise<RouteSendResult> {
      r.calls++;
      if (r.mode === 'refuse') return Promise.resolve({ outcome: 'failed-before-send', detail: 'ECONNREFUSED' });
      if (r.mode === 'silent') return new Promise(() => {});
      if (r.mode === 'reject') return Promise.resolve({ outcome: 'rejected', detail: 'venue reject' });
      return Promise.resolve({ outcome: 'sent' });
    },
  };
  return r;
}

describe('OrderRouter', () => {
  it('fails over only provably unsent orders; unknown outcomes stay on their route', async () => {
    const primary = route('primary');
    const backup = route('backup');
    const lines: RouterLogLine[] = [];
    const router = new OrderRouter({ routes: [primary, backup], deadlineMs: 30, consecutiveFailures: 2, halfOpenAfterMs: 200, log: (l) => lines.push(l) });
    expect(await router.send(1)).toMatchObject({ outcome: 'sent', route: 'primary' });

    primary.mode = 'refuse';
    const refused = await router.send(2);
    expect(refused).toMatchObject({ outcome: 'sent', route: 'backup', failovers: [{ from: 'primary', reason: 'failed_before_send' }] });

    primary.mode = 'silent';
    const unknown = await router.send(3);
    expect(unknown).toMatchObject({ outcome: 'unknown', route: 'primary', failovers: [] });
    expect(backup.calls).toBe(1); // never resent blindly

    // Two consecutive failures opened the primary's breaker: the next order goes straight to the backup.
    expect(router.breakerState('primary')).toBe('open');
    const callsBefore = primary.calls;
    expect(await router.send(4)).toMatchObject({ route: 'backup', failovers: [{ from: 'primary', reason: 'breaker_open' }] });
    expect(primary.calls).toBe(callsBefore);
    expect(lines).toContainEqual(expect.objectContaining({ event: 'breaker_transition', route: 'primary', to: 'open' }));
    expect(lines.find((l) => l.event === 'breaker_transition' && l.to === 'open')).toMatchObject({ why: expect.stringContaining('unknown') });

    // After halfOpenAfter the primary gets one probe; success closes it.
    primary.mode = 'ok';
    await new Promise((r) => setTimeout(r, 250));
    expect(await router.send(5)).toMatchObject({ outcome: 'sent', route: 'primary' });
    expect(router.breakerState('primary')).toBe('closed');

    const registry = new Registry();
    router.registerPrometheus(registry);
    const text = await registry.metrics();
    expect(text).toMatch(/^tailguard_breaker_state\{route="primary"\} 0$/m);
    expect(text).toMatch(/^tailguard_breaker_transitions_total\{route="primary",to="open"\} 1$/m);
    expect(text).toMatch(/^tailguard_order_outcomes_total\{route="primary",outcome="unknown"\} 1$/m);
    expect(text).toMatch(/^tailguard_order_outcomes_total\{route="primary",outcome="failed-before-send"\} 1$/m);
    expect(text).toMatch(/^tailguard_failover_total\{from="primary",to="backup",reason="breaker_open"\} 1$/m);
    expect(text).toMatch(/^tailguard_failover_total\{from="primary",to="backup",reason="failed_before_send"\} 1$/m);
  });

  it('a venue reject is an answer, not a breaker failure', async () => {
    const primary = route('primary');
    primary.mode = 'reject';
    const router = new OrderRouter({ routes: [primary], deadlineMs: 50, consecutiveFailures: 1, log: () => {} });
    for (let i = 0; i < 5; i++) expect(await router.send(i)).toMatchObject({ outcome: 'rejected' });
    expect(router.breakerState('primary')).toBe('closed');
  });

  it('reports failed-before-send when every route is refused or open', async () => {
    const a = route('a');
    const b = route('b');
    a.mode = 'refuse';
    b.mode = 'refuse';
    const router = new OrderRouter({ routes: [a, b], deadlineMs: 50, log: () => {} });
    expect(await router.send(1)).toMatchObject({ outcome: 'failed-before-send', route: 'b' });
  });

  it('rejects bad configuration with the field to fix', () => {
    expect(() => new OrderRouter({ routes: [], deadlineMs: 5 })).toThrow(/routes/);
    expect(() => new OrderRouter({ routes: [route('a')], deadlineMs: 0 })).toThrow(/deadlineMs/);
    expect(() => new OrderRouter({ routes: [route('a'), route('a')], deadlineMs: 5 })).toThrow(/unique/);
  });
});
