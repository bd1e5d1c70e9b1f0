/**
 * The main demo: HMAC-SHA256, Ed25519 and ECDSA P-256 signing replayed at 1x,
 * 2x and 5x on an open-loop timetable, side by side, with the metrics served on
 * a printed port while it runs. `pnpm demo` builds and runs it.
 */
import { metrics } from '@opentelemetry/api';
import {
  formatDurationNs,
  formatLoadReport,
  LatencyMonitor,
  monitorRuntimeStalls,
  registerLatencyOpenTelemetry,
  registerLatencyPrometheus,
  replayLoad,
  RUNTIME_STALL_OPERATIONS,
  type LoadReportRow,
} from '@tailguard/core';
import { Registry } from 'prom-client';
import { parseSigningDemoArgs, SIGNING_DEMO_USAGE } from './demo-args.js';
import { createDemoSigners, DEMO_SIGNING_PAYLOAD } from './demo-signers.js';
import { serveMetrics } from './metrics-server.js';
import { formatSideBySide } from './side-by-side-table.js';
import { parseFlagsOrUsage } from './parse-flags-or-usage.js';
import { runAsMain } from './run-as-main.js';

/** Where the demo writes; the test passes its own to read the output. */
export interface DemoOutput {
  write(text: string): unknown;
}

/** Multipliers every signer is replayed at. */
export const DEMO_MULTIPLIERS = [1, 2, 5] as const;

/**
 * Runs the demo with `argv` (flags only, no node/script) and resolves to the
 * process exit code: 0 done, 2 bad flags. Everything it starts (server, timers,
 * observers) is stopped before it resolves, pass or fail.
 */
export async function main(argv: readonly string[], out: DemoOutput = process.stdout, err: DemoOutput = process.stderr): Promise<number> {
  const flags = parseFlagsOrUsage(argv, parseSigningDemoArgs, SIGNING_DEMO_USAGE, out, err);
  if (!flags.ok) return flags.exitCode;
  const args = flags.args;

  // The app's own registry and monitor: never prom-client's global default.
  const registry = new Registry();
  const monitor = new LatencyMonitor();
  const signers = createDemoSigners(monitor);
  registerLatencyPrometheus(monitor, registry);
  // A no-op meter until the app registers an OpenTelemetry SDK: this is how an engine would wire it.
  const stopOtel = registerLatencyOpenTelemetry(monitor, metrics.getMeter('tailguard-signing-demo'));
  const stalls = monitorRuntimeStalls(monitor);
  const server = await serveMetrics(registry, args.port).catch((error: unknown) => {
    stalls.stop();
    stopOtel();
    monitor.close();
    throw error;
  });
  try {
    out.write(`metrics: ${server.url}\n`);
    const seconds = (signers.length * (DEMO_MULTIPLIERS.length * args.durationMs + args.warmupMs)) / 1_000;
    out.write(
      `replaying ${signers.length} signers at ${DEMO_MULTIPLIERS.map((m) => `${m}x`).join('/')} of ${args.tps}/s, ${args.durationMs} ms each (about ${Math.ceil(seconds)} s)\n`,
    );
    const rows: LoadReportRow[] = [];
    for (const signer of signers) {
      const fn = (): Buffer => signer.sign(DEMO_SIGNING_PAYLOAD);
      if (args.warmupMs > 0) {
        // Unreported: lets the JIT compile the signer and the dispatcher before the figures count.
        await replayLoad({ fn, tps: args.tps, multipliers: [1], durationMs: args.warmupMs, progress: false });
      }
      out.write(`replaying ${signer.operation.name} (${signer.algorithm})\n`);
      rows.push(
        ...(await replayLoad({
          name: signer.operation.name,
          fn,
          tps: args.tps,
          multipliers: DEMO_MULTIPLIERS,
          durationMs: args.durationMs,
          restMs: 100,
        })),
      );
    }
    out.write(`\n${formatLoadReport(rows)}\n\n${formatSideBySide(rows)}\n\n`);
    const loop = monitor.operation(RUNTIME_STALL_OPERATIONS.eventLoopDelay).window;
    const gc = monitor.operation(RUNTIME_STALL_OPERATIONS.gcPause).window;
    out.write(
      `runtime stalls (last minute of windows): event-loop delay worst p99 ${formatDurationNs(loop.worstP99Ns())}, GC pause worst p99 ${formatDurationNs(gc.worstP99Ns())}\n`,
    );
    return 0;
  } finally {
    await server.close();
    stalls.stop();
    stopOtel();
    monitor.close();
  }
}

runAsMain(import.meta.url, main);
