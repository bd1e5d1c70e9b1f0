import { ProxyTracer, ProxyTracerProvider, trace, type Tracer, type TracerProvider } from '@opentelemetry/api';

/**
 * The provider `@opentelemetry/api` hands out when no SDK is registered. A fresh
 * ProxyTracerProvider without a delegate returns this module-level singleton, so
 * it can be captured once without touching any private field.
 */
const NOOP_TRACER_PROVIDER: TracerProvider = new ProxyTracerProvider().getDelegate();

/** Cheap per-call answer to "could a span be recorded right now?". */
export type TracerGate = () => boolean;

const ALWAYS: TracerGate = () => true;

/**
 * Returns a gate for the API's global tracer provider. The API registers an SDK by
 * giving a delegate to the same ProxyTracerProvider it hands out before
 * registration, so capturing that proxy once and asking `getDelegate()` per call
 * (a field read) notices an SDK registered after `instrument()` ran, without the
 * allocation of a NonRecordingSpan that `startSpan` on the no-op tracer costs.
 * A provider of another API copy (no `getDelegate`) is always treated as present.
 */
export function globalTracerGate(): TracerGate {
  const provider = trace.getTracerProvider() as Partial<ProxyTracerProvider>;
  if (typeof provider.getDelegate !== 'function') return ALWAYS;
  const proxy = provider as ProxyTracerProvider;
  return () => proxy.getDelegate() !== NOOP_TRACER_PROVIDER;
}

/** Gate for a tracer of the caller's own (an SDK tracer): assumed able to record. */
export const ALWAYS_TRACING: TracerGate = ALWAYS;

/**
 * The gate for a tracer: the global one (no tracer, or a global API proxy tracer)
 * is asked per call whether an SDK is registered; a tracer the caller built from
 * an SDK is always asked. Used by `instrument()` and by the FIX engine's order spans.
 */
export function tracerGateFor(tracer: Tracer | undefined): TracerGate {
  return tracer === undefined || tracer instanceof ProxyTracer ? globalTracerGate() : ALWAYS_TRACING;
}
