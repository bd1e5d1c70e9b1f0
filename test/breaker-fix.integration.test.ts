import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditHost, LatencyMonitor, OrderRouter, type Finding, type RouterLogLine } from '@tailguard/core';
import {
  EngineSession,
  FixLauncher,
  FixMetrics,
  FixOrderRoute,
  startLoopback,
  VenueSession,
  type LoopbackHarness,
} from '@tailguard/fix';
import { freePort } from './support/free-port.js';

// prom-client is a dependency of the packages, not of the root: load the fix package's copy.
const { Registry } = createRequire(new URL('../packages/fix/package.json', import.meta.url))('prom-client') as typeof import('prom-client');

/** A venue that takes every order and never answers it. */
class SilentVenue extends VenueSession {
  protected override onApplication(_msgType: string, _view: unknown): void {}
}

type Order = Record<string, unknown>;

function order(clOrdId: string): Order {
  return { ClOrdID: clOrdId, Instrument: { Symbol: 'XAUUSD' }, Side: '1', OrderQtyData: { OrderQty: 1 }, Price: 2000.5, OrdType: '2', TransactTime: new Date() };
}

async function until(predicate: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** One sample of a metric from Prometheus text, or undefined when absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

const monitor = new LatencyMonitor({ autoTick: false, operationsMax: 256 });
const metrics = new FixMetrics({ monitor });
let silent: LoopbackHarness | undefined;
let backup: LoopbackHarness | undefined;
let refusedLauncher: FixLauncher | undefined;
let refusedRun: Promise<unknown> | undefined;

beforeAll(async () => {
  silent = await startLoopback({
    metrics,
    venueCompId: 'SILENT',
    makeVenueSession: (config) => new SilentVenue(config, { metrics, counterparties: ['ENGINE'] }),
    engines: [{ senderCompId: 'ENGINE' }],
  });
  backup = await startLoopback({ metrics, venueCompId: 'BACKUP', venue: { ordersWithoutQuoteId: 'fill' }, engines: [{ senderCompId: 'ENGINE' }] });
});

afterAll(async () => {
  refusedLauncher?.stop();
  await refusedRun?.catch(() => undefined);
  await silent?.stop();
  await backup?.stop();
  monitor.close();
});

/** An engine session aimed at a port nothing listens on: it never logs on. */
async function refusedSession(): Promise<EngineSession> {
  const port = await freePort();
  let created!: (s: EngineSession) => void;
  const session = new Promise<EngineSession>((resolve) => (created = resolve));
  refusedLauncher = new FixLauncher({
    description: {
      application: {
        type: 'initiator', name: 'REFUSED', protocol: 'ascii', dictionary: 'qf44', reconnectSeconds: 0.1,
        connectTimeoutSeconds: 1, resilient: false, tcp: { host: '127.0.0.1', port },
      },
      Name: 'REFUSED', Username: 'REFUSED', EncryptMethod: 0, ResetSeqNumFlag: true, HeartBtInt: 30,
      SenderCompId: 'ENGINE', SenderSubID: '', TargetCompID: 'REFUSED', TargetSubID: '', BeginString: 'FIX.4.4',
    } as unknown as ConstructorParameters<typeof FixLauncher>[0]['description'],
    makeSession: (config) => {
      const s = new EngineSession(config, { metrics });
      created(s);
      return s;
    },
  });
  refusedRun = refusedLauncher.run();
  refusedRun.catch(() => undefined); // rejects once the connect attempts time out
  return session;
}

describe('order router over FIX sessions', () => {
  it('opens the breaker on a venue that stops answering, reports in-flight orders unknown, and fails over only provably unsent orders', async () => {
    const log: RouterLogLine[] = [];
    const primary = new FixOrderRoute({ name: 'primary', session: silent!.engine });
    const secondary = new FixOrderRoute({ name: 'secondary', session: backup!.engine });
    const router = new OrderRouter<Order>({ routes: [primary, secondary], deadlineMs: 300, consecutiveFailures: 3, halfOpenAfterMs: 60_000, log: (l) => log.push(l) });
    const registry = new Registry();
    router.registerPrometheus(registry);

    // Three orders in flight on a venue that takes them and goes silent.
    const inFlight = await Promise.all([router.send(order('s-1')), router.send(order('s-2')), router.send(order('s-3'))]);
    for (const r of inFlight) {
      expect(r.outcome).toBe('unknown');
      expect(r.route).toBe('primary');
      expect(r.failovers).toEqual([]); // never resent on the backup: the venue may have them
    }
    expect(silent!.engine.pendingOrderCount()).toBe(3);
    expect(router.breakerState('primary')).toBe('open');
    expect(log).toContainEqual(expect.objectContaining({ event: 'breaker_transition', route: 'primary', from: 'closed', to: 'open' }));
    const opened = log.find((l) => l.event === 'breaker_transition' && l.to === 'open');
    expect(opened?.event === 'breaker_transition' && opened.why).toContain('outcome unknown');

    // With the breaker open, the next order is not attempted on primary: it fails over and fills.
    const next = await router.send(order('s-4'));
    expect(next).toMatchObject({ outcome: 'sent', route: 'secondary', failovers: [{ from: 'primary', reason: 'breaker_open' }] });
    expect(log).toContainEqual({ event: 'failover', from: 'primary', to: 'secondary', reason: 'breaker_open', detail: 'breaker open' });

    // The venue now drops the connection: the pending orders stay unknown (never failed), and the
    // session is down, so the breaker still keeps orders off it.
    const unknownIds: string[] = [];
    silent!.engine.on('orderUnknown', (id: string) => unknownIds.push(id));
    (silent!.venueSessions[0] as VenueSession).requestStop('venue disconnects');
    await until(() => unknownIds.length === 3, 5_000, 'orderUnknown on session loss');
    expect(unknownIds.sort()).toEqual(['s-1', 's-2', 's-3']);
    expect(primary.unknownOnSessionEndTotal).toBe(3);
    expect(primary.awaitingCount).toBe(0);

    const text = await registry.metrics();
    expect(sample(text, 'tailguard_breaker_state{route="primary"}')).toBe(2);
    expect(sample(text, 'tailguard_breaker_state{route="secondary"}')).toBe(0);
    expect(sample(text, 'tailguard_breaker_transitions_total{route="primary",to="open"}')).toBe(1);
    expect(sample(text, 'tailguard_order_outcomes_total{route="primary",outcome="unknown"}')).toBe(3);
    expect(sample(text, 'tailguard_order_outcomes_total{route="primary",outcome="failed-before-send"}')).toBe(0);
    expect(sample(text, 'tailguard_order_outcomes_total{route="secondary",outcome="sent"}')).toBe(1);
    expect(sample(text, 'tailguard_failover_total{from="primary",to="secondary",reason="breaker_open"}')).toBe(1);
    primary.close();
    secondary.close();
  });

  it('fails a refused connection over to the backup route as failed-before-send', async () => {
    const session = await refusedSession();
    expect(session.isLoggedOn()).toBe(false);
    const log: RouterLogLine[] = [];
    const refused = new FixOrderRoute({ name: 'refused', session });
    const secondary = new FixOrderRoute({ name: 'secondary', session: backup!.engine });
    const router = new OrderRouter<Order>({ routes: [refused, secondary], deadlineMs: 2_000, consecutiveFailures: 2, halfOpenAfterMs: 60_000, log: (l) => log.push(l) });
    const registry = new Registry();
    router.registerPrometheus(registry);

    const first = await router.send(order('r-1'));
    expect(first).toMatchObject({ outcome: 'sent', route: 'secondary', failovers: [{ from: 'refused', reason: 'failed_before_send' }] });
    expect(log).toContainEqual({ event: 'failover', from: 'refused', to: 'secondary', reason: 'failed_before_send', detail: 'NOT_LOGGED_ON' });
    expect(router.breakerState('refused')).toBe('closed');

    const second = await router.send(order('r-2'));
    expect(second.route).toBe('secondary');
    expect(router.breakerState('refused')).toBe('open'); // two consecutive provably-unsent failures
    expect(log).toContainEqual(expect.objectContaining({ event: 'breaker_transition', route: 'refused', to: 'open', why: expect.stringContaining('NOT_LOGGED_ON') }));

    const third = await router.send(order('r-3'));
    expect(third).toMatchObject({ outcome: 'sent', route: 'secondary', failovers: [{ from: 'refused', reason: 'breaker_open' }] });

    const text = await registry.metrics();
    expect(sample(text, 'tailguard_breaker_state{route="refused"}')).toBe(2);
    expect(sample(text, 'tailguard_breaker_transitions_total{route="refused",to="open"}')).toBe(1);
    expect(sample(text, 'tailguard_order_outcomes_total{route="refused",outcome="failed-before-send"}')).toBe(2);
    expect(sample(text, 'tailguard_order_outcomes_total{route="refused",outcome="unknown"}')).toBe(0);
    expect(sample(text, 'tailguard_order_outcomes_total{route="secondary",outcome="sent"}')).toBe(3);
    expect(sample(text, 'tailguard_failover_total{from="refused",to="secondary",reason="failed_before_send"}')).toBe(2);
    expect(sample(text, 'tailguard_failover_total{from="refused",to="secondary",reason="breaker_open"}')).toBe(1);
    refused.close();
    secondary.close();
  });

  it('resolves rejected on a venue reject, not as a breaker failure', async () => {
    // The default venue rejects an order without a QuoteID unless told to fill it.
    const h = await startLoopback({ metrics, venueCompId: 'STRICT', engines: [{ senderCompId: 'ENGINE' }] });
    try {
      const route = new FixOrderRoute({ name: 'strict', session: h.engine });
      const router = new OrderRouter<Order>({ routes: [route], deadlineMs: 2_000, consecutiveFailures: 1, log: () => {} });
      const r = await router.send(order('x-1'));
      expect(r).toMatchObject({ outcome: 'rejected', route: 'strict', detail: 'venue_reject' });
      expect(router.breakerState('strict')).toBe('closed');
      route.close();
    } finally {
      await h.stop();
    }
  });

  it('turns Nagle off on every FIX socket and the host audit says so', () => {
    const sockets = [...backup!.fixSockets()];
    expect(sockets).toContainEqual({ session: 'initiator BACKUP', noDelay: true }); // jspurefix's initiator leaves Nagle on
    expect(sockets).toContainEqual({ session: 'acceptor other', noDelay: true });
    const nodelay = auditHost({ fixSockets: sockets }).find((r) => r.id === 'network.tcp_nodelay');
    expect(nodelay).toMatchObject({ status: 'finding', severity: 'info', evidence: { 'initiator BACKUP TCP_NODELAY': true } });
    expect(Object.values((nodelay as Finding).evidence).every((v) => v === true)).toBe(true);
  });
});
