import type { Meter } from '@opentelemetry/api';
import { CircuitState, ConsecutiveBreaker, circuitBreaker, handleAll, type CircuitBreakerPolicy } from 'cockatiel';
import type { Registry } from 'prom-client';
import { registerPromCollector, type PromSample } from '../export/prometheus-collector.js';
import { DeadlineTimer } from './deadline-timer.js';
import { ORDER_OUTCOMES, type OrderOutcome, type OrderRoute, type RouteSendResult } from './order-outcome.js';

/** Breaker states as exported (`tailguard_breaker_state`: 0 closed, 1 half-open, 2 open, 3 isolated). */
export type BreakerState = 'closed' | 'half-open' | 'open' | 'isolated';

/** Why the router moved an order to another route. */
export type FailoverReason = 'breaker_open' | 'failed_before_send';

/** One structured log line: a breaker transition or a failover, saying why. */
export type RouterLogLine =
  | { event: 'breaker_transition'; route: string; from: BreakerState; to: BreakerState; why: string }
  | { event: 'failover'; from: string; to: string; reason: FailoverReason; detail: string };

/** Options for {@link OrderRouter}. */
export interface OrderRouterOptions<O> {
  /** Routes in preference order: the first is primary. At most 8. */
  routes: readonly OrderRoute<O>[];
  /** A send with no answer after this is `unknown`. */
  deadlineMs: number;
  /** Consecutive failures (failed-before-send or unknown) that open a route's breaker. Default 3. */
  consecutiveFailures?: number;
  /** Time an open breaker waits before letting one probe order through. Default 5 000 ms. */
  halfOpenAfterMs?: number;
  /** Treat a thrown/rejected send as failed-before-send (true) or unknown (false, default: safer). */
  errorsAreBeforeSend?: boolean;
  /** Structured log sink; default one JSON line on stderr per transition and failover. */
  log?: (line: RouterLogLine) => void;
}

/** The result of {@link OrderRouter.send}. */
export interface RoutedSendResult {
  readonly outcome: OrderOutcome;
  /** The route that took (or lost) the order; undefined when no route could be tried. */
  readonly route: string | undefined;
  /** Routes tried before this one, in order, with why each was left. */
  readonly failovers: readonly { readonly from: string; readonly reason: FailoverReason }[];
  readonly detail: string | undefined;
}

const STATE_NAME: Record<CircuitState, BreakerState> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.HalfOpen]: 'half-open',
  [CircuitState.Open]: 'open',
  [CircuitState.Isolated]: 'isolated',
};
const STATE_CODE: Record<BreakerState, number> = { closed: 0, 'half-open': 1, open: 2, isolated: 3 };

class RouteFailure extends Error {
  constructor(readonly outcome: 'failed-before-send' | 'unknown', readonly detail: string) {
    super(outcome);
  }
}

interface RouteState<O> {
  route: OrderRoute<O>;
  breaker: CircuitBreakerPolicy;
  state: BreakerState;
  lastWhy: string;
  outcomes: Float64Array; // indexed like ORDER_OUTCOMES
  transitions: Map<BreakerState, number>;
}

/**
 * Sends orders through a primary route with a circuit breaker (cockatiel 3) per
 * route and fails over only when the order provably never left: `failed-before-send`
 * or an open breaker. An `unknown` outcome (deadline passed without an answer) is
 * returned as is and never failed over: the order may be live at the venue.
 *
 * Deadlines use one coarse {@link DeadlineTimer}, not a timer per order.
 */
export class OrderRouter<O> {
  private readonly routes: RouteState<O>[];
  private readonly deadline: DeadlineTimer;
  private readonly deadlineMs: number;
  private readonly errorsAreBeforeSend: boolean;
  private readonly log: (line: RouterLogLine) => void;
  private readonly failovers = new Map<string, number>();

