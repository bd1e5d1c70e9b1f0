/**
 * Cost of `instrument()` around a trivial synchronous function: bare call,
 * two bare clock reads (the floor any timing wrapper pays), the wrapper with no
 * OpenTelemetry SDK registered, and with an SDK (BasicTracerProvider,
 * BatchSpanProcessor, an exporter that drops everything, AsyncLocalStorage
 * context manager).
 */
import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, BatchSpanProcessor, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { instrument, LatencyMonitor, monoNowNs } from '@tailguard/core';
import {
  formatNsPerOp,
  measure,
  printTable,
  type TargetCheck,
} from './bench-harness.js';

/** Kept so the optimiser cannot drop the measured calls. */
let sink = 0;

function bare(x: number): number {
  return x * 2 + 1;
}

/** Exports nothing: the cost measured is the SDK's, not an exporter's I/O. */
const droppingExporter: SpanExporter = {
  export(_spans: ReadableSpan[], done: (result: { code: number }) => void): void {
    done({ code: 0 });
  },
  async shutdown(): Promise<void> {},
};

/** Runs the instrument() overhead benchmark and returns its target checks. */
export async function run(): Promise<TargetCheck[]> {
  const monitor = new LatencyMonitor();
  const noSdk = instrument(monitor, 'bench_no_sdk', bare);

  const provider = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(droppingExporter)] });
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  const withSdk = instrument(monitor, 'bench_with_sdk', bare, { tracer: provider.getTracer('bench') });

  const bareFig = measure((n) => { let a = 0; for (let i = 0; i < n; i++) a += bare(i); sink += a; });
  const clockFig = measure((n) => { let a = 0; for (let i = 0; i < n; i++) { const t = monoNowNs(); a += monoNowNs() - t; } sink += a; });
  const noSdkFig = measure((n) => { let a = 0; for (let i = 0; i < n; i++) a += noSdk(i); sink += a; });
  const sdkFig = measure((n) => { let a = 0; for (let i = 0; i < n; i++) a += withSdk(i); sink += a; }, { rounds: 7 });

  context.disable();
  await provider.shutdown();
  monitor.close();

  const overheadNoSdk = noSdkFig.nsPerOp - bareFig.nsPerOp;
  const overheadSdk = sdkFig.nsPerOp - bareFig.nsPerOp;
  const check: TargetCheck = {
    name: 'instrument() overhead over a bare call, no SDK',
    figure: `${overheadNoSdk.toFixed(1)} ns`,
    target: '≤ 150 ns',
    met: overheadNoSdk <= 150,
  };
  printTable(
    'instrument() around a trivial sync function (ns/op, median of rounds; overhead = figure - bare call)',
    [
      { label: 'bare call', value: formatNsPerOp(bareFig) },
      { label: 'two bare clock reads (floor)', value: formatNsPerOp(clockFig), ratio: `+${(clockFig.nsPerOp - bareFig.nsPerOp).toFixed(1)} ns` },
      { label: 'instrument(), no SDK', value: formatNsPerOp(noSdkFig), ratio: `+${overheadNoSdk.toFixed(1)} ns`, target: check.target, met: check.met },
      { label: 'instrument(), SDK + BatchSpanProcessor', value: formatNsPerOp(sdkFig), ratio: `+${overheadSdk.toFixed(1)} ns` },
    ],
    `the SDK figure includes span creation, context.with and a BatchSpanProcessor that drops spans once its queue is full (sink ${sink > 0 ? 'ok' : 'zero'})`,
    'over bare',
  );
  return [check];
}
