import { afterEach, describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import v8 from 'node:v8';
import vm from 'node:vm';
import { Registry } from 'prom-client';
import {
  LatencyMonitor,
  ManualClock,
  monitorRuntimeStalls,
  registerLatencyPrometheus,
  RUNTIME_STALL_OPERATIONS,
  type RuntimeStalls,
} from '@tailguard/core';

/** Holds the event loop for `ms` milliseconds, as a stuck synchronous handler would. */
function busyWaitMs(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // spin
  }
}

/** Waits (bounded) until `predicate` holds; the bound only stops a broken test from hanging. */
async function waitFor(predicate: () => boolean, boundMs: number): Promise<void> {
  const end = performance.now() + boundMs;
  while (!predicate() && performance.now() < end) await sleep(20);
}

// A ManualClock that never advances keeps every sample in the live window: the
// stall sampler times itself with the process clock, the window rotates only on tick().
const cleanups: (() => void)[] = [];
function setup(): { monitor: LatencyMonitor; stalls: RuntimeStalls } {
  const monitor = new LatencyMonitor({ autoTick: false, clock: new ManualClock() });
  const stalls = monitorRuntimeStalls(monitor, { resolutionMs: 10, sampleIntervalMs: 100 });
  cleanups.push(() => {
    stalls.stop();
    monitor.close();
  });
  return { monitor, stalls };
}
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

describe('monitorRuntimeStalls', () => {
  it('records a blocked event loop into runtime_event_loop_delay', async () => {
    const { monitor } = setup();
    const eld = monitor.operation(RUNTIME_STALL_OPERATIONS.eventLoopDelay);
    expect(eld.name).toBe('runtime_event_loop_delay');
    await waitFor(() => eld.window.count() >= 2, 2_000);
    const quietMaxNs = eld.window.quantileNs(1);

    busyWaitMs(120);
    // The stall is reported by the first or second sample after the loop is free again.
    await waitFor(() => eld.window.quantileNs(1) >= 80e6, 2_000);
    expect(eld.window.quantileNs(1)).toBeGreaterThanOrEqual(80e6);
    expect(eld.window.quantileNs(1)).toBeGreaterThan(quietMaxNs);
    // One sample per interval: the stall is one sample, not many.
    const snap = eld.window.snapshot();
    expect(snap.p50Ns).toBeLessThan(80e6);
  });

  it('sees a stall that starts right after a sample (where Node forgets the probe period)', async () => {
    const { monitor } = setup();
    const eld = monitor.operation(RUNTIME_STALL_OPERATIONS.eventLoopDelay);
    // A sink runs inside the sampler callback, just after the probe was reset:
    // block there once, inside the probe period Node's reset() makes it forget.
    let armed = true;
    eld.addSink(() => {
      if (!armed) return;
      armed = false;
      busyWaitMs(120);
    });
    await waitFor(() => !armed, 2_000);
    expect(armed).toBe(false);
    await waitFor(() => eld.window.quantileNs(1) >= 80e6, 2_000);
    expect(eld.window.quantileNs(1)).toBeGreaterThanOrEqual(80e6);
  });

  it('records garbage-collection pauses into runtime_gc_pause', async () => {
    const { monitor } = setup();
    const gcOp = monitor.operation(RUNTIME_STALL_OPERATIONS.gcPause);
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    const garbage: number[][] = [];
    for (let i = 0; i < 1_000; i++) garbage.push(new Array(1_000).fill(i));
    garbage.length = 0;
    gc();
    await waitFor(() => gcOp.window.count() >= 1, 2_000);
    expect(gcOp.window.count()).toBeGreaterThanOrEqual(1);
    expect(gcOp.window.quantileNs(1)).toBeGreaterThan(0);
    expect(gcOp.window.invalidTotal).toBe(0);
  });

  it('exports through the latency exporters like any operation', async () => {
    const { monitor } = setup();
    const registry = new Registry();
    registerLatencyPrometheus(monitor, registry);
    const eld = monitor.operation(RUNTIME_STALL_OPERATIONS.eventLoopDelay);
    await waitFor(() => eld.window.count() >= 1, 2_000);
    const text = await registry.metrics();
    expect(text).toMatch(/^tailguard_latency_window_seconds\{operation="runtime_event_loop_delay",quantile="1"\} \S+$/m);
    expect(text).toMatch(/^tailguard_latency_window_samples\{operation="runtime_gc_pause"\} \d+$/m);
  });

  it('stops sampling on stop(), idempotently', async () => {
    const { monitor, stalls } = setup();
    const eld = monitor.operation(RUNTIME_STALL_OPERATIONS.eventLoopDelay);
    await waitFor(() => eld.window.count() >= 1, 2_000);
    stalls.stop();
    stalls.stop();
    const count = eld.window.count();
    await sleep(350);
    expect(eld.window.count()).toBe(count);
  });

  it('can leave either source off, and rejects bad configuration naming the field', () => {
    const monitor = new LatencyMonitor({ autoTick: false, clock: new ManualClock() });
    cleanups.push(() => monitor.close());
    const onlyGc = monitorRuntimeStalls(monitor, { eventLoop: false });
    onlyGc.stop();
    expect([...monitor.operations()].map((o) => o.name)).toEqual(['runtime_gc_pause']);
    expect(() => monitorRuntimeStalls(monitor, { resolutionMs: 0 })).toThrow(/resolutionMs/);
    expect(() => monitorRuntimeStalls(monitor, { resolutionMs: 50, sampleIntervalMs: 60 })).toThrow(/sampleIntervalMs/);
  });
});
