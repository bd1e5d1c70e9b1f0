import { setImmediate as tick } from 'node:timers/promises';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCallTimer, instrument, LatencyMonitor, ManualClock } from '@tailguard/core';

function manualMonitor(operationsMax?: number): { clock: ManualClock; monitor: LatencyMonitor } {
  const clock = new ManualClock();
  return { clock, monitor: new LatencyMonitor({ clock, autoTick: false, operationsMax }) };
}

// Functions wrapped before any SDK is registered: the SDK tests below check they start tracing once one is.
const early = manualMonitor();
const earlyWrapped = instrument(early.monitor, 'early_op', (x: number) => x * 2);

describe('instrument() without an OpenTelemetry SDK', () => {
  it('keeps a sync function sync, passes this and arguments, records the duration', () => {
    const { clock, monitor } = manualMonitor();
    const target = {
      factor: 3,
      scale(this: { factor: number }, a: number, b: number): number {
        clock.advanceNs(1_500);
        return this.factor * (a + b);
      },
    };
    const scale = instrument(monitor, 'scale', target.scale);
    const result = scale.call(target, 2, 5);
    expect(result).toBe(21);
    expect(result).not.toBeInstanceOf(Promise);
    expect(scale.name).toBe('scale');
    expect(scale.length).toBe(2);
    const window = monitor.operation('scale').window;
    expect(window.count()).toBe(1);
    expect(window.snapshot().maxNs).toBe(1_500);
    expect(trace.getActiveSpan()).toBeUndefined();
  });

  it('records and re-throws a synchronous throw', () => {
    const { clock, monitor } = manualMonitor();
    const boom = new Error('boom');
    const fails = instrument(monitor, 'fails', () => {
      clock.advanceNs(700);
      throw boom;
    });
    expect(() => fails()).toThrow(boom);
    expect(monitor.operation('fails').window.snapshot()).toMatchObject({ count: 1, maxNs: 700 });
  });

  it('keeps an async function async: awaits the result and records when it settles', async () => {
    const { clock, monitor } = manualMonitor();
    const slow = instrument(monitor, 'slow', async function (this: { base: number }, n: number) {
      await tick();
      clock.advanceNs(2_000);
      return this.base + n;
    });
    const pending = slow.call({ base: 40 }, 2);
    expect(pending).toBeInstanceOf(Promise);
    expect(monitor.operation('slow').window.count()).toBe(0); // not settled yet
    await expect(pending).resolves.toBe(42);
    expect(monitor.operation('slow').window.snapshot()).toMatchObject({ count: 1, maxNs: 2_000 });
  });

  it('records and propagates a rejection', async () => {
    const { clock, monitor } = manualMonitor();
    const rejects = instrument(monitor, 'rejects', async () => {
      await tick();
      clock.advanceNs(900);
      throw new RangeError('venue said no');
    });
    await expect(rejects()).rejects.toThrow(/venue said no/);
    expect(monitor.operation('rejects').window.snapshot()).toMatchObject({ count: 1, maxNs: 900 });
  });

  it('binds the operation once at creation; over operationsMax is a configuration error', () => {
    const { monitor } = manualMonitor(2);
    instrument(monitor, 'a', () => 1);
    instrument(monitor, 'a', () => 2); // same name, same operation
    instrument(monitor, 'b', () => 3);
    expect(() => instrument(monitor, 'c', () => 4)).toThrow(/operationsMax \(2\)/);
    expect(() => instrument(manualMonitor().monitor, 'order id 17', () => 0)).toThrow(/operation name/);
    expect(() => instrument(monitor, 'a', 'nope' as unknown as () => void)).toThrow(/must be a function/);
    expect([...monitor.operations()].map((op) => op.name)).toEqual(['a', 'b']);
  });

  it('createCallTimer records manual measurements', () => {
    const { clock, monitor } = manualMonitor();
    const timer = createCallTimer(monitor, 'manual');
    const t0Ns = timer.startNs();
    clock.advanceNs(1_234);
    expect(timer.stopNs(t0Ns)).toBe(1_234);
    expect(timer.operation.window.snapshot()).toMatchObject({ count: 1, maxNs: 1_234 });
  });
});