  constructor(options: OrderRouterOptions<O>) {
    const { routes } = options;
    if (routes.length === 0 || routes.length > 8) throw new RangeError(`OrderRouter: routes must hold 1 to 8 routes, got ${routes.length}`);
    if (new Set(routes.map((r) => r.name)).size !== routes.length) throw new TypeError('OrderRouter: route names must be unique');
    if (!(options.deadlineMs > 0)) throw new RangeError(`OrderRouter: deadlineMs must be > 0, got ${options.deadlineMs}`);
    const failures = options.consecutiveFailures ?? 3;
    if (!Number.isInteger(failures) || failures < 1) throw new RangeError(`OrderRouter: consecutiveFailures must be a positive integer, got ${failures}`);
    const halfOpenAfterMs = options.halfOpenAfterMs ?? 5_000;
    if (!(halfOpenAfterMs > 0)) throw new RangeError(`OrderRouter: halfOpenAfterMs must be > 0, got ${halfOpenAfterMs}`);
    this.deadlineMs = options.deadlineMs;
    this.deadline = new DeadlineTimer(Math.max(1, Math.min(10, Math.floor(options.deadlineMs / 10))));
    this.errorsAreBeforeSend = options.errorsAreBeforeSend ?? false;
    this.log = options.log ?? ((line) => process.stderr.write(`${JSON.stringify({ component: 'tailguard.order_router', ...line })}\n`));
    this.routes = routes.map((route) => {
      const breaker = circuitBreaker(handleAll, { halfOpenAfter: halfOpenAfterMs, breaker: new ConsecutiveBreaker(failures) });
      const rs: RouteState<O> = {
        route,
        breaker,
        state: 'closed',
        lastWhy: '',
        outcomes: new Float64Array(ORDER_OUTCOMES.length),
        transitions: new Map(),
      };
      breaker.onStateChange((s) => {
        const to = STATE_NAME[s];
        const from = rs.state;
        rs.state = to;
        rs.transitions.set(to, (rs.transitions.get(to) ?? 0) + 1);
        const why =
          to === 'open'
            ? `${failures} consecutive failures, last: ${rs.lastWhy}`
            : to === 'half-open'
              ? `${halfOpenAfterMs} ms elapsed: letting one probe order through`
              : to === 'closed'
                ? 'probe order succeeded'
                : 'isolated by operator';
        this.log({ event: 'breaker_transition', route: route.name, from, to, why });
      });
      return rs;
    });
  }

  /** Current breaker state of a route. */
  breakerState(route: string): BreakerState | undefined {
    return this.routes.find((r) => r.route.name === route)?.state;
  }

  /** Sends one order; never rejects. */
  async send(order: O): Promise<RoutedSendResult> {
    const failovers: { from: string; reason: FailoverReason }[] = [];
    for (let i = 0; i < this.routes.length; i++) {
      const rs = this.routes[i]!;
      const next = this.routes[i + 1];
      let result: { outcome: OrderOutcome; detail: string | undefined };
      try {
        const r = await rs.breaker.execute(() => this.attempt(rs, order));
        result = { outcome: r.outcome, detail: r.detail };
      } catch (err) {
        if (err instanceof RouteFailure) result = { outcome: err.outcome, detail: err.detail };
        else {
          // BrokenCircuitError / IsolatedCircuitError: the order was not attempted on this route.
          const reason: FailoverReason = 'breaker_open';
          if (next === undefined) return { outcome: 'failed-before-send', route: rs.route.name, failovers, detail: 'all routes open' };
          this.noteFailover(rs.route.name, next.route.name, reason, `breaker ${rs.state}`);
          failovers.push({ from: rs.route.name, reason });
          continue;
        }
      }
      rs.outcomes[ORDER_OUTCOMES.indexOf(result.outcome)]!++;
      if (result.outcome === 'failed-before-send' && next !== undefined) {
        this.noteFailover(rs.route.name, next.route.name, 'failed_before_send', result.detail ?? '');
        failovers.push({ from: rs.route.name, reason: 'failed_before_send' });
        continue;
      }
      return { outcome: result.outcome, route: rs.route.name, failovers, detail: result.detail };
    }
    return { outcome: 'failed-before-send', route: undefined, failovers, detail: 'no route' };
  }

