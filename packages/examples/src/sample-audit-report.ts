/**
 * Generates docs/sample-report.md: runs the real `tailguard audit` on this
 * machine and copies its report.md there, under a header saying how it was made.
 *
 *   npx tsc -b && node packages/examples/dist/sample-audit-report.js [--out-md FILE]
 *
 * What the audit sees:
 * - the host (this machine's /proc and /sys);
 * - `signOrder` from audit-target.ts (Ed25519) replayed at 2 000 TPS x 1/2/5 for 3 s each;
 * - deploy/prometheus/alerts.yml, with the 5 s scrape interval of deploy/prometheus/prometheus.yml;
 * - the /metrics of an engine running in this process: FIX sessions to two loopback venues
 *   (jspurefix over 127.0.0.1), orders routed through an OrderRouter with a FixOrderRoute per
 *   venue, and its latency windows, on its own prom-client registry. It keeps sending a trickle
 *   of orders (20/s) while the audit runs, as a live engine would.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { LatencyMonitor, OrderRouter, registerLatencyPrometheus } from '@tailguard/core';
import { nodeCliIo, runCli } from '@tailguard/core/cli';
import { FixMetrics, FixOrderRoute, registerFixPromMetrics, startLoopback, type LoopbackHarness } from '@tailguard/fix';
import { Registry } from 'prom-client';
import { serveMetrics, type MetricsServer } from './metrics-server.js';
import { runAsMain } from './run-as-main.js';

/** Orders the in-process engine sends per second while the audit runs. */
const TRICKLE_ORDERS_PER_S = 20;
/** Orders sent before the audit starts, so every window has data. */
const WARMUP_ORDERS = 200;

/**
 * Pause between starting the engine and the audit. Without it the 1x replay
 * overlaps the start-up's JIT and the major GC of the FIX dictionary (tens of MB)
 * and reads p99 near 100 ms on a 2-CPU VM instead of a few ms.
 */
const SETTLE_MS = 3_000;

/** Repository root: this file runs from packages/examples/dist/. */
const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** A running stand-in engine: FIX sessions, a router, and /metrics. */
interface SampleEngine {
  readonly metricsUrl: string;
  stop(): Promise<void>;
}

function order(clOrdId: string): Record<string, unknown> {
  return { ClOrdID: clOrdId, Instrument: { Symbol: 'XAUUSD' }, Side: '1', OrderQtyData: { OrderQty: 1 }, Price: 2000.5, OrdType: '2', TransactTime: new Date() };
}

async function startSampleEngine(): Promise<SampleEngine> {
  const monitor = new LatencyMonitor();
  const metrics = new FixMetrics({ monitor });
  const registry = new Registry();
  registerLatencyPrometheus(monitor, registry);
  registerFixPromMetrics(registry, metrics);
  const harnesses: LoopbackHarness[] = [];
  let server: MetricsServer | undefined;
  let trickle: NodeJS.Timeout | undefined;
  const stop = async (): Promise<void> => {
    if (trickle !== undefined) clearInterval(trickle);
    await server?.close();
    for (const h of harnesses) await h.stop();
    monitor.close();
  };
  try {
    for (const venueCompId of ['PRIMARY', 'BACKUP']) {
      harnesses.push(await startLoopback({ metrics, venueCompId, venue: { ordersWithoutQuoteId: 'fill' }, engines: [{ senderCompId: 'ENGINE' }] }));
    }
    const routes = harnesses.map((h, i) => new FixOrderRoute({ name: i === 0 ? 'primary' : 'backup', session: h.engine }));
    const router = new OrderRouter<Record<string, unknown>>({ routes, deadlineMs: 1_000 });
    router.registerPrometheus(registry);
    let next = 0;
    for (; next < WARMUP_ORDERS; next++) {
      const r = await router.send(order(`W${next}`));
      if (r.outcome !== 'sent') throw new Error(`sample engine: warm-up order ${next} ended ${r.outcome} (${r.detail ?? ''})`);
    }
    trickle = setInterval(() => void router.send(order(`T${next++}`)), 1_000 / TRICKLE_ORDERS_PER_S);
    server = await serveMetrics(registry, 0);
    return { metricsUrl: server.url, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Runs the audit and writes the sample report; resolves to the CLI's exit code. */
export async function main(argv: readonly string[], out: { write(t: string): unknown } = process.stdout): Promise<number> {
  const { values } = parseArgs({ args: [...argv], options: { 'out-md': { type: 'string' } } });
  const target = path.join(REPO_ROOT, 'docs', 'sample-report.md');
  const outMd = values['out-md'] ?? target;
  const rules = path.join('deploy', 'prometheus', 'alerts.yml');
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'tailguard-sample-audit-'));
  const engine = await startSampleEngine();
  try {
    await sleep(SETTLE_MS);
    const targetSpec = `${fileURLToPath(new URL('./audit-target.js', import.meta.url))}#signOrder`;
    const args = ['audit', '--out', tmp, '--target', targetSpec, '--tps', '2000', '--duration', '3',
      '--rules', path.join(REPO_ROOT, rules), '--metrics', engine.metricsUrl, '--scrape-interval-ms', '5000'];
    const loadAvg1m = os.loadavg()[0]!; // context for the reader: other work on the host shows up in the tail
    const code = await runCli(args, nodeCliIo());
    if (code !== 0) return code;
    const report = await readFile(path.join(tmp, 'report.md'), 'utf8');
    const header = [
      '<!-- Generated by packages/examples/src/sample-audit-report.ts; do not edit by hand: run `npx tsc -b && node packages/examples/dist/sample-audit-report.js` again. -->',
      '',
      `> **Sample report, generated, not hand-written.** \`node packages/examples/dist/sample-audit-report.js\` ran the real`,
      `> \`tailguard audit --target packages/examples/dist/audit-target.js#signOrder --tps 2000 --duration 3 --rules ${rules}`,
      `> --metrics <in-process engine> --scrape-interval-ms 5000\` on ${os.hostname()} (${os.platform()} ${os.release()}, ${os.cpus().length} CPUs,`,
      `> Node ${process.version}, 1-min load average ${loadAvg1m.toFixed(2)} at the start) at ${new Date().toISOString()}. The engine behind \`--metrics\` runs in the same process: FIX sessions to`,
      '> two loopback venues, orders routed through an `OrderRouter` with a `FixOrderRoute` per venue, 20 orders/s during the audit.',
      '',
      '',
    ].join('\n');
    await writeFile(outMd, header + report);
    out.write(`wrote ${outMd}\n`);
    return 0;
  } finally {
    await engine.stop();
    await rm(tmp, { recursive: true, force: true });
  }
}

runAsMain(import.meta.url, main, 'usage');
