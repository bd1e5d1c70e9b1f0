import {
  context,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Exception,
  type Span,
  type SpanOptions,
  type Tracer,
} from '@opentelemetry/api';
import type { LatencyMonitor } from '../monitor/monitor.js';
import { tracerGateFor } from './tracer-gate.js';

/** Tracer name used when no tracer is passed to {@link instrument}. */
export const TAILGUARD_TRACER_NAME = '@tailguard/core';

/** Options for {@link instrument}. */
export interface InstrumentOptions {
  /** Tracer for the spans. Default `trace.getTracer('@tailguard/core')` from the global API. */
  tracer?: Tracer;
  /** Span kind. Default `SpanKind.INTERNAL`; use `CLIENT` for an order send or a remote signer. */
  kind?: SpanKind;
  /** Static attributes set on every span, only when the span is recording. Bounded values only (no IDs). */
  attributes?: Attributes;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyFunction = (this: any, ...args: any[]) => any;

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

function failSpan(span: Span, error: unknown): void {
  if (!span.isRecording()) return;
  const isObject = typeof error === 'object' && error !== null;
  span.recordException(isObject ? (error as Exception) : String(error));
  const message = isObject ? (error as { message?: unknown }).message : String(error);
  span.setStatus(
    typeof message === 'string' ? { code: SpanStatusCode.ERROR, message } : { code: SpanStatusCode.ERROR },
  );
}

/**
 * Wraps `fn` so every call is timed at the call site into
 * `monitor.operation(name)` (its sliding window and cumulative histogram) and,
 * when the application registered an OpenTelemetry SDK, traced as a span named
 * `name`, child of the active span, active while `fn` runs (so async work inside
 * `fn` sees it as parent).
 *
 * The wrapper has the shape of `fn`: a synchronous result is returned as is
 * (never turned into a promise), a thenable result is returned as a promise that
 * settles with the same value, `this` and arguments pass through. A throw or a
 * rejection is recorded (duration, exception, status ERROR) and re-thrown.
 *
 * The operation is bound once here: an invalid name or one beyond the monitor's
 * `operationsMax` throws now (a configuration error), never per call. With no SDK
 * registered a synchronous call costs two clock reads, a field read and the
 * window record; nothing is allocated.
 */
export function instrument<F extends AnyFunction>(
  monitor: LatencyMonitor,
  name: string,
  fn: F,
  options: InstrumentOptions = {},
): F {
  if (typeof fn !== 'function') {
    throw new TypeError(`instrument: fn for operation ${JSON.stringify(name)} must be a function, got ${typeof fn}`);
  }
  const op = monitor.operation(name);
  const clock = monitor.clock;
  const tracer = options.tracer ?? trace.getTracer(TAILGUARD_TRACER_NAME);
  const gate = tracerGateFor(options.tracer);
  const spanOptions: SpanOptions = { kind: options.kind ?? SpanKind.INTERNAL };
  const attributes = options.attributes;

  function traced(self: unknown, args: IArguments): unknown {
    const parent = context.active();
    const span = tracer.startSpan(name, spanOptions, parent);
    if (attributes !== undefined && span.isRecording()) span.setAttributes(attributes);
    const active = trace.setSpan(parent, span);
    const t0Ns = clock.monoNs();
    let result: unknown;
    try {
      result = context.with(active, fn as AnyFunction, self, ...(args as unknown as unknown[]));
    } catch (error) {
      op.recordNs(clock.monoNs() - t0Ns);
      failSpan(span, error);
      span.end();
      throw error;
    }
    if (!isThenable(result)) {
      op.recordNs(clock.monoNs() - t0Ns);
      span.end();
      return result;
    }
    return result.then(
      (value) => {
        op.recordNs(clock.monoNs() - t0Ns);
        span.end();
        return value;
      },
      (error: unknown) => {
        op.recordNs(clock.monoNs() - t0Ns);
        failSpan(span, error);
        span.end();
        throw error;
      },
    );
  }

  // A function expression (not an arrow) so `this` passes through; `arguments`
  // with apply is not materialised by V8 in optimised code, unlike a rest array.
  const wrapped = function (this: unknown): unknown {
    if (gate()) return traced(this, arguments);
    const t0Ns = clock.monoNs();
    let result: unknown;
    try {
      result = fn.apply(this, arguments as unknown as unknown[]);
    } catch (error) {
      op.recordNs(clock.monoNs() - t0Ns);
      throw error;
    }
    if (!isThenable(result)) {
      op.recordNs(clock.monoNs() - t0Ns);
      return result;
    }
    return result.then(
      (value) => {
        op.recordNs(clock.monoNs() - t0Ns);
        return value;
      },
      (error: unknown) => {
        op.recordNs(clock.monoNs() - t0Ns);
        throw error;
      },
    );
  };
  Object.defineProperty(wrapped, 'name', { value: fn.name, configurable: true });
  Object.defineProperty(wrapped, 'length', { value: fn.length, configurable: true });
  return wrapped as F;
}