  private noteFailover(from: string, to: string, reason: FailoverReason, detail: string): void {
    const key = `${from}\u0000${to}\u0000${reason}`;
    this.failovers.set(key, (this.failovers.get(key) ?? 0) + 1);
    this.log({ event: 'failover', from, to, reason, detail });
  }

  /** One attempt on one route, bounded by the deadline; throws RouteFailure for breaker-counted failures. */
  private attempt(rs: RouteState<O>, order: O): Promise<RouteSendResult> {
    return new Promise<RouteSendResult>((resolve, reject) => {
      let settled = false;
      const id = this.deadline.add(this.deadlineMs, () => {
        if (settled) return;
        settled = true;
        rs.lastWhy = `no answer within ${this.deadlineMs} ms (outcome unknown)`;
        reject(new RouteFailure('unknown', 'deadline'));
      });
      const settle = (r: RouteSendResult | RouteFailure): void => {
        if (settled) return;
        settled = true;
        this.deadline.cancel(id);
        if (r instanceof RouteFailure) {
          rs.lastWhy = `${r.outcome}: ${r.detail}`;
          reject(r);
        } else if (r.outcome === 'failed-before-send') {
          rs.lastWhy = `failed-before-send: ${r.detail ?? ''}`;
          reject(new RouteFailure('failed-before-send', r.detail ?? ''));
        } else resolve(r);
      };
      let p: Promise<RouteSendResult>;
      try {
        p = rs.route.send(order);
      } catch (err) {
        p = Promise.reject(err);
      }
      p.then(settle, (err: unknown) =>
        settle(new RouteFailure(this.errorsAreBeforeSend ? 'failed-before-send' : 'unknown', (err as Error)?.message ?? 'error')),
      );
    });
  }

  /** Registers the breaker, outcome and failover metrics on the app's registry. */
  registerPrometheus(registry: Registry): void {
    registerPromCollector(registry, {
      name: 'tailguard_breaker_state',
      help: 'Circuit breaker state per route: 0 closed, 1 half-open, 2 open, 3 isolated',
      type: 'gauge',
      collect: () => this.routes.map((r) => ({ labels: { route: r.route.name }, value: STATE_CODE[r.state] })),
    });
    registerPromCollector(registry, {
      name: 'tailguard_breaker_transitions_total',
      help: 'Circuit breaker transitions per route and target state',
      type: 'counter',
      collect: () => {
        const out: PromSample[] = [];
        for (const r of this.routes) for (const [to, n] of r.transitions) out.push({ labels: { route: r.route.name, to }, value: n });
        return out;
      },
    });
    registerPromCollector(registry, {
      name: 'tailguard_order_outcomes_total',
      help: 'Order send outcomes per route: sent, rejected, failed-before-send (provably not on the wire), unknown (timed out: reconcile)',
      type: 'counter',
      collect: () => {
        const out: PromSample[] = [];
        for (const r of this.routes) ORDER_OUTCOMES.forEach((o, i) => out.push({ labels: { route: r.route.name, outcome: o }, value: r.outcomes[i]! }));
        return out;
      },
    });
    registerPromCollector(registry, {
      name: 'tailguard_failover_total',
      help: 'Orders moved to another route, by reason (only provably unsent orders fail over)',
      type: 'counter',
      collect: () =>
        [...this.failovers].map(([k, v]) => {
          const [from, to, reason] = k.split('\u0000');
          return { labels: { from: from!, to: to!, reason: reason! }, value: v };
        }),
    });
  }

  /** Registers the same figures through an OpenTelemetry Meter. */
  registerOpenTelemetry(meter: Meter): void {
    const state = meter.createObservableGauge('tailguard.breaker.state');
    const outcomes = meter.createObservableCounter('tailguard.order.outcomes');
    meter.addBatchObservableCallback(
      (obs) => {
        for (const r of this.routes) {
          obs.observe(state, STATE_CODE[r.state], { route: r.route.name });
          ORDER_OUTCOMES.forEach((o, i) => obs.observe(outcomes, r.outcomes[i]!, { route: r.route.name, outcome: o }));
        }
      },
      [state, outcomes],
    );
  }
}