describe('instrument() with the OpenTelemetry SDK', () => {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const contextManager = new AsyncLocalStorageContextManager();
  const tracer = () => trace.getTracer('test');

  beforeAll(() => {
    context.setGlobalContextManager(contextManager.enable());
    trace.setGlobalTracerProvider(provider);
  });
  afterAll(async () => {
    trace.disable();
    context.disable();
    await provider.shutdown();
  });

  function spansNamed(name: string) {
    return exporter.getFinishedSpans().filter((s) => s.name === name);
  }

  it('produces a span named for the operation, child of the active span, with kind and attributes', () => {
    exporter.reset();
    const { clock, monitor } = manualMonitor();
    const send = instrument(
      monitor,
      'order_send',
      function (this: { venue: string }, qty: number) {
        clock.advanceNs(1_000);
        return `${this.venue}:${qty}`;
      },
      { kind: SpanKind.CLIENT, attributes: { 'venue.name': 'lmax' } },
    );
    const result = tracer().startActiveSpan('request', (parent) => {
      const r = send.call({ venue: 'lmax' }, 5);
      parent.end();
      return { r, parentId: parent.spanContext().spanId };
    });
    expect(result.r).toBe('lmax:5');
    const [span] = spansNamed('order_send');
    expect(span).toBeDefined();
    expect(span!.parentSpanContext?.spanId).toBe(result.parentId);
    expect(span!.kind).toBe(SpanKind.CLIENT);
    expect(span!.attributes).toEqual({ 'venue.name': 'lmax' });
    expect(span!.status.code).toBe(SpanStatusCode.UNSET);
    expect(span!.instrumentationScope.name).toBe('@tailguard/core');
    expect(monitor.operation('order_send').window.snapshot()).toMatchObject({ count: 1, maxNs: 1_000 });
  });

  it('records the exception and status ERROR on a throw, re-throws it, sync result stays sync', () => {
    exporter.reset();
    const { monitor } = manualMonitor();
    const bad = new TypeError('bad price');
    const check = instrument(monitor, 'check', (ok: boolean) => {
      if (!ok) throw bad;
      return 'filled';
    });
    expect(check(true)).toBe('filled');
    expect(() => check(false)).toThrow(bad);
    const spans = spansNamed('check');
    expect(spans).toHaveLength(2);
    expect(spans[0]!.status.code).toBe(SpanStatusCode.UNSET);
    expect(spans[1]!.status).toEqual({ code: SpanStatusCode.ERROR, message: 'bad price' });
    const event = spans[1]!.events.find((e) => e.name === 'exception');
    expect(event?.attributes?.['exception.type']).toBe('TypeError');
    expect(event?.attributes?.['exception.message']).toBe('bad price');
    expect(monitor.operation('check').window.count()).toBe(2);
  });

  it('marks a span ERROR when a non-Error value is thrown, and re-throws that value', () => {
    exporter.reset();
    const { monitor } = manualMonitor();
    const throwsString = instrument(monitor, 'throws_string', () => {
      throw 'venue closed';
    });
    let caught: unknown;
    try {
      throwsString();
    } catch (error) {
      caught = error;
    }
    expect(caught).toBe('venue closed');
    expect(spansNamed('throws_string')[0]?.status).toEqual({ code: SpanStatusCode.ERROR, message: 'venue closed' });
  });

  it('keeps the span active across awaits, so work inside an async fn is its child', async () => {
    exporter.reset();
    const { monitor } = manualMonitor();
    const inner = instrument(monitor, 'inner', async () => {
      await tick();
      return 1;
    });
    const outer = instrument(monitor, 'outer', async function (this: { k: number }, x: number) {
      await tick();
      return (await inner()) + x + this.k;
    });
    await expect(outer.call({ k: 10 }, 100)).resolves.toBe(111);
    const [o] = spansNamed('outer');
    const [i] = spansNamed('inner');
    expect(o?.parentSpanContext).toBeUndefined();
    expect(i?.parentSpanContext?.spanId).toBe(o!.spanContext().spanId);
    expect(i?.spanContext().traceId).toBe(o!.spanContext().traceId);
    // the caller's context is restored after the call
    expect(trace.getActiveSpan()).toBeUndefined();
  });

  it('records a rejection on the span and propagates it', async () => {
    exporter.reset();
    const { clock, monitor } = manualMonitor();
    const sendAsync = instrument(monitor, 'send_async', async () => {
      await tick();
      clock.advanceNs(3_000);
      throw new Error('timeout');
    });
    await expect(sendAsync()).rejects.toThrow('timeout');
    const [span] = spansNamed('send_async');
    expect(span?.status).toEqual({ code: SpanStatusCode.ERROR, message: 'timeout' });
    expect(span?.events.some((e) => e.name === 'exception')).toBe(true);
    expect(monitor.operation('send_async').window.snapshot()).toMatchObject({ count: 1, maxNs: 3_000 });
  });

  it('traces a function wrapped before the SDK was registered', () => {
    exporter.reset();
    expect(earlyWrapped(21)).toBe(42);
    expect(spansNamed('early_op')).toHaveLength(1);
    expect(early.monitor.operation('early_op').window.count()).toBe(1);
  });

  it('uses an explicit tracer when given one', () => {
    exporter.reset();
    const { monitor } = manualMonitor();
    const fn = instrument(monitor, 'explicit', () => 7, { tracer: provider.getTracer('engine') });
    expect(fn()).toBe(7);
    expect(spansNamed('explicit')[0]?.instrumentationScope.name).toBe('engine');
  });
});
