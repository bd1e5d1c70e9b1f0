import {
  LatencyMonitor,
  monitorRuntimeStalls,
  registerDetectionPromMetrics,
  registerLatencyPrometheus,
  registerRolloutMetrics,
  type ArbitrageDetector,
  type Rollout,
  type RuntimeStalls,
} from '@tailguard/core';
import { FixMetrics, registerFixPromMetrics } from '@tailguard/fix';
import { Registry } from 'prom-client';
import type { DeskGuard } from './desk-guard.js';

/** The desk's metrics: its own registry (never prom-client's global one) and what feeds it. */
export interface DeskTelemetry {
  readonly registry: Registry;
  /** Latency windows: FIX order → ack / fill, encode, SendingTime lag, runtime stalls, signers. */
  readonly monitor: LatencyMonitor;
  readonly fixMetrics: FixMetrics;
  /** Stops the runtime-stall sampler and the monitor's timer. */
  stop(): void;
}

/**
 * Creates the registry and the latency monitor (with event-loop and GC stall
 * windows) and registers latency, FIX, quote-guard, rollout and detection
 * metrics on it. Everything is read at scrape time.
 */
export function createDeskTelemetry(parts: { guard: DeskGuard; rollout: Rollout; detector: ArbitrageDetector }): DeskTelemetry {
  const registry = new Registry();
  // 7 clients × 4 engine windows + 7 venue windows + 2 runtime + 3 signers, with room to spare.
  const monitor = new LatencyMonitor({ operationsMax: 128 });
  const fixMetrics = new FixMetrics({ monitor, sessionsMax: 32 });
  const stalls: RuntimeStalls = monitorRuntimeStalls(monitor);
  registerLatencyPrometheus(monitor, registry);
  registerFixPromMetrics(registry, fixMetrics);
  parts.guard.registerMetrics(registry);
  registerRolloutMetrics(parts.rollout, { registry });
  registerDetectionPromMetrics(registry, parts.detector);
  return {
    registry,
    monitor,
    fixMetrics,
    stop: () => {
      stalls.stop();
      monitor.close();
    },
  };
}
